//! The automaton finds exactly what a naive scan over the normalized sequence
//! finds, for random texts and lexicons over a small alphabet.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use proptest::prelude::*;
use yujie_safety::testing::{scan_with_all_positions, Unit};
use yujie_safety::{normalize_for_tests, Action, Category, Filter, Options, Word};

const ALPHABET: &[&str] = &[
    "微", "信", "法", "轮", "发", "發", "票", "哈", "a", "b", "A", "B", "s", "1", "①", "一", "@", "#", "-", " ", " ",
    "。", ".", "\n", "\u{200D}", "\u{301}",
];

const MAX_WORD: usize = 6;
const MAX_ALLOW: usize = 9;

fn string_of(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..max).prop_map(|parts| parts.concat())
}

fn action() -> impl Strategy<Value = Action> {
    proptest::sample::select(Action::ALL.to_vec())
}

/// Normalized characters, `None` for a boundary.
fn symbols(units: &[Unit]) -> Vec<Option<char>> {
    units
        .iter()
        .map(|unit| match unit {
            Unit::Char { c, .. } => Some(*c),
            Unit::Boundary => None,
        })
        .collect()
}

fn occurrences(haystack: &[Option<char>], needle: &[Option<char>]) -> Vec<Range<usize>> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return Vec::new();
    }
    (0..=haystack.len() - needle.len())
        .filter(|&i| haystack[i..i + needle.len()] == *needle)
        .map(|i| i..i + needle.len())
        .collect()
}

fn naive_scan(words: &[Word], allow: &[String], text: &str, options: &Options) -> BTreeSet<(usize, usize, usize)> {
    let units = normalize_for_tests(text, options);
    let haystack = symbols(&units);
    // One reported word per normalized text: the first with the strictest action.
    let mut reported: HashMap<Vec<Option<char>>, usize> = HashMap::new();
    for (i, word) in words.iter().enumerate() {
        let key = symbols(&normalize_for_tests(&word.text, options));
        let slot = reported.entry(key).or_insert(i);
        if words[*slot].action < word.action {
            *slot = i;
        }
    }
    let allowed: Vec<Range<usize>> =
        allow.iter().flat_map(|entry| occurrences(&haystack, &symbols(&normalize_for_tests(entry, options)))).collect();
    let mut found = BTreeSet::new();
    for (needle, word) in reported {
        for at in occurrences(&haystack, &needle) {
            if allowed.iter().any(|a| a.start <= at.start && at.end <= a.end) {
                continue;
            }
            let range = |unit: &Unit| match unit {
                Unit::Char { range, .. } => range.clone(),
                Unit::Boundary => unreachable!("a word never starts or ends at a boundary"),
            };
            found.insert((range(&units[at.start]).start, range(&units[at.end - 1]).end, word));
        }
    }
    found
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn scan_matches_naive_scan(
        text in string_of(700),
        lexicon in proptest::collection::vec((string_of(5), action()), 0..4),
        excerpts in proptest::collection::vec((any::<usize>(), 1usize..MAX_WORD, action()), 0..5),
        allow in proptest::collection::vec(string_of(6), 0..2),
        allow_excerpts in proptest::collection::vec((any::<usize>(), 2usize..MAX_ALLOW), 0..3),
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
        let filter = Filter::build(&words, &allow, &options).unwrap();
        let expected = naive_scan(&words, &allow, &text, &options);
        let hits = filter.scan(&text);
        let got: BTreeSet<_> = hits.iter().map(|hit| (hit.range.start, hit.range.end, hit.word)).collect();
        prop_assert_eq!(got.len(), hits.len(), "duplicate hits");
        prop_assert_eq!(&got, &expected);
        prop_assert!(hits.windows(2).all(|w| w[0].range.start <= w[1].range.start));
        prop_assert_eq!(scan_with_all_positions(&filter, &text), hits);
    }
}
