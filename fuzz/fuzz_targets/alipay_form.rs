//! An Alipay notification body (`application/x-www-form-urlencoded`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = yujie_billing::alipay::parse_notification_form(data);
});
