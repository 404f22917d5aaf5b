//! Streamed text: a word split across chunks is never shown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::{expected_stream, fixture_filter, run_stream, split_at_chars};
use yujie_safety::{Action, StreamFilter, StreamStep};

const TEXTS: [&str; 6] = [
    "前面的话，加我微@信吧，后面",
    "你这个傻!逼，还有badword和發票",
    "看了赌场风云，然后去赌场",
    "BAD\u{301}WORD\r\n傻傻逼逼👩\u{200D}👧",
    "办法。轮到你了 this is 法轮",
    "哈哈 ⑥合彩 end",
];

fn check_all_splits(text: &str, cut_sets: &[Vec<usize>]) {
    let filter = Arc::new(fixture_filter());
    let expected = expected_stream(&filter, text);
    for cuts in cut_sets {
        let chunks = split_at_chars(text, cuts);
        assert_eq!(run_stream(&filter, &chunks), expected, "{chunks:?}");
    }
}

#[test]
fn every_split_into_two_and_three_chunks() {
    for text in TEXTS {
        let n = text.chars().count();
        let two: Vec<Vec<usize>> = (0..=n).map(|a| vec![a]).collect();
        check_all_splits(text, &two);
        let three: Vec<Vec<usize>> = (0..=n).flat_map(|a| (a..=n).map(move |b| vec![a, b])).collect();
        check_all_splits(text, &three);
    }
}

#[test]
fn many_splits_into_ten_chunks() {
    let mut seed: u64 = 0x5EED;
    let mut next = move |bound: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize % bound
    };
    for text in TEXTS {
        let n = text.chars().count();
        let mut sets: Vec<Vec<usize>> = (0..500)
            .map(|_| {
                let mut cuts: Vec<usize> = (0..9).map(|_| next(n + 1)).collect();
                cuts.sort_unstable();
                cuts
            })
            .collect();
        sets.push((1..n).collect());
        check_all_splits(text, &sets);
    }
}

#[test]
fn a_block_word_is_never_shown() {
    let filter = Arc::new(fixture_filter());
    let text = "你好，请加微信123";
    let n = text.chars().count();
    for a in 0..=n {
        for b in a..=n {
            let chunks = split_at_chars(text, &[a, b]);
            let (shown, hit) = run_stream(&filter, &chunks);
            assert_eq!(shown, "你好，请加");
            let hit = hit.unwrap();
            assert_eq!(hit.action, Action::Block);
            assert_eq!(&text[hit.range], "微信");
        }
    }
}

#[test]
fn blocked_ends_the_stream() {
    let filter = Arc::new(fixture_filter());
    let mut stream = StreamFilter::new(filter);
    let mut steps = vec![stream.push("ok 法"), stream.push("轮 and more text here")];
    steps.push(stream.push("傻逼"));
    steps.push(stream.finish());
    let blocked = steps.iter().position(|step| matches!(step, StreamStep::Blocked { .. })).unwrap();
    assert!(blocked <= 2);
    for step in &steps[blocked + 1..] {
        assert_eq!(step, &StreamStep::Emit { text: String::new(), hits: Vec::new() });
    }
}

#[test]
fn mask_hits_are_reported_in_whole_text_offsets() {
    let filter = Arc::new(fixture_filter());
    let mut stream = StreamFilter::new(filter);
    let mut hits = Vec::new();
    let mut shown = String::new();
    for chunk in ["一段话\n", "傻", "逼\n", "再来一个发", "票。"] {
        if let StreamStep::Emit { text, hits: found } = stream.push(chunk) {
            shown.push_str(&text);
            hits.extend(found);
        }
    }
    if let StreamStep::Emit { text, hits: found } = stream.finish() {
        shown.push_str(&text);
        hits.extend(found);
    }
    let whole = "一段话\n傻逼\n再来一个发票。";
    assert_eq!(shown, "一段话\n**\n再来一个**。");
    let ranges: Vec<&str> = hits.iter().map(|hit| &whole[hit.range.clone()]).collect();
    assert_eq!(ranges, vec!["傻逼", "发票"]);
}

#[test]
fn text_past_a_line_break_is_released_at_once() {
    let filter = Arc::new(fixture_filter());
    let mut stream = StreamFilter::new(filter);
    let step = stream.push("第一行写完了\n");
    assert_eq!(step, StreamStep::Emit { text: "第一行写完了\n".into(), hits: vec![] });
}

#[test]
fn an_empty_filter_holds_nothing_back_and_finish_ends_the_stream() {
    let mut stream = StreamFilter::new(Arc::new(yujie_safety::Filter::empty()));
    assert_eq!(stream.push("微信"), StreamStep::Emit { text: "微信".into(), hits: vec![] });
    assert_eq!(stream.finish(), StreamStep::Emit { text: String::new(), hits: vec![] });
    assert_eq!(stream.push("more"), StreamStep::Emit { text: String::new(), hits: vec![] });
}

/// Characters no word holds share one code inside the filter; they must still count as
/// different characters, or the stream would hold back everything it has seen.
#[test]
fn text_without_lexicon_characters_is_released_as_it_streams_and_a_word_stops_it_early() {
    let words = vec![yujie_safety::Word {
        text: "媚娘传奇".into(),
        category: yujie_safety::Category::Other,
        action: yujie_safety::Action::Block,
    }];
    let filter = std::sync::Arc::new(yujie_safety::Filter::build(&words, &[], &Default::default()).unwrap());
    let mut stream = yujie_safety::StreamFilter::new(filter);
    let chunks = ["资料里是这", "样写的：「", "范冰冰的作品", "《武", "媚娘传奇", "之大明宫", "词》 饰演武则天」"];
    let mut shown = String::new();
    let mut stopped_at = None;
    for (index, chunk) in chunks.iter().enumerate() {
        match stream.push(chunk) {
            yujie_safety::StreamStep::Emit { text, .. } => shown.push_str(&text),
            yujie_safety::StreamStep::Blocked { text, .. } => {
                shown.push_str(&text);
                stopped_at = Some(index);
                break;
            }
        }
        if index == 2 {
            assert!(shown.starts_with("资料里是这样写的"), "released while streaming: {shown:?}");
        }
    }
    assert_eq!(stopped_at, Some(5), "stopped once the word is followed by enough text");
    assert_eq!(shown, "资料里是这样写的：「范冰冰的作品《武");
}
