//! The `[media]` section: image upload limits and the processing pool.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    pub max_bytes: usize,
    pub max_pixels: u64,
    /// Memory one image may need while it is processed: decoded pixels (bytes per
    /// pixel of its format), an 8-bit copy of a 16-bit image, and the renditions. An
    /// image over it is refused from its header, before decoding.
    pub decode_budget_bytes: u64,
    /// Images processed at once in this process; times the budget, it bounds the
    /// memory an upload burst can take.
    pub max_concurrent_decodes: usize,
    /// Images waiting for a turn; one more is answered 503 with Retry-After.
    pub decode_queue: usize,
    /// Longest wait for a turn before a 503.
    pub decode_queue_timeout_secs: u64,
}

impl MediaConfig {
    pub fn image_pool(&self) -> yujie_media::ImagePool {
        yujie_media::ImagePool::new(
            yujie_media::ImageLimits {
                max_bytes: self.max_bytes,
                max_pixels: self.max_pixels,
                decode_budget_bytes: self.decode_budget_bytes,
            },
            yujie_media::PoolLimits {
                concurrent: self.max_concurrent_decodes,
                queue: self.decode_queue,
                queue_timeout: std::time::Duration::from_secs(self.decode_queue_timeout_secs),
            },
        )
    }
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            max_bytes: 10 << 20,
            max_pixels: 40_000_000,
            decode_budget_bytes: 192 << 20,
            max_concurrent_decodes: 2,
            decode_queue: 16,
            decode_queue_timeout_secs: 10,
        }
    }
}
