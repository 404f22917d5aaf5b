//! A feed cursor as a client sends it back: decoding never panics, and every cursor we
//! issue decodes to what it was made of.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yujie_content::cursor::{decode_cursor, encode_cursor};

fuzz_target!(|input: (&str, i64, &str)| {
    let (raw, key, id) = input;
    let _ = decode_cursor(raw);
    assert_eq!(decode_cursor(&encode_cursor(key, id)).ok(), Some((key, id.to_owned())));
});
