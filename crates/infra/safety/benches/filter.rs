//! Sensitive-word filter benchmarks: a 10 MB text, a 200-character comment,
//! and building a 50,000-word filter.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use yujie_safety::{Filter, Options, Word};

const WORDS: usize = 50_000;
const TEXT_BYTES: usize = 10 * 1024 * 1024;

struct Setup {
    words: Vec<Word>,
    filter: Filter,
    /// 10 MB with hits (planted and chance ones).
    text: String,
    /// 10 MB whose CJK characters are outside the lexicon's pool: no hits.
    clean_text: String,
}

fn setup() -> Setup {
    let pool = corpus::cjk_pool(0x4E00, 3000);
    let other_pool = corpus::cjk_pool(0x4E00 + 3000 * 5, 3000);
    let words = corpus::lexicon(WORDS, &pool);
    let filter = Filter::build(&words, &[], &Options::default()).expect("lexicon builds");
    let text = corpus::text(TEXT_BYTES, &pool, &words, 200);
    let clean_text = corpus::text(TEXT_BYTES, &other_pool, &[], 0);
    Setup { words, filter, text, clean_text }
}

/// What a caller does with a text: check it, and mask it if anything hit.
fn filter_text(filter: &Filter, text: &str) -> usize {
    let verdict = filter.check(text);
    if verdict.is_clean() {
        0
    } else {
        verdict.masked(text).len() + verdict.hits.len()
    }
}

fn big_texts(c: &mut Criterion, s: &Setup) {
    let hits = s.filter.scan(&s.text).len();
    assert!(hits > 0, "the text must contain hits");
    assert!(s.filter.scan(&s.clean_text).is_empty(), "the clean text must be clean");
    eprintln!(
        "10 MB text: {} chars, {hits} hits; clean text: {} chars",
        s.text.chars().count(),
        s.clean_text.chars().count()
    );
    let mut group = c.benchmark_group("text_10mb");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(s.text.chars().count() as u64));
    group.bench_function("check_and_mask_with_hits", |b| b.iter(|| filter_text(&s.filter, black_box(&s.text))));
    group.throughput(Throughput::Elements(s.clean_text.chars().count() as u64));
    group.bench_function("check_clean", |b| b.iter(|| filter_text(&s.filter, black_box(&s.clean_text))));
    group.finish();
}

/// The first 200-character window of `text` without a hit.
fn clean_comment(filter: &Filter, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(200)
        .map(|window| window.iter().collect::<String>())
        .find(|comment| filter.check(comment).is_clean())
        .expect("a clean window")
}

fn comments(c: &mut Criterion, s: &Setup) {
    // Its characters are the lexicon's: the automaton is busy all along.
    let comment = clean_comment(&s.filter, &s.text);
    // Its Chinese characters occur in no word.
    let unrelated: String = s.clean_text.chars().skip(1000).take(200).collect();
    let with_hit: String = s.words[0].text.clone() + &comment.chars().skip(10).collect::<String>();
    assert!(s.filter.check(&unrelated).is_clean());
    assert!(!s.filter.check(&with_hit).is_clean());
    let mut group = c.benchmark_group("comment_200_chars");
    group.throughput(Throughput::Elements(200));
    group.bench_function("check_clean", |b| b.iter(|| s.filter.check(black_box(&comment))));
    group.bench_function("check_clean_unrelated_chars", |b| b.iter(|| s.filter.check(black_box(&unrelated))));
    group.bench_function("check_and_mask_one_hit", |b| b.iter(|| filter_text(&s.filter, black_box(&with_hit))));
    group.finish();
}

fn build(c: &mut Criterion, s: &Setup) {
    let mut group = c.benchmark_group("build");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("50k_words", |b| b.iter(|| Filter::build(black_box(&s.words), &[], &Options::default())));
    group.finish();
}

fn benches(c: &mut Criterion) {
    let s = setup();
    big_texts(c, &s);
    comments(c, &s);
    build(c, &s);
}

criterion_group!(filter_benches, benches);
criterion_main!(filter_benches);
