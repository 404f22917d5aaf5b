//! Any chunking of a stream shows what checking the whole text would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::{expected_stream, run_stream, split_at_chars};
use proptest::prelude::*;
use yujie_safety::{Action, Category, Filter, Options, Word};

const ALPHABET: &[&str] =
    &["微", "信", "法", "轮", "票", "哈", "a", "b", "B", "1", "①", "@", "#", " ", "。", "\n", "\u{200D}", "\u{301}"];

const MAX_WORD: usize = 7;
const MAX_ALLOW: usize = 10;

fn string_of(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..max).prop_map(|parts| parts.concat())
}

fn action() -> impl Strategy<Value = Action> {
    // Mostly Mask, so that many streams run to the end.
    proptest::sample::select(vec![Action::Mask, Action::Mask, Action::Mask, Action::Review, Action::Block])
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn chunking_does_not_change_the_result(
        text in string_of(80),
        lexicon in proptest::collection::vec((string_of(5), action()), 0..3),
        excerpts in proptest::collection::vec((any::<usize>(), 1usize..MAX_WORD, action()), 0..4),
        allow in proptest::collection::vec(string_of(6), 0..2),
        allow_excerpts in proptest::collection::vec((any::<usize>(), 2usize..MAX_ALLOW), 0..3),
        cuts in proptest::collection::vec(0usize..100, 0..12),
        max_gap in 0usize..4,
    ) {
        let options = Options { max_gap, ..Options::default() };
        let picked = excerpts.into_iter().map(|(at, len, action)| (common::excerpt(&text, at, len), action));
        let words: Vec<Word> = lexicon
            .into_iter()
            .chain(picked)
            .filter(|(text, _)| common::significant(text, &options))
            .map(|(text, action)| Word::new(text, Category::Other, action))
            .collect();
        let picked = allow_excerpts.into_iter().map(|(at, len)| common::excerpt(&text, at, len));
        let allow: Vec<String> = allow.into_iter().chain(picked).filter(|e| common::significant(e, &options)).collect();
        let filter = Arc::new(Filter::build(&words, &allow, &options).unwrap());
        let n = text.chars().count();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (n + 1)).collect();
        cuts.sort_unstable();
        let chunks = split_at_chars(&text, &cuts);
        prop_assert_eq!(run_stream(&filter, &chunks), expected_stream(&filter, &text), "{:?}", chunks);
    }
}
