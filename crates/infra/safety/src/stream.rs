//! Filtering text that arrives in chunks (a generated answer, a live comment).

use std::sync::Arc;

use crate::category::Action;
use crate::filter::Filter;
use crate::hit::{mask_into, Hit};
use crate::positions::{analysis_hits, analyze, Analysis};

/// What one [`StreamFilter::push`] or [`StreamFilter::finish`] lets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamStep {
    /// Text that is final and safe to show (already masked); may be empty.
    Emit { text: String, hits: Vec<Hit> },
    /// A Block or Review word was found: `text` is the safe text before it
    /// (masked), and the stream is over; every later push/finish returns Emit
    /// with empty text. Hit ranges are byte ranges in the whole streamed text
    /// so far (from its first chunk).
    Blocked { text: String, hit: Hit },
}

impl StreamStep {
    fn nothing() -> StreamStep {
        StreamStep::Emit { text: String::new(), hits: Vec::new() }
    }
}

/// Holds back the end of the text that a later chunk could still turn into
/// a hit, and releases the rest, masked.
#[derive(Debug)]
pub struct StreamFilter {
    filter: Arc<Filter>,
    /// Original text not released yet.
    pending: String,
    /// Bytes released so far: the offset of `pending` in the whole text.
    released: usize,
    over: bool,
}

impl StreamFilter {
    pub fn new(filter: Arc<Filter>) -> Self {
        StreamFilter { filter, pending: String::new(), released: 0, over: false }
    }

    /// Feeds the next chunk of a streamed text. Returns what may be shown now.
    pub fn push(&mut self, chunk: &str) -> StreamStep {
        if self.over {
            return StreamStep::nothing();
        }
        self.pending.push_str(chunk);
        self.step(false)
    }

    /// The end of the stream: releases the rest.
    pub fn finish(&mut self) -> StreamStep {
        if self.over {
            return StreamStep::nothing();
        }
        let step = self.step(true);
        self.over = true;
        self.pending = String::new();
        step
    }

    fn step(&mut self, finishing: bool) -> StreamStep {
        if self.filter.automaton.is_none() {
            self.released += self.pending.len();
            let text = std::mem::take(&mut self.pending);
            return StreamStep::Emit { text, hits: Vec::new() };
        }
        let analysis = analyze(&self.filter, &self.pending);
        let chars = analysis.records.len();
        // Past a certain boundary no later chunk can reach back, unless a word
        // itself spans a boundary.
        let settled = finishing || (analysis.ends_at_boundary && !self.filter.pattern_has_separator);
        // A later occurrence ends in a later character, so it starts at most
        // this many characters back (at least one: the last character's range
        // can still grow with repeats and ignorables).
        let hold = if settled || self.filter.word_count() == 0 {
            0
        } else {
            self.filter.max_pattern_chars.saturating_sub(1).max(1)
        };
        let safe_end = chars.saturating_sub(hold);
        if let Some(step) = self.block_before(&analysis, safe_end) {
            self.over = true;
            self.pending = String::new();
            return step;
        }
        let release = release_point(&analysis, safe_end);
        let byte = match analysis.records.get(release) {
            Some(record) => record.start,
            None => self.pending.len(),
        };
        let released: Vec<Hit> =
            analysis_hits(&self.filter, &analysis).into_iter().filter(|hit| hit.range.end <= byte).collect();
        let mut text = String::with_capacity(byte);
        mask_into(&mut text, &self.pending, &released, byte);
        let hits = released.into_iter().map(|hit| self.shifted(hit)).collect();
        self.pending.drain(..byte);
        self.released += byte;
        StreamStep::Emit { text, hits }
    }

    /// `Blocked` if the first Block or Review occurrence lies wholly before
    /// `safe_end` (so no later chunk can change it or put a hit before it).
    fn block_before(&self, analysis: &Analysis, safe_end: usize) -> Option<StreamStep> {
        let (chars, word) = analysis.words.iter().find(|(_, word)| self.filter.word(*word).action >= Action::Review)?;
        if chars.end > safe_end {
            return None;
        }
        let hit = analysis.hit(&self.filter, chars, *word)?;
        let mut text = String::with_capacity(hit.range.start);
        mask_into(&mut text, &self.pending, &analysis_hits(&self.filter, analysis), hit.range.start);
        Some(StreamStep::Blocked { text, hit: self.shifted(hit) })
    }

    fn shifted(&self, mut hit: Hit) -> Hit {
        hit.range = hit.range.start + self.released..hit.range.end + self.released;
        hit
    }
}

/// The first normalized character not to release: `safe_end`, moved back to
/// the start of any occurrence (word or allow-list entry) that crosses it, so
/// an occurrence is released whole or not at all.
fn release_point(analysis: &Analysis, safe_end: usize) -> usize {
    let mut point = safe_end;
    loop {
        let crossing = analysis
            .words
            .iter()
            .map(|(chars, _)| chars)
            .chain(&analysis.allows)
            .filter(|chars| chars.start < point && chars.end > point)
            .map(|chars| chars.start)
            .min();
        match crossing {
            Some(start) => point = start,
            None => return point,
        }
    }
}
