//! Occurrences in normalized bytes, and the allow-list rule.

use std::ops::Range;

use aho_corasick::{AhoCorasick, Input};

use crate::filter::Pattern;

/// Occurrences found in normalized bytes (byte ranges of the normalized text).
#[derive(Debug, Default)]
pub(crate) struct Occurrences {
    /// Word occurrences that no allow-list occurrence contains, with the word
    /// index, ordered by start then end.
    pub(crate) words: Vec<(Range<usize>, usize)>,
    /// Every allow-list occurrence, ordered by start.
    pub(crate) allows: Vec<Range<usize>>,
}

/// Every occurrence in `normalized`, or only in `windows` of it (which must
/// hold every occurrence that matters, see [`crate::prefilter`]).
pub(crate) fn find(
    automaton: &AhoCorasick,
    patterns: &[Pattern],
    normalized: &[u8],
    windows: Option<&[Range<usize>]>,
) -> Occurrences {
    let mut found = Occurrences::default();
    let whole = 0..normalized.len();
    for window in windows.unwrap_or(std::slice::from_ref(&whole)) {
        let input = Input::new(normalized).range(window.clone());
        for m in automaton.find_overlapping_iter(input) {
            let Some(pattern) = patterns.get(m.pattern().as_usize()) else {
                continue;
            };
            if pattern.allow {
                found.allows.push(m.range());
            }
            if let Some(word) = pattern.word {
                found.words.push((m.range(), word));
            }
        }
    }
    found.allows.sort_unstable_by_key(|range| (range.start, range.end));
    if found.words.is_empty() {
        return found;
    }
    if !found.allows.is_empty() {
        let allowed = AllowedSpans::new(&found.allows);
        found.words.retain(|(range, _)| !allowed.contains(range));
    }
    found.words.sort_unstable_by_key(|(range, word)| (range.start, range.end, *word));
    found
}

/// Answers "is this range inside some allow-list occurrence?" in log time.
struct AllowedSpans<'a> {
    /// Sorted by start.
    spans: &'a [Range<usize>],
    /// `furthest_end[i]`: the largest end among `spans[..=i]`.
    furthest_end: Vec<usize>,
}

impl<'a> AllowedSpans<'a> {
    fn new(spans: &'a [Range<usize>]) -> Self {
        let furthest_end = spans
            .iter()
            .scan(0, |furthest, span| {
                *furthest = span.end.max(*furthest);
                Some(*furthest)
            })
            .collect();
        AllowedSpans { spans, furthest_end }
    }

    fn contains(&self, range: &Range<usize>) -> bool {
        let starting_before = self.spans.partition_point(|span| span.start <= range.start);
        starting_before > 0 && self.furthest_end[starting_before - 1] >= range.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_spans() {
        let spans = [0..6, 2..3, 4..12];
        let allowed = AllowedSpans::new(&spans);
        assert!(allowed.contains(&(0..6)));
        assert!(allowed.contains(&(3..6)));
        assert!(allowed.contains(&(4..12)));
        assert!(allowed.contains(&(5..9)));
        assert!(!allowed.contains(&(3..7)));
        assert!(!allowed.contains(&(10..13)));
        assert!(!allowed.contains(&(12..13)));
    }
}
