#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn folded(extra_noise: &[char], max_gap: usize) -> Normalizer<FoldedAlphabet> {
    Normalizer::new(FoldedAlphabet::new(extra_noise), max_gap)
}

fn normalized(text: &str) -> String {
    units_text(&folded(&[], 8), text)
}

fn units_text(normalizer: &Normalizer<FoldedAlphabet>, text: &str) -> String {
    normalizer.units(text).into_iter().map(|unit| unit.unwrap_or('|')).collect()
}

fn positions(text: &str) -> Vec<(usize, usize)> {
    let mut sink = PositionSink::new(false);
    folded(&[], 8).run(text, 0, &mut State::default(), &mut sink);
    sink.records.iter().map(|r| (r.start, r.end)).collect()
}

#[test]
fn folds_and_gaps() {
    assert_eq!(normalized("微 信"), "微信");
    assert_eq!(normalized("this is"), "this|is");
    assert_eq!(normalized("办法。轮到你"), "办法|轮到你");
    assert_eq!(normalized("微@!!%。信"), "微信");
    assert_eq!(normalized("b.a.d"), "b|a|d");
    assert_eq!(normalized("b..a..d"), "bad");
    assert_eq!(normalized("微\n信"), "微|信");
    assert_eq!(normalized("微\u{200D}信"), "微信");
    assert_eq!(normalized("微微微信信"), "微信");
    assert_eq!(normalized("哈 哈"), "哈");
    assert_eq!(normalized("aa a"), "a|a");
    assert_eq!(normalized("ＢａＤ"), "bad");
    assert_eq!(normalized("發票"), "发票");
    assert_eq!(normalized("⑥合彩 六合彩"), "6合彩6合彩");
    assert_eq!(normalized("  !微!  "), "微");
    assert_eq!(normalized("微#########信"), "微|信");
}

#[test]
fn extra_noise_and_max_gap() {
    let normalizer = folded(&['X', '的'], 2);
    assert_eq!(units_text(&normalizer, "axb的c"), "abc");
    assert_eq!(units_text(&normalizer, "a@@b"), "ab");
    assert_eq!(units_text(&normalizer, "a@@@b"), "a|b");
}

#[test]
fn ranges_cover_repeats_and_ignorables() {
    // 'e' + combining acute, then 'e' again after a symbol: one char 0..5.
    assert_eq!(positions("e\u{301}#e"), vec![(0, 5)]);
    // A ZWJ after noise belongs to nobody.
    assert_eq!(positions("a!\u{200D}b"), vec![(0, 1), (5, 6)]);
    // Repeats across a boundary stay apart.
    assert_eq!(positions("a\na"), vec![(0, 1), (2, 3)]);
}

#[test]
fn resuming_from_a_saved_state_gives_the_same_bytes() {
    let text = "微@信 this is\u{301} 發票。轮 aa!a";
    let normalizer = folded(&[], 8);
    let bytes_of = |text: &str, from: usize, state: &mut State, sink: PositionSink| {
        let mut sink = sink;
        normalizer.run(text, from, state, &mut sink);
        sink.bytes
    };
    let whole = bytes_of(text, 0, &mut State::default(), PositionSink::new(true));
    let mut buffers = FastBuffers::default();
    let starts = crate::prefilter::StartFilter::default();
    let mut sink = CheckpointSink::new(&mut buffers, &starts);
    normalizer.run(text, 0, &mut State::default(), &mut sink);
    assert_eq!(buffers.bytes, whole);
    for (offset, _) in text.char_indices() {
        let mut state = State::default();
        normalizer.run(text, 0, &mut state, &mut StopAt(offset));
        let mut head = PositionSink::new(true);
        head.bytes = bytes_of(&text[..offset], 0, &mut State::default(), PositionSink::new(true));
        let resumed = bytes_of(text, offset, &mut state, head);
        assert_eq!(resumed, whole, "resumed at {offset}");
    }
}

/// Runs to `offset` and stops there, writing nothing.
struct StopAt(usize);

impl Sink for StopAt {
    fn before_char(&mut self, offset: usize, _state: &State) -> bool {
        offset >= self.0
    }
    fn push_char(&mut self, _symbol: Symbol, _start: usize, _end: usize) {}
    fn extend_last(&mut self, _end: usize) {}
    fn push_separator(&mut self) {}
}
