use std::{
    collections::{BTreeSet, HashMap},
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::{hub::Hub, Kv, Subscription};

/// The in-process store for one-process local mode. State is lost on restart, which is
/// fine for what it holds: caches, waits and windows.
#[derive(Default)]
pub struct MemoryKv {
    state: Mutex<Entries>,
    hub: Hub,
}

struct Entry {
    value: String,
    expires_at: Instant,
}

/// Entries by key, and the same keys ordered by expiry so that expired ones are
/// dropped from the front: every operation is O(log n) however many keys are live,
/// and drops at most [`PURGE_PER_OPERATION`] expired keys, so a million keys expiring
/// at once never stall one caller; reads skip the expired keys not yet dropped.
#[derive(Default)]
struct Entries {
    by_key: HashMap<String, Entry>,
    by_expiry: BTreeSet<(Instant, String)>,
}

const PURGE_PER_OPERATION: usize = 64;

impl Entries {
    fn purge_expired(&mut self, now: Instant) {
        for _ in 0..PURGE_PER_OPERATION {
            match self.by_expiry.first() {
                Some((expires_at, _)) if *expires_at <= now => {}
                _ => break,
            }
            if let Some((_, key)) = self.by_expiry.pop_first() {
                self.by_key.remove(&key);
            }
        }
    }

    /// The live entry of `key`.
    fn get(&self, key: &str, now: Instant) -> Option<&Entry> {
        self.by_key.get(key).filter(|entry| entry.expires_at > now)
    }

    fn insert(&mut self, key: &str, value: String, expires_at: Instant) {
        self.remove(key);
        self.by_expiry.insert((expires_at, key.to_owned()));
        self.by_key.insert(key.to_owned(), Entry { value, expires_at });
    }

    /// Replaces the value of an entry and keeps its expiry.
    fn update(&mut self, key: &str, value: String) {
        if let Some(entry) = self.by_key.get_mut(key) {
            entry.value = value;
        }
    }

    fn remove(&mut self, key: &str) -> Option<Entry> {
        let entry = self.by_key.remove(key)?;
        self.by_expiry.remove(&(entry.expires_at, key.to_owned()));
        Some(entry)
    }
}

impl MemoryKv {
    pub fn new() -> Self {
        Self::default()
    }

    fn with_live_entries<T>(&self, f: impl FnOnce(&mut Entries, Instant) -> T) -> T {
        let mut entries = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        entries.purge_expired(now);
        f(&mut entries, now)
    }

    /// How many keys are held, expired ones included until they are dropped.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).by_key.len()
    }
}

#[async_trait::async_trait]
impl Kv for MemoryKv {
    async fn get(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(self.with_live_entries(|entries, now| entries.get(key, now).map(|entry| entry.value.clone())))
    }

    async fn set(&self, key: &str, value: &str, ttl: Duration) -> anyhow::Result<()> {
        self.with_live_entries(|entries, now| entries.insert(key, value.to_owned(), now + ttl));
        Ok(())
    }

    async fn set_if_absent(&self, key: &str, value: &str, ttl: Duration) -> anyhow::Result<bool> {
        Ok(self.with_live_entries(|entries, now| {
            if entries.get(key, now).is_some() {
                return false;
            }
            entries.insert(key, value.to_owned(), now + ttl);
            true
        }))
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        self.with_live_entries(|entries, _| entries.remove(key));
        Ok(())
    }

    async fn incr_window(&self, key: &str, window: Duration) -> anyhow::Result<(u64, Duration)> {
        Ok(self.with_live_entries(|entries, now| match entries.get(key, now) {
            Some(entry) => {
                let count = entry.value.parse::<u64>().unwrap_or(0) + 1;
                let left = entry.expires_at.saturating_duration_since(now);
                entries.update(key, count.to_string());
                (count, left)
            }
            None => {
                entries.insert(key, "1".to_owned(), now + window);
                (1, window)
            }
        }))
    }

    async fn incr_capped(&self, key: &str, limit: u64, window: Duration) -> anyhow::Result<Option<u64>> {
        Ok(self.with_live_entries(|entries, now| match entries.get(key, now) {
            Some(entry) => {
                let count = entry.value.parse::<u64>().unwrap_or(0);
                if count >= limit {
                    return None;
                }
                entries.update(key, (count + 1).to_string());
                Some(count + 1)
            }
            None if limit == 0 => None,
            None => {
                entries.insert(key, "1".to_owned(), now + window);
                Some(1)
            }
        }))
    }

    async fn decr_window(&self, key: &str) -> anyhow::Result<()> {
        self.with_live_entries(|entries, now| {
            if let Some(count) = entries.get(key, now).and_then(|entry| entry.value.parse::<u64>().ok()) {
                entries.update(key, count.saturating_sub(1).to_string());
            }
        });
        Ok(())
    }

    async fn publish(&self, channel: &str) -> anyhow::Result<()> {
        self.hub.dispatch(channel);
        Ok(())
    }

    fn subscribe(&self, channel: &str) -> Subscription {
        self.hub.subscribe(channel)
    }

    async fn ping(&self) -> anyhow::Result<()> {
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "memory"
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn expired_keys_leave_without_a_scan() {
        let kv = MemoryKv::new();
        for n in 0..1000 {
            kv.set(&format!("short:{n}"), "x", Duration::from_millis(20)).await.unwrap();
        }
        kv.set("long", "kept", Duration::from_secs(60)).await.unwrap();
        kv.set("short:0", "renewed", Duration::from_secs(60)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(kv.get("short:1").await.unwrap(), None, "expired, even before it is dropped");
        assert_eq!(kv.get("long").await.unwrap().as_deref(), Some("kept"));
        assert_eq!(kv.get("short:0").await.unwrap().as_deref(), Some("renewed"));
        for _ in 0..1000 / PURGE_PER_OPERATION {
            kv.get("long").await.unwrap();
        }
        assert_eq!(kv.len(), 2, "expired keys are dropped a bounded number per operation");
    }

    #[tokio::test]
    async fn windows_count_refund_and_restart() {
        let kv = MemoryKv::new();
        let window = Duration::from_millis(50);
        assert_eq!(kv.incr_window("w", window).await.unwrap().0, 1);
        assert_eq!(kv.incr_window("w", window).await.unwrap().0, 2);
        kv.decr_window("w").await.unwrap();
        assert_eq!(kv.incr_window("w", window).await.unwrap().0, 2);
        tokio::time::sleep(Duration::from_millis(60)).await;
        kv.decr_window("w").await.unwrap();
        assert_eq!(kv.incr_window("w", window).await.unwrap().0, 1, "a fresh window after expiry");
    }

    #[tokio::test]
    async fn capped_counters_stop_at_their_limit() {
        let kv = MemoryKv::new();
        let window = Duration::from_secs(60);
        assert_eq!(kv.incr_capped("c", 2, window).await.unwrap(), Some(1));
        assert_eq!(kv.incr_capped("c", 2, window).await.unwrap(), Some(2));
        assert_eq!(kv.incr_capped("c", 2, window).await.unwrap(), None);
        assert_eq!(kv.counter("c").await.unwrap(), 2);
        kv.decr_window("c").await.unwrap();
        assert_eq!(kv.incr_capped("c", 2, window).await.unwrap(), Some(2));
        assert_eq!(kv.incr_capped("zero", 0, window).await.unwrap(), None);
    }
}
