//! Masking replaces each character of a hit by one `*` and keeps the rest.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fixture_filter;

#[test]
fn masking_keeps_everything_else_byte_identical() {
    let filter = fixture_filter();
    let cases = [
        ("👩\u{200D}👩\u{200D}👧傻逼🇨🇳", "👩\u{200D}👩\u{200D}👧**🇨🇳"),
        ("🇨🇳 傻逼 🇨🇳", "🇨🇳 ** 🇨🇳"),
        ("e\u{301} 傻\u{301}逼 x\u{301}", "e\u{301} *** x\u{301}"),
        ("line1\r\n傻逼\r\nline3", "line1\r\n**\r\nline3"),
        ("傻!!逼", "****"),
        ("傻傻逼逼!", "****!"),
        ("a badword b 发票 c", "a ******* b ** c"),
        ("no hit at all 😀", "no hit at all 😀"),
    ];
    for (text, masked) in cases {
        assert_eq!(filter.check(text).masked(text), masked, "{text:?}");
    }
}

#[test]
fn block_and_review_hits_are_masked_too() {
    let filter = fixture_filter();
    let text = "加微信，去赌场";
    let verdict = filter.check(text);
    assert_eq!(verdict.masked(text), "加**，去**");
}
