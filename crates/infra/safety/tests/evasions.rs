//! Disguised words that must be caught, and innocent texts that must pass.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fixture_filter, hit_words};
use yujie_safety::{Action, Category, Filter, Options, Word};

#[test]
fn evasions_are_caught() {
    let filter = fixture_filter();
    let cases = [
        ("BADWORD", "badword"),
        ("BadWord", "badword"),
        ("ｂａｄｗｏｒｄ", "badword"),
        ("ＢａｄＷｏｒｄ", "badword"),
        ("6合彩", "六合彩"),
        ("⑥合彩", "六合彩"),
        ("❻合彩", "六合彩"),
        ("６合彩", "六合彩"),
        ("陸合彩", "六合彩"),
        ("發票", "发票"),
        ("賭場", "赌场"),
        ("微@!!%。信", "微信"),
        ("b*a*d*w*o*r*d", "badword"),
        ("b..a..d..w..o..r..d", "badword"),
        ("bad-word", "badword"),
        ("微\u{200D}信", "微信"),
        ("微\u{200B}信", "微信"),
        ("法\u{FE0F}轮", "法轮"),
        ("ba\u{301}dwo\u{308}rd", "badword"),
        ("微微微信信", "微信"),
        ("傻傻 逼逼", "傻逼"),
        ("bаdwоrd", "badword"), // Cyrillic а and о
        ("BΑDWΟRD", "badword"), // Greek capital alpha and omicron
        ("𝐛𝐚𝐝𝐰𝐨𝐫𝐝", "badword"),
        ("ⓑⓐⓓⓦⓞⓡⓓ", "badword"),
        ("傻 逼", "傻逼"),
        ("加个 微  信 吧", "微信"),
    ];
    for (text, word) in cases {
        assert_eq!(hit_words(&filter, text), vec![word.to_string()], "{text:?}");
    }
}

#[test]
fn hit_ranges_point_into_the_original_text() {
    let filter = fixture_filter();
    let text = "你好，微@信号是多少";
    let hits = filter.scan(text);
    assert_eq!(hits.len(), 1);
    assert_eq!(&text[hits[0].range.clone()], "微@信");
    assert_eq!(hits[0].category, Category::Advert);
    assert_eq!(hits[0].action, Action::Block);

    let text = "x ba\u{301}dword\u{301}\u{302} y";
    let hits = filter.scan(text);
    assert_eq!(&text[hits[0].range.clone()], "ba\u{301}dword\u{301}\u{302}");
}

#[test]
fn innocent_texts_pass() {
    let filter = fixture_filter();
    let clean = [
        "《赌场风云》是一部老电影",
        "赌 场风云",
        "办法。轮到你了",
        "办法 。 轮到你了",
        "办法，轮到你了",
        "this is fine",
        "This Is fine",
        "微\n信",
        "微\r\n信",
        "发\n票",
        "微.信",
        "b.a.d.w.o.r.d",
        "微 ############ 信",
        "",
        "   ",
    ];
    for text in clean {
        assert!(filter.check(text).is_clean(), "{text:?}: {:?}", filter.scan(text));
    }
}

#[test]
fn allow_list_only_covers_what_it_contains() {
    let filter = fixture_filter();
    assert_eq!(hit_words(&filter, "赌场风云里的赌场"), vec!["赌场".to_string()]);
    assert_eq!(hit_words(&filter, "賭場風雲"), Vec::<String>::new());
}

#[test]
fn duplicate_words_keep_the_strictest_action() {
    let words = vec![
        Word::new("發票", Category::Advert, Action::Mask),
        Word::new("发票", Category::Other, Action::Review),
        Word::new("发票", Category::Abuse, Action::Review),
    ];
    let filter = Filter::build(&words, &[], &Options::default()).unwrap();
    let hits = filter.scan("开发票");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].word, 1);
    assert_eq!(hits[0].action, Action::Review);
    assert_eq!(filter.word_count(), 3);
    assert_eq!(filter.max_word_chars(), 2);
}

#[test]
fn overlapping_words_all_hit() {
    let words = vec![
        Word::new("abc", Category::Other, Action::Mask),
        Word::new("bcd", Category::Other, Action::Block),
        Word::new("c", Category::Other, Action::Mask),
    ];
    let filter = Filter::build(&words, &[], &Options::default()).unwrap();
    let verdict = filter.check("xabcdx");
    let ranges: Vec<_> = verdict.hits.iter().map(|h| (h.range.clone(), h.word)).collect();
    assert_eq!(ranges, vec![(1..4, 0), (2..5, 1), (3..4, 2)]);
    assert_eq!(verdict.action(), Some(Action::Block));
    assert_eq!(verdict.blocking().map(|h| h.word), Some(1));
    assert_eq!(verdict.masked("xabcdx"), "x****x");
}

#[test]
fn latin_phrases_match_across_their_own_space() {
    let words = vec![Word::new("bad word", Category::Other, Action::Mask)];
    let filter = Filter::build(&words, &[], &Options::default()).unwrap();
    assert_eq!(filter.scan("a Bad  Word here").len(), 1);
    assert!(filter.scan("badword").is_empty());
}

#[test]
fn build_errors_and_empty_filter() {
    let words = vec![Word::new(" !! ", Category::Other, Action::Mask)];
    let error = Filter::build(&words, &[], &Options::default()).unwrap_err();
    assert_eq!(error.to_string(), "word \" !! \" is empty after normalization");
    let error = Filter::build(&[], &["\u{200B}".to_string()], &Options::default()).unwrap_err();
    assert!(matches!(error, yujie_safety::BuildError::EmptyAllowEntry(_)));
    let empty = Filter::empty();
    assert!(empty.check("微信").is_clean());
    assert_eq!(empty.word_count(), 0);
    assert_eq!(empty.max_word_chars(), 0);
    let none = Filter::build(&[], &[], &Options::default()).unwrap();
    assert!(none.scan("微信").is_empty());
}

#[test]
fn extra_noise_is_skipped() {
    let words = vec![Word::new("微信", Category::Advert, Action::Block)];
    let options = Options { extra_noise: vec!['X'], ..Options::default() };
    let filter = Filter::build(&words, &[], &options).unwrap();
    assert_eq!(filter.scan("微x信").len(), 1);
    assert!(Filter::build(&words, &[], &Options::default()).unwrap().scan("微x信").is_empty());
}

#[test]
fn filter_is_send_and_sync() {
    fn assert_shareable<T: Send + Sync>() {}
    assert_shareable::<Filter>();
}
