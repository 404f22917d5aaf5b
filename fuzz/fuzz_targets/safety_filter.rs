//! The sensitive-word filter over arbitrary text: checking, scanning and masking never
//! panic, and a mask keeps every character outside the hits.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yujie_safety::{Action, Category, Filter, Options, Word};

fn filter() -> &'static Filter {
    static FILTER: OnceLock<Filter> = OnceLock::new();
    FILTER.get_or_init(|| {
        let words = [
            Word::new("微信", Category::Advert, Action::Mask),
            Word::new("赌球", Category::Gambling, Action::Block),
            Word::new("fuck", Category::Abuse, Action::Mask),
            Word::new("代开发票", Category::Other, Action::Review),
        ];
        Filter::build(&words, &["微信公众号".to_owned()], &Options::default()).expect("the filter builds")
    })
}

fuzz_target!(|data: &str| {
    let verdict = filter().check(data);
    let masked = verdict.masked(data);
    if verdict.hits.is_empty() {
        assert_eq!(masked, data);
    }
    let _ = filter().scan(data);
});
