//! A small invented lexicon and helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use yujie_safety::testing::Unit;
use yujie_safety::{normalize_for_tests, Action, Category, Filter, Hit, Options, StreamFilter, StreamStep, Word};

/// Harmless-looking fixture words; no real list is shipped.
pub fn lexicon() -> Vec<Word> {
    vec![
        Word::new("微信", Category::Advert, Action::Block),
        Word::new("法轮", Category::Politics, Action::Block),
        Word::new("赌场", Category::Gambling, Action::Review),
        Word::new("傻逼", Category::Abuse, Action::Mask),
        Word::new("badword", Category::Other, Action::Mask),
        Word::new("发票", Category::Advert, Action::Mask),
        Word::new("六合彩", Category::Gambling, Action::Review),
        Word::new("sis", Category::Other, Action::Mask),
    ]
}

pub fn allow_list() -> Vec<String> {
    vec!["赌场风云".to_string()]
}

pub fn fixture_filter() -> Filter {
    Filter::build(&lexicon(), &allow_list(), &Options::default()).unwrap()
}

/// The texts of the words hit in `text`.
pub fn hit_words(filter: &Filter, text: &str) -> Vec<String> {
    let hits = filter.scan(text);
    hits.iter().map(|hit| filter.word(hit.word).text.clone()).collect()
}

/// What a stream should give for `text`: the shown text, and the hit that
/// ended the stream, if any.
pub fn expected_stream(filter: &Filter, text: &str) -> (String, Option<Hit>) {
    let verdict = filter.check(text);
    let masked = verdict.masked(text);
    let stop = verdict.hits.iter().find(|hit| hit.action >= Action::Review).cloned();
    match stop {
        None => (masked, None),
        Some(hit) => {
            // Masking keeps one character per original character.
            let kept = text[..hit.range.start].chars().count();
            (masked.chars().take(kept).collect(), Some(hit))
        }
    }
}

/// Streams `chunks` and returns what was shown and the hit that ended it.
pub fn run_stream(filter: &Arc<Filter>, chunks: &[&str]) -> (String, Option<Hit>) {
    let mut stream = StreamFilter::new(Arc::clone(filter));
    let mut shown = String::new();
    let mut steps: Vec<StreamStep> = chunks.iter().map(|chunk| stream.push(chunk)).collect();
    steps.push(stream.finish());
    let mut stop = None;
    for step in steps {
        match step {
            StreamStep::Emit { text, .. } => {
                assert!(stop.is_none() || text.is_empty(), "text after Blocked");
                shown.push_str(&text);
            }
            StreamStep::Blocked { text, hit } => {
                assert!(stop.is_none(), "Blocked twice");
                shown.push_str(&text);
                stop = Some(hit);
            }
        }
    }
    (shown, stop)
}

/// Splits `text` at the given character indices (sorted, deduplicated).
pub fn split_at_chars<'a>(text: &'a str, cuts: &[usize]) -> Vec<&'a str> {
    let offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let mut pieces = Vec::new();
    let mut from = 0;
    for cut in cuts {
        let at = offsets.get(*cut).copied().unwrap_or(text.len());
        if at > from {
            pieces.push(&text[from..at]);
            from = at;
        }
    }
    pieces.push(&text[from..]);
    pieces
}

/// Whether `text` keeps at least one character after normalization.
pub fn significant(text: &str, options: &Options) -> bool {
    normalize_for_tests(text, options).iter().any(|unit| matches!(unit, Unit::Char { .. }))
}

/// The characters `start..start + len` of `text` (indices taken modulo its
/// length): lets property tests pick words that do occur.
pub fn excerpt(text: &str, start: usize, len: usize) -> String {
    let n = text.chars().count().max(1);
    text.chars().skip(start % n).take(len).collect()
}
