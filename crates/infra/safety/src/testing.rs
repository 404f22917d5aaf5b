//! Internals exposed for the crate's own tests (property tests compare the
//! automaton with a naive scan over the same normalized sequence). Not an API.

use std::ops::Range;

use crate::alphabet::FoldedAlphabet;
use crate::chars::Symbol;
use crate::filter::Filter;
use crate::hit::Hit;
use crate::normalize::{Normalizer, Sink, State};
use crate::word::Options;

/// One element of a normalized sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// A significant character (folded) and the original bytes it stands for.
    Char { c: char, range: Range<usize> },
    /// A boundary: no word matches across it unless it holds one itself.
    Boundary,
}

/// The normalized sequence of `text`, as [`Filter::build`] with `options`
/// normalizes words and scanned text.
pub fn normalize_for_tests(text: &str, options: &Options) -> Vec<Unit> {
    let normalizer = Normalizer::new(FoldedAlphabet::new(&options.extra_noise), options.max_gap);
    let mut sink = UnitsWithRanges::default();
    normalizer.run(text, 0, &mut State::default(), &mut sink);
    sink.units
}

#[derive(Default)]
struct UnitsWithRanges {
    units: Vec<Unit>,
}

impl Sink for UnitsWithRanges {
    fn before_char(&mut self, _offset: usize, _state: &State) -> bool {
        false
    }
    fn push_char(&mut self, symbol: Symbol, start: usize, end: usize) {
        let c = symbol.folded_char().unwrap_or('\u{FFFD}');
        self.units.push(Unit::Char { c, range: start..end });
    }
    fn extend_last(&mut self, end: usize) {
        if let Some(Unit::Char { range, .. }) = self.units.last_mut() {
            range.end = end;
        }
    }
    fn push_separator(&mut self) {
        self.units.push(Unit::Boundary);
    }
}

/// The hits of `text` found with every position recorded (the streaming
/// path), rather than through checkpoints as [`Filter::scan`] does.
pub fn scan_with_all_positions(filter: &Filter, text: &str) -> Vec<Hit> {
    let analysis = crate::positions::analyze(filter, text);
    crate::positions::analysis_hits(filter, &analysis)
}
