//! Normalization: original text in, normalized bytes out (one symbol per
//! significant character, [`SEPARATOR`] at boundaries), reported to a [`Sink`]
//! that may also record where each normalized character came from.

mod gap;
mod sinks;

use crate::alphabet::{Alphabet, FoldedAlphabet};
use crate::chars::{Class, Symbol};
pub(crate) use gap::Gap;
pub(crate) use sinks::{CharRecord, Checkpoint, CheckpointSink, FastBuffers, PositionSink, UnitSink};

/// Stands for a boundary in normalized bytes. No character's bytes contain
/// it, so no word matches across a boundary unless the word itself holds one.
pub(crate) const SEPARATOR: u8 = 0xFF;

/// Receives the normalized sequence.
pub(crate) trait Sink {
    /// Called before each original character at byte `offset`, with the state
    /// at that point. Returning `true` stops the run there.
    fn before_char(&mut self, offset: usize, state: &State) -> bool;
    /// A new normalized character, from the original bytes `start..end`.
    fn push_char(&mut self, symbol: Symbol, start: usize, end: usize);
    /// The last normalized character's original range now ends at `end`.
    fn extend_last(&mut self, end: usize);
    fn push_separator(&mut self);
}

/// Everything the normalizer carries from one character to the next, so a run
/// can resume anywhere from a saved state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct State {
    /// The last significant character, if any.
    prev: Option<Symbol>,
    /// The noise seen since then.
    gap: Gap,
    /// Whether an ignorable character now still belongs to `prev`.
    attach: bool,
}

impl State {
    /// Whether the next significant character will follow a boundary whatever
    /// it is (or there is no significant character yet).
    pub(crate) fn boundary_certain(&self, max_gap: usize) -> bool {
        self.prev.is_none() || self.gap.is_certain_boundary(max_gap)
    }
}

/// Normalization with one alphabet and one maximum gap.
#[derive(Debug, Clone, Default)]
pub(crate) struct Normalizer<A> {
    pub(crate) alphabet: A,
    max_gap: usize,
}

impl<A: Alphabet> Normalizer<A> {
    pub(crate) fn new(alphabet: A, max_gap: usize) -> Normalizer<A> {
        Normalizer { alphabet, max_gap }
    }

    pub(crate) fn max_gap(&self) -> usize {
        self.max_gap
    }

    /// Normalizes `text[from..]` starting in `state`, until the sink stops the
    /// run or the text ends. Returns the byte offset where it stopped.
    pub(crate) fn run<S: Sink>(&self, text: &str, from: usize, state: &mut State, sink: &mut S) -> usize {
        let Some(rest) = text.get(from..) else {
            return text.len();
        };
        for (relative, ch) in rest.char_indices() {
            let offset = from + relative;
            if sink.before_char(offset, state) {
                return offset;
            }
            let symbol = self.alphabet.symbol(ch);
            if symbol.is_significant() {
                self.significant(symbol, offset, offset + ch.len_utf8(), state, sink);
                continue;
            }
            match symbol.class() {
                Class::Ignorable => {
                    if state.attach {
                        sink.extend_last(offset + ch.len_utf8());
                    }
                }
                class => {
                    state.gap.add(class);
                    state.attach = false;
                }
            }
        }
        text.len()
    }

    #[inline]
    fn significant<S: Sink>(&self, symbol: Symbol, start: usize, end: usize, state: &mut State, sink: &mut S) {
        match state.prev {
            None => sink.push_char(symbol, start, end),
            Some(prev) => {
                if state.gap.is_boundary(prev, symbol, self.max_gap) {
                    sink.push_separator();
                    sink.push_char(symbol, start, end);
                } else if prev.key() == symbol.key() && !symbol.is_unknown() {
                    sink.extend_last(end);
                } else {
                    sink.push_char(symbol, start, end);
                }
            }
        }
        state.prev = Some(symbol);
        state.gap = Gap::default();
        state.attach = true;
    }
}

impl Normalizer<FoldedAlphabet> {
    /// The folded characters of a whole text, `None` for a boundary.
    pub(crate) fn units(&self, text: &str) -> Vec<Option<char>> {
        let mut sink = UnitSink::default();
        self.run(text, 0, &mut State::default(), &mut sink);
        sink.units
    }
}

#[cfg(test)]
mod tests;
