//! From normalized occurrences back to original byte ranges.
//!
//! [`scan`] is the path for whole texts: it normalizes into reused buffers with
//! a checkpoint every few hundred characters and no positions at all; only when
//! a word occurs does it rerun normalization, with positions, from the
//! checkpoint before each occurrence up to its end. [`analyze`] records every
//! position (streamed text and tests need them all).

use std::cell::RefCell;

use crate::filter::Filter;
use crate::hit::Hit;
use crate::matching::{self, Occurrences};
use crate::normalize::{CharRecord, Checkpoint, CheckpointSink, FastBuffers, PositionSink, State};
use crate::prefilter;

/// Buffers above this size are given back after a scan.
const SCRATCH_KEEP_BYTES: usize = 1 << 20;

thread_local! {
    static SCRATCH: RefCell<FastBuffers> = RefCell::default();
}

pub(crate) fn scan(filter: &Filter, text: &str) -> Vec<Hit> {
    if filter.automaton.is_none() || text.is_empty() {
        return Vec::new();
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let hits = scan_with(filter, text, &mut scratch);
            scratch.bytes.shrink_to(SCRATCH_KEEP_BYTES);
            scratch.checkpoints.shrink_to(SCRATCH_KEEP_BYTES / 64);
            scratch.candidates.shrink_to(SCRATCH_KEEP_BYTES / 64);
            hits
        }
        Err(_) => scan_with(filter, text, &mut FastBuffers::default()),
    })
}

fn scan_with(filter: &Filter, text: &str, buffers: &mut FastBuffers) -> Vec<Hit> {
    let Some(automaton) = &filter.automaton else {
        return Vec::new();
    };
    let mut sink = CheckpointSink::new(buffers, &filter.starts);
    filter.normalizer.run(text, 0, &mut State::default(), &mut sink);
    if buffers.candidates.is_empty() {
        return Vec::new();
    }
    let windows = prefilter::windows(&buffers.candidates, filter.max_pattern_bytes, buffers.bytes.len());
    let found = matching::find(automaton, &filter.patterns, &buffers.bytes, Some(&windows));
    if found.words.is_empty() {
        return Vec::new();
    }
    resolve_near(filter, text, &buffers.checkpoints, found)
}

/// Original ranges of word occurrences, normalizing again with positions only
/// from the checkpoint before each occurrence (or going on from the last one).
fn resolve_near(filter: &Filter, text: &str, checkpoints: &[Checkpoint], found: Occurrences) -> Vec<Hit> {
    let mut sink = PositionSink::new(false);
    let mut state = State::default();
    let mut offset = 0;
    let mut started = false;
    let mut hits = Vec::with_capacity(found.words.len());
    for (span, word) in found.words {
        let after = checkpoints.partition_point(|c| c.norm_len <= span.start);
        if let Some(checkpoint) = after.checked_sub(1).and_then(|i| checkpoints.get(i)) {
            if !started || checkpoint.norm_len > sink.norm_len() {
                state = checkpoint.state;
                offset = checkpoint.offset;
                sink.restart(checkpoint.norm_len);
                started = true;
            }
        }
        sink.stop_at(span.end);
        offset = filter.normalizer.run(text, offset, &mut state, &mut sink);
        if let Some(range) = original_range(&sink.records, &span) {
            hits.push(filter.hit(range, word));
        }
    }
    sort_hits(&mut hits);
    hits
}

/// The original bytes of the normalized characters in `span` (normalized bytes).
fn original_range(records: &[CharRecord], span: &std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    let first = records.get(records.partition_point(|r| r.norm < span.start))?;
    let last = records.get(records.partition_point(|r| r.norm < span.end).checked_sub(1)?)?;
    Some(first.start..last.end)
}

fn sort_hits(hits: &mut [Hit]) {
    hits.sort_unstable_by_key(|hit| (hit.range.start, hit.range.end, hit.word));
}

/// A text normalized with every position recorded, and its occurrences in
/// normalized character indices.
#[derive(Debug, Default)]
pub(crate) struct Analysis {
    /// One record per normalized character.
    pub(crate) records: Vec<CharRecord>,
    /// Word occurrences (allow-list applied): character index range and word.
    pub(crate) words: Vec<(std::ops::Range<usize>, usize)>,
    /// Allow-list occurrences, as character index ranges.
    pub(crate) allows: Vec<std::ops::Range<usize>>,
    /// Whether the next significant character, whatever it is, would follow a
    /// boundary (or no significant character was seen).
    pub(crate) ends_at_boundary: bool,
}

impl Analysis {
    /// The hit of a word occurrence given in character indices.
    pub(crate) fn hit(&self, filter: &Filter, chars: &std::ops::Range<usize>, word: usize) -> Option<Hit> {
        let first = self.records.get(chars.start)?;
        let last = self.records.get(chars.end.checked_sub(1)?)?;
        Some(filter.hit(first.start..last.end, word))
    }
}

pub(crate) fn analyze(filter: &Filter, text: &str) -> Analysis {
    let mut sink = PositionSink::new(true);
    let mut state = State::default();
    filter.normalizer.run(text, 0, &mut state, &mut sink);
    let ends_at_boundary = state.boundary_certain(filter.normalizer.max_gap());
    let Some(automaton) = &filter.automaton else {
        return Analysis { records: sink.records, ends_at_boundary, ..Analysis::default() };
    };
    let found = matching::find(automaton, &filter.patterns, &sink.bytes, None);
    let records = sink.records;
    let to_chars = |span: &std::ops::Range<usize>| {
        records.partition_point(|r| r.norm < span.start)..records.partition_point(|r| r.norm < span.end)
    };
    let words = found.words.iter().map(|(span, word)| (to_chars(span), *word)).collect();
    let allows = found.allows.iter().map(to_chars).collect();
    Analysis { records, words, allows, ends_at_boundary }
}

/// Every hit of an analysis, ordered like [`Filter::scan`].
pub(crate) fn analysis_hits(filter: &Filter, analysis: &Analysis) -> Vec<Hit> {
    let mut hits: Vec<Hit> =
        analysis.words.iter().filter_map(|(chars, word)| analysis.hit(filter, chars, *word)).collect();
    sort_hits(&mut hits);
    hits
}
