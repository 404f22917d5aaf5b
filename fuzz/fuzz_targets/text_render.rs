//! The post text renderer. Whatever a user writes comes out as escaped text, `<br>`, and
//! anchors to http(s) URLs whose address cannot leave its attribute: no other tag, and
//! no `<`, `>` or `"` outside the ones we write.
#![no_main]

use libfuzzer_sys::fuzz_target;

const ANCHOR_START: &str = "<a href=\"";
const ANCHOR_END: &str = "\" rel=\"nofollow noopener noreferrer ugc\" target=\"_blank\">";

fn is_anchor(tag: &str) -> bool {
    let Some(href) = tag.strip_prefix(ANCHOR_START).and_then(|rest| rest.strip_suffix(ANCHOR_END)) else {
        return false;
    };
    (href.starts_with("http://") || href.starts_with("https://")) && !href.contains(['"', '<', '>'])
}

fuzz_target!(|data: &str| {
    let html = yujie_content::render_html(data);
    let mut rest = html.as_str();
    let mut text = String::new();
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let tag = &rest[start..];
        let end = tag.find('>').expect("every tag is closed");
        let tag_text = &tag[..=end];
        assert!(tag_text == "<br>" || tag_text == "</a>" || is_anchor(tag_text), "{tag_text:?} in {html:?}");
        rest = &tag[end + 1..];
    }
    text.push_str(rest);
    assert!(!text.contains(['>', '"']), "{text:?}");
});
