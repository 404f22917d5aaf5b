//! Long-polls and server-sent events, bounded and shared.
//!
//! - [`WaitSlots`] caps how many waits one user and one address hold open at once in
//!   this process; one more is a 429 with Retry-After.
//! - [`SharedPoll`] lets every waiter on one key (an order, a sign-in attempt) share one
//!   reader: the first waiter starts a task that reads the state on every notification
//!   and at a fixed interval, and fans it out; the task ends with the last waiter or when
//!   the state is settled. 5,000 waiters on one order cost one read per interval.

use std::{
    collections::HashMap,
    future::Future,
    hash::Hash,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use tokio::sync::watch;
use yujie_kv::SharedKv;

use crate::{ApiError, ErrorCode};

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Concurrent waits by subject (`u:<user>`, `ip:<address>`), in this process.
#[derive(Clone)]
pub struct WaitSlots {
    held: Arc<Mutex<HashMap<String, usize>>>,
    max_per_subject: usize,
}

/// Held while a wait runs; gives its slots back when dropped.
pub struct WaitSlot {
    held: Arc<Mutex<HashMap<String, usize>>>,
    subjects: Vec<String>,
}

impl WaitSlots {
    pub fn new(max_per_subject: usize) -> Self {
        Self { held: Arc::default(), max_per_subject }
    }

    /// Takes one slot for each subject, or none and a 429 when any is full.
    pub fn acquire(&self, subjects: Vec<String>) -> Result<WaitSlot, ApiError> {
        let mut held = lock(&self.held);
        if subjects.iter().any(|subject| held.get(subject).copied().unwrap_or(0) >= self.max_per_subject) {
            return Err(ApiError::new(ErrorCode::RateLimited)
                .with_detail(format!("at most {} open waits at once", self.max_per_subject))
                .with_retry_after(1));
        }
        for subject in &subjects {
            *held.entry(subject.clone()).or_insert(0) += 1;
        }
        Ok(WaitSlot { held: self.held.clone(), subjects })
    }
}

impl Drop for WaitSlot {
    fn drop(&mut self) {
        let mut held = lock(&self.held);
        for subject in &self.subjects {
            if let Some(count) = held.get_mut(subject) {
                *count -= 1;
                if *count == 0 {
                    held.remove(subject);
                }
            }
        }
    }
}

/// What a poll read: the state, and whether it is settled (no more changes to wait for).
pub struct Polled<V> {
    pub value: V,
    pub settled: bool,
}

/// Waiters on one key share one reader (see the module comment).
pub struct SharedPoll<K, V> {
    polls: Arc<Mutex<HashMap<K, watch::Sender<Option<V>>>>>,
    kv: SharedKv,
    interval: Duration,
}

impl<K, V> Clone for SharedPoll<K, V> {
    fn clone(&self) -> Self {
        Self { polls: self.polls.clone(), kv: self.kv.clone(), interval: self.interval }
    }
}

impl<K, V> SharedPoll<K, V>
where
    K: Clone + Eq + Hash + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// `interval` is how often the state is re-read without a notification.
    pub fn new(kv: SharedKv, interval: Duration) -> Self {
        Self { polls: Arc::default(), kv, interval }
    }

    /// The state of `key` as it changes (`None` until the first read). `channel` is the
    /// key-value notification channel whose publishes trigger a read; `read` is called
    /// only by the shared task, never once per waiter.
    pub fn watch<F, Fut>(&self, key: K, channel: String, read: F) -> watch::Receiver<Option<V>>
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = anyhow::Result<Polled<V>>> + Send,
    {
        let mut polls = lock(&self.polls);
        if let Some(sender) = polls.get(&key) {
            return sender.subscribe();
        }
        let (sender, receiver) = watch::channel(None);
        polls.insert(key.clone(), sender.clone());
        let this = self.clone();
        tokio::spawn(async move { this.run(key, sender, channel, read).await });
        receiver
    }

    async fn run<F, Fut>(self, key: K, sender: watch::Sender<Option<V>>, channel: String, read: F)
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = anyhow::Result<Polled<V>>> + Send,
    {
        // Subscribed before the first read, so that a change between the two is not missed.
        let mut notifications = self.kv.subscribe(&channel);
        loop {
            let settled = match read().await {
                Ok(polled) => {
                    sender.send_replace(Some(polled.value));
                    polled.settled
                }
                Err(error) => {
                    tracing::warn!(error = format!("{error:#}"), channel, "shared poll read failed");
                    false
                }
            };
            if settled || self.retire_if_unwatched(&key, &sender) {
                break;
            }
            tokio::select! {
                _ = notifications.notified() => {}
                () = tokio::time::sleep(self.interval) => {}
                () = sender.closed() => {}
            }
        }
        let mut polls = lock(&self.polls);
        if polls.get(&key).is_some_and(|current| current.same_channel(&sender)) {
            polls.remove(&key);
        }
    }

    /// True (and the entry removed) when nobody waits any more. Checked under the map's
    /// lock, so a waiter arriving now either joins this poll or starts the next one.
    fn retire_if_unwatched(&self, key: &K, sender: &watch::Sender<Option<V>>) -> bool {
        let mut polls = lock(&self.polls);
        if sender.receiver_count() > 0 {
            return false;
        }
        if polls.get(key).is_some_and(|current| current.same_channel(sender)) {
            polls.remove(key);
        }
        true
    }

    #[cfg(test)]
    fn active(&self) -> usize {
        lock(&self.polls).len()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn wait_slots_cap_each_subject() {
        let slots = WaitSlots::new(2);
        let first = slots.acquire(vec!["u:1".into(), "ip:a".into()]).unwrap();
        let _second = slots.acquire(vec!["u:1".into(), "ip:b".into()]).unwrap();
        assert!(slots.acquire(vec!["u:1".into()]).is_err(), "a third wait of u:1");
        assert!(slots.acquire(vec!["u:2".into(), "ip:a".into()]).is_ok(), "ip:a holds one");
        drop(first);
        assert!(slots.acquire(vec!["u:1".into()]).is_ok());
    }

    #[tokio::test]
    async fn many_waiters_share_one_reader() {
        let poll: SharedPoll<String, u32> =
            SharedPoll::new(Arc::new(yujie_kv::MemoryKv::new()), Duration::from_millis(20));
        let reads = Arc::new(AtomicUsize::new(0));
        let state = Arc::new(AtomicUsize::new(0));
        let reader = || {
            let (reads, state) = (reads.clone(), state.clone());
            move || {
                let (reads, state) = (reads.clone(), state.clone());
                async move {
                    reads.fetch_add(1, Ordering::SeqCst);
                    let value = state.load(Ordering::SeqCst) as u32;
                    Ok(Polled { value, settled: value == 1 })
                }
            }
        };
        let mut waiters: Vec<_> = (0..1000).map(|_| poll.watch("order".to_owned(), "c".to_owned(), reader())).collect();
        tokio::time::sleep(Duration::from_millis(110)).await;
        state.store(1, Ordering::SeqCst);
        for waiter in &mut waiters {
            let settled = tokio::time::timeout(Duration::from_secs(2), waiter.wait_for(|v| *v == Some(1))).await;
            assert!(settled.is_ok());
        }
        let reads = reads.load(Ordering::SeqCst);
        assert!(reads <= 10, "1,000 waiters over ~6 intervals made {reads} reads");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(poll.active(), 0, "the settled poll is gone");
    }
}
