//! Text fields as users type them: validation and normalization never panic, and what
//! they accept is within the length asked; a name keeps no invisible character.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yujie_kernel::text::{is_invisible, user_text, TextKind};

fuzz_target!(|data: &str| {
    for kind in [TextKind::Name, TextKind::Line, TextKind::Multiline] {
        if let Ok(text) = user_text("field", data, 1, 200, kind) {
            assert!((1..=200).contains(&text.chars().count()), "{kind:?}: {text:?}");
            if matches!(kind, TextKind::Name) {
                assert!(!text.chars().any(is_invisible), "{text:?}");
            }
        }
    }
});
