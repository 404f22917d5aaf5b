//! How many images are processed at once, process-wide. Each job can need up to the
//! decode budget in memory, so the number of permits times the budget is what an upload
//! burst can cost. Jobs beyond the permits wait in a bounded queue for a bounded time;
//! a full queue or a long wait is [`PoolError::Busy`], which callers answer with 503
//! and Retry-After.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use tokio::sync::Semaphore;

use crate::{check_and_render, CheckedImage, ImageLimits, MediaError};

#[derive(Debug, Clone, Copy)]
pub struct PoolLimits {
    /// Images processed at once.
    pub concurrent: usize,
    /// Images waiting for a turn; one more is refused at once.
    pub queue: usize,
    /// Longest wait for a turn.
    pub queue_timeout: Duration,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PoolError {
    #[error("too many images are being processed; try again in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error("image processing stopped unexpectedly")]
    Crashed,
}

#[derive(Clone)]
pub struct ImagePool {
    permits: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    pool: PoolLimits,
    image: ImageLimits,
}

/// Counts a job in the queue until it leaves it.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl ImagePool {
    pub fn new(image: ImageLimits, pool: PoolLimits) -> Self {
        keep_big_buffers_out_of_the_heap();
        Self { permits: Arc::new(Semaphore::new(pool.concurrent.max(1))), waiting: Arc::default(), pool, image }
    }

    /// Checks and renders an upload on a blocking thread when a permit is free.
    pub async fn check_and_render(
        &self,
        bytes: Vec<u8>,
        sizes: &'static [(&'static str, u32)],
    ) -> Result<CheckedImage, PoolError> {
        let busy = PoolError::Busy { retry_after_secs: self.pool.queue_timeout.as_secs().max(1) };
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.pool.queue {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(busy);
                }
                let _waiting = Waiting(&self.waiting);
                match tokio::time::timeout(self.pool.queue_timeout, self.permits.clone().acquire_owned()).await {
                    Ok(Ok(permit)) => permit,
                    _ => return Err(busy),
                }
            }
        };
        let limits = self.image;
        let job = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let checked = check_and_render(&bytes, limits, sizes);
            drop(bytes);
            release_freed_memory();
            checked
        });
        job.await.map_err(|_| PoolError::Crashed)?.map_err(PoolError::Media)
    }
}

/// Hands the decode buffers just freed back to the OS. glibc keeps freed memory in the
/// per-thread arenas of the blocking threads (its mmap threshold grows after the first
/// large free), so without this an upload burst would leave its peak resident for good.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn release_freed_memory() {
    // SAFETY: `malloc_trim` only returns unused pages of glibc's own arenas to the OS;
    // it takes no pointers and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_freed_memory() {}

/// Allocations of this size or more get their own mapping, returned to the OS when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const OWN_MAPPING_FROM: libc::c_int = 4 << 20;

/// Fixes glibc's mmap threshold. Left dynamic, it grows to 32 MiB after the first large
/// free, and from then on the scaled copies and row buffers of a decode (a few MiB up to
/// 32 MiB each) land in the arenas of whichever blocking thread ran it, where a burst's
/// worth stays resident until a trim happens to run after the last of them is freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn keep_big_buffers_out_of_the_heap() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: `mallopt` only changes a tuning parameter of glibc's allocator; it takes no
    // pointers, and setting the threshold at any time affects only later allocations.
    ONCE.call_once(|| unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_MAPPING_FROM);
    });
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_big_buffers_out_of_the_heap() {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use image::{codecs::jpeg::JpegEncoder, DynamicImage};

    use super::*;

    fn jpeg(side: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        DynamicImage::new_rgb8(side, side).write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, 80)).unwrap();
        bytes
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_is_busy_not_unbounded() {
        let image = ImageLimits { max_bytes: 10 << 20, max_pixels: 40_000_000, decode_budget_bytes: 192 << 20 };
        let pool =
            ImagePool::new(image, PoolLimits { concurrent: 1, queue: 1, queue_timeout: Duration::from_secs(30) });
        const SIZES: &[(&str, u32)] = &[("l", 2560)];
        let uploads: Vec<Vec<u8>> = (0..3).map(|_| jpeg(3000)).collect();
        let jobs: Vec<_> = uploads
            .into_iter()
            .map(|bytes| {
                let pool = pool.clone();
                tokio::spawn(async move { pool.check_and_render(bytes, SIZES).await })
            })
            .collect();
        let mut busy = 0;
        for job in jobs {
            match job.await.unwrap() {
                Ok(checked) => assert_eq!(checked.renditions[0].width, 2560),
                Err(PoolError::Busy { retry_after_secs }) => {
                    assert_eq!(retry_after_secs, 30);
                    busy += 1;
                }
                Err(other) => panic!("{other}"),
            }
        }
        assert_eq!(busy, 1, "one runs, one waits, the third finds the queue full");
    }
}
