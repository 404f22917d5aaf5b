//! The `[safety]` section: the sensitive-word filter (内容安全).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SafetyConfig {
    /// How often each instance looks at the lexicon's version stamp in the key-value
    /// store; a change is enforced everywhere within this plus the rebuild time.
    pub reload_interval_ms: u64,
    /// Symbols and punctuation between the characters of a word are skipped when the run
    /// is at most this many characters long (「微@!!%。信」 is 微信).
    pub max_gap: usize,
    /// Characters that count as noise between the characters of a word on top of all
    /// punctuation, symbols and spaces (e.g. letters used as separators).
    pub extra_noise: String,
    /// When a word is added, posts and comments of the last this many days are checked
    /// again and matches are queued for review.
    pub recheck_days: u32,
}

impl Default for SafetyConfig {
    fn default() -> Self {
        Self { reload_interval_ms: 1000, max_gap: 8, extra_noise: String::new(), recheck_days: 30 }
    }
}
