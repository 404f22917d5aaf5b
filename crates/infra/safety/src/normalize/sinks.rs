//! What a normalization run writes to: bytes only, bytes with resumable
//! checkpoints (the fast path), or the position of every normalized character.

use super::{Sink, State, SEPARATOR};
use crate::chars::Symbol;
use crate::prefilter::{StartFilter, SEPARATOR_ID};

/// The folded characters only (`None` for a boundary), for words.
#[derive(Default)]
pub(crate) struct UnitSink {
    pub(crate) units: Vec<Option<char>>,
}

impl Sink for UnitSink {
    fn before_char(&mut self, _offset: usize, _state: &State) -> bool {
        false
    }
    fn push_char(&mut self, symbol: Symbol, _start: usize, _end: usize) {
        self.units.push(Some(symbol.folded_char().unwrap_or('\u{FFFD}')));
    }
    fn extend_last(&mut self, _end: usize) {}
    fn push_separator(&mut self) {
        self.units.push(None);
    }
}

/// A point where a run can resume: before the original character at `offset`,
/// in `state`, with `norm_len` normalized bytes written so far.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checkpoint {
    pub(crate) offset: usize,
    pub(crate) state: State,
    pub(crate) norm_len: usize,
}

/// Original characters between two checkpoints.
const CHECKPOINT_EVERY: u32 = 256;

/// The buffers of the fast path, reused from scan to scan.
#[derive(Debug, Default)]
pub(crate) struct FastBuffers {
    pub(crate) bytes: Vec<u8>,
    pub(crate) checkpoints: Vec<Checkpoint>,
    /// Normalized byte offsets where a pattern may start, ascending.
    pub(crate) candidates: Vec<usize>,
}

/// No unit written yet: an id no pattern starts with.
const NO_UNIT: u32 = u32::MAX;

/// Normalized bytes, a checkpoint every [`CHECKPOINT_EVERY`] original
/// characters (so positions can later be worked out near a match only), and
/// the places where a pattern may start.
pub(crate) struct CheckpointSink<'a> {
    out: &'a mut FastBuffers,
    starts: &'a StartFilter,
    /// The id of the last unit written ([`NO_UNIT`] before the first).
    last_id: u32,
    /// Its normalized byte offset.
    last_offset: usize,
    countdown: u32,
}

impl<'a> CheckpointSink<'a> {
    pub(crate) fn new(out: &'a mut FastBuffers, starts: &'a StartFilter) -> Self {
        out.bytes.clear();
        out.checkpoints.clear();
        out.candidates.clear();
        CheckpointSink { out, starts, last_id: NO_UNIT, last_offset: 0, countdown: 1 }
    }

    #[inline(always)]
    fn unit(&mut self, id: u32) {
        let offset = self.out.bytes.len();
        if self.starts.may_start_pair(self.last_id, id) && self.last_id != NO_UNIT {
            self.out.candidates.push(self.last_offset);
        }
        if self.starts.may_be_single(id) {
            self.out.candidates.push(offset);
        }
        self.last_id = id;
        self.last_offset = offset;
    }
}

impl Sink for CheckpointSink<'_> {
    #[inline]
    fn before_char(&mut self, offset: usize, state: &State) -> bool {
        self.countdown -= 1;
        if self.countdown == 0 {
            self.countdown = CHECKPOINT_EVERY;
            self.out.checkpoints.push(Checkpoint { offset, state: *state, norm_len: self.out.bytes.len() });
        }
        false
    }
    #[inline]
    fn push_char(&mut self, symbol: Symbol, _start: usize, _end: usize) {
        self.unit(symbol.key());
        symbol.write(&mut self.out.bytes);
    }
    #[inline]
    fn extend_last(&mut self, _end: usize) {}
    #[inline]
    fn push_separator(&mut self) {
        self.unit(SEPARATOR_ID);
        self.out.bytes.push(SEPARATOR);
    }
}

/// Where one normalized character sits: its first normalized byte, and the
/// original bytes it stands for (its repeats and trailing ignorables included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CharRecord {
    pub(crate) norm: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Records every normalized character's position; optionally keeps the bytes.
/// Can stop a run once a character starting at or after a target is written.
pub(crate) struct PositionSink {
    pub(crate) records: Vec<CharRecord>,
    pub(crate) bytes: Vec<u8>,
    keep_bytes: bool,
    norm_len: usize,
    /// Records before this index belong to an earlier run.
    run_first: usize,
    stop_at: usize,
}

impl PositionSink {
    pub(crate) fn new(keep_bytes: bool) -> PositionSink {
        PositionSink {
            records: Vec::new(),
            bytes: Vec::new(),
            keep_bytes,
            norm_len: 0,
            run_first: 0,
            stop_at: usize::MAX,
        }
    }

    /// Starts a new run at a checkpoint; earlier records stay.
    pub(crate) fn restart(&mut self, norm_len: usize) {
        self.norm_len = norm_len;
        self.run_first = self.records.len();
    }

    pub(crate) fn norm_len(&self) -> usize {
        self.norm_len
    }

    /// Makes the run stop once a character at normalized byte `target` or
    /// later is written, which closes every character before `target`.
    pub(crate) fn stop_at(&mut self, target: usize) {
        self.stop_at = target;
    }
}

impl Sink for PositionSink {
    #[inline]
    fn before_char(&mut self, _offset: usize, _state: &State) -> bool {
        self.records.len() > self.run_first && self.records.last().is_some_and(|r| r.norm >= self.stop_at)
    }
    fn push_char(&mut self, symbol: Symbol, start: usize, end: usize) {
        self.records.push(CharRecord { norm: self.norm_len, start, end });
        self.norm_len += symbol.width();
        if self.keep_bytes {
            symbol.write(&mut self.bytes);
        }
    }
    fn extend_last(&mut self, end: usize) {
        if self.records.len() > self.run_first {
            if let Some(last) = self.records.last_mut() {
                last.end = end;
            }
        }
    }
    fn push_separator(&mut self) {
        self.norm_len += 1;
        if self.keep_bytes {
            self.bytes.push(SEPARATOR);
        }
    }
}
