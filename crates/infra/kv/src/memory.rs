use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::{hub::Hub, Kv, Subscription};

/// The in-process store for one-process local mode. State is lost on restart, which is
/// fine for what it holds: caches, waits and windows.
#[derive(Default)]
pub struct MemoryKv {
    entries: Mutex<HashMap<String, Entry>>,
    hub: Hub,
}

struct Entry {
    value: String,
    expires_at: Instant,
}

impl MemoryKv {
    pub fn new() -> Self {
        Self::default()
    }

    fn with_live_entries<T>(&self, f: impl FnOnce(&mut HashMap<String, Entry>, Instant) -> T) -> T {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        if entries.len() > 10_000 {
            entries.retain(|_, entry| entry.expires_at > now);
        }
        f(&mut entries, now)
    }
}

#[async_trait::async_trait]
impl Kv for MemoryKv {
    async fn get(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(self.with_live_entries(|entries, now| {
            entries.get(key).filter(|entry| entry.expires_at > now).map(|entry| entry.value.clone())
        }))
    }

    async fn set(&self, key: &str, value: &str, ttl: Duration) -> anyhow::Result<()> {
        self.with_live_entries(|entries, now| {
            entries.insert(key.to_owned(), Entry { value: value.to_owned(), expires_at: now + ttl });
        });
        Ok(())
    }

    async fn set_if_absent(&self, key: &str, value: &str, ttl: Duration) -> anyhow::Result<bool> {
        Ok(self.with_live_entries(|entries, now| match entries.get(key) {
            Some(entry) if entry.expires_at > now => false,
            _ => {
                entries.insert(key.to_owned(), Entry { value: value.to_owned(), expires_at: now + ttl });
                true
            }
        }))
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        self.with_live_entries(|entries, _| entries.remove(key));
        Ok(())
    }

    async fn incr_window(&self, key: &str, window: Duration) -> anyhow::Result<(u64, Duration)> {
        Ok(self.with_live_entries(|entries, now| {
            let entry = entries
                .entry(key.to_owned())
                .and_modify(|entry| {
                    if entry.expires_at <= now {
                        *entry = Entry { value: "0".into(), expires_at: now + window };
                    }
                })
                .or_insert_with(|| Entry { value: "0".into(), expires_at: now + window });
            let count = entry.value.parse::<u64>().unwrap_or(0) + 1;
            entry.value = count.to_string();
            (count, entry.expires_at.saturating_duration_since(now))
        }))
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
