//! An uploaded image: sniffing, the completeness check, the pixel and memory limits,
//! decoding and re-encoding. Small limits keep each run fast.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yujie_media::{check_and_render, ImageLimits};

const LIMITS: ImageLimits = ImageLimits { max_bytes: 1 << 20, max_pixels: 1 << 20, decode_budget_bytes: 64 << 20 };

fuzz_target!(|data: &[u8]| {
    if let Ok(checked) = check_and_render(data, LIMITS, &[("thumb", 64)]) {
        assert!(u64::from(checked.width) * u64::from(checked.height) <= LIMITS.max_pixels);
    }
});
