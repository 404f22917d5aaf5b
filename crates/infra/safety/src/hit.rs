//! What a scan finds ([`Hit`]), what a check decides ([`Verdict`]), and masking.

use std::ops::Range;

use crate::category::{Action, Category};

/// One occurrence of a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Byte range in the original text, from the first character of the
    /// occurrence to the last (its repeats and trailing ignorables included).
    pub range: Range<usize>,
    /// Index into the words given to [`crate::Filter::build`].
    pub word: usize,
    pub category: Category,
    pub action: Action,
}

/// The result of [`crate::Filter::check`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Every hit, ordered by start (then end, then word).
    pub hits: Vec<Hit>,
}

impl Verdict {
    pub fn is_clean(&self) -> bool {
        self.hits.is_empty()
    }

    /// The strictest action among the hits.
    pub fn action(&self) -> Option<Action> {
        self.hits.iter().map(|hit| hit.action).max()
    }

    /// The first hit whose action is [`Action::Block`].
    pub fn blocking(&self) -> Option<&Hit> {
        self.hits.iter().find(|hit| hit.action == Action::Block)
    }

    /// `text` (the checked text) with every character inside a hit of action
    /// Mask or stricter replaced by one `*`; everything else byte-identical.
    pub fn masked(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        mask_into(&mut out, text, &self.hits, text.len());
        out
    }
}

/// Appends `text[..limit]` to `out`, masking the characters inside `hits`.
/// Ranges that do not fit `text` (another text than the scanned one) are skipped.
pub(crate) fn mask_into(out: &mut String, text: &str, hits: &[Hit], limit: usize) {
    let limit = limit.min(text.len());
    let mut copied = 0;
    for range in merged_ranges(hits) {
        let start = range.start.max(copied);
        let end = range.end.min(limit);
        if start >= end {
            continue;
        }
        let (Some(before), Some(inside)) = (text.get(copied..start), text.get(start..end)) else {
            continue;
        };
        out.push_str(before);
        out.extend(std::iter::repeat_n('*', inside.chars().count()));
        copied = end;
    }
    if let Some(rest) = text.get(copied..limit) {
        out.push_str(rest);
    }
}

/// The ranges of Mask-or-stricter hits, sorted and merged where they overlap.
fn merged_ranges(hits: &[Hit]) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> =
        hits.iter().filter(|hit| hit.action >= Action::Mask).map(|hit| hit.range.clone()).collect();
    ranges.sort_unstable_by_key(|range| range.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(range: Range<usize>, action: Action) -> Hit {
        Hit { range, word: 0, category: Category::Other, action }
    }

    #[test]
    fn verdict_summary() {
        let verdict =
            Verdict { hits: vec![hit(0..3, Action::Mask), hit(3..6, Action::Block), hit(6..9, Action::Review)] };
        assert!(!verdict.is_clean());
        assert_eq!(verdict.action(), Some(Action::Block));
        assert_eq!(verdict.blocking().map(|h| h.range.clone()), Some(3..6));
        assert!(Verdict::default().is_clean());
        assert_eq!(Verdict::default().action(), None);
    }

    #[test]
    fn masking_overlaps_and_limits() {
        let text = "a微信bc";
        let verdict = Verdict { hits: vec![hit(1..4, Action::Mask), hit(1..7, Action::Block)] };
        assert_eq!(verdict.masked(text), "a**bc");
        let mut out = String::new();
        mask_into(&mut out, text, &verdict.hits, 4);
        assert_eq!(out, "a*");
        let wrong = Verdict { hits: vec![hit(2..3, Action::Mask), hit(40..50, Action::Mask)] };
        assert_eq!(wrong.masked(text), text);
    }
}
