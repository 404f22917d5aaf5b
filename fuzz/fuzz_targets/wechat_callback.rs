//! A WeChat callback body: the XML parse, the scan it may report, and a safe-mode
//! `Encrypt` field decrypted with a fixed key. Nothing may panic; a decrypted message must
//! name our appid.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yujie_identity::wechat::{crypto::MessageCipher, message::EventMessage};

const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

fuzz_target!(|data: &str| {
    if let Ok(message) = EventMessage::parse(data) {
        let _ = message.scan();
    }
    let cipher = MessageCipher::new(KEY, "wx0000000000000000").expect("a valid key");
    let _ = cipher.decrypt(data);
    // What we encrypt, we decrypt unchanged.
    assert_eq!(cipher.decrypt(&cipher.encrypt(data)).ok().as_deref(), Some(data));
});
