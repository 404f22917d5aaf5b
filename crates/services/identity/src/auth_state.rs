//! Ban and session state for the per-request check, shared across instances through
//! the key-value store and backed by the database.
//!
//! Writers update the database first, then overwrite the key-value entry; readers take
//! the entry, or on a miss read the database and fill the entry only if it is still
//! absent. A reader holding a value read before a write can therefore never overwrite
//! the writer's newer entry. Entries expire, so a lost write heals itself.
//!
//! A write the store does not take (Redis down or partitioned) does not fail the change:
//! the database has it. The entry is kept as pending, this instance reads the database
//! for that key until it is published, and [`republish_worker`] publishes it once the
//! store answers again, so no instance trusts an old entry longer than that.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use tokio_util::sync::CancellationToken;
use yujie_kernel::{
    auth::{AuthStateSource, UserAuthState},
    Clock,
};
use yujie_kv::SharedKv;

use crate::store::{IdentityStore, UserRow};

/// How long a cached user state or revocation lives. Short, because a write that could
/// not reach a partitioned (not restarted) Redis leaves the old entry until it expires.
const ENTRY_TTL: Duration = Duration::from_secs(60);

fn user_key(user_id: &str) -> String {
    format!("auth:user:{user_id}")
}

fn session_key(session_id: &str) -> String {
    format!("auth:session:{session_id}")
}

pub fn state_of(user: &UserRow) -> UserAuthState {
    UserAuthState {
        banned_until: user.banned_until,
        ban_reason: user.ban_reason.clone(),
        member_until: user.member_until,
    }
}

/// How often unpublished entries are offered to the store again.
const REPUBLISH_EVERY: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub struct SharedAuthState {
    store: IdentityStore,
    kv: SharedKv,
    clock: Clock,
    /// Entries written to the database but not yet to the store, by key.
    pending: Arc<Mutex<HashMap<String, String>>>,
}

impl SharedAuthState {
    pub fn new(store: IdentityStore, kv: SharedKv, clock: Clock) -> Self {
        Self { store, kv, clock, pending: Arc::default() }
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The key-value entry; when the store is down, or this instance still owes it a
    /// newer entry for the key, none, so the database answers: the check degrades to
    /// the system of record, never to "allowed".
    async fn cached(&self, key: &str) -> Option<String> {
        if self.pending().contains_key(key) {
            return None;
        }
        match self.kv.get(key).await {
            Ok(cached) => cached,
            Err(error) => {
                tracing::warn!(error = format!("{error:#}"), "auth cache unavailable; reading the database");
                None
            }
        }
    }

    /// Fills an absent entry; a store that is down only costs the next reader a query.
    async fn fill(&self, key: &str, value: &str) {
        if let Err(error) = self.kv.set_if_absent(key, value, ENTRY_TTL).await {
            tracing::debug!(error = format!("{error:#}"), "user cache not filled");
        }
    }

    /// Publishes a user's new state after it was committed.
    pub async fn publish_user(&self, user: &UserRow) -> anyhow::Result<()> {
        let value = serde_json::to_string(&state_of(user))?;
        self.publish(user_key(&user.id), value).await;
        Ok(())
    }

    /// Publishes that sessions were revoked, after it was committed.
    pub async fn publish_revoked(&self, session_ids: &[String]) {
        for session_id in session_ids {
            self.publish(session_key(session_id), "revoked".to_owned()).await;
        }
    }

    /// Overwrites an entry, or keeps it pending when the store does not take it.
    async fn publish(&self, key: String, value: String) {
        self.pending().insert(key.clone(), value.clone());
        self.republish(key, value).await;
    }

    async fn republish(&self, key: String, value: String) {
        match self.kv.set(&key, &value, ENTRY_TTL).await {
            Ok(()) => {
                let mut pending = self.pending();
                // Unless a newer value was queued meanwhile.
                if pending.get(&key) == Some(&value) {
                    pending.remove(&key);
                }
            }
            Err(error) => tracing::warn!(error = format!("{error:#}"), key, "auth state not published; kept pending"),
        }
    }
}

/// Offers pending entries to the store every second until it takes them.
pub(crate) async fn republish_worker(state: SharedAuthState, shutdown: CancellationToken) -> anyhow::Result<()> {
    let mut ticker = tokio::time::interval(REPUBLISH_EVERY);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            _ = ticker.tick() => {}
        }
        let owed: Vec<(String, String)> = state.pending().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (key, value) in owed {
            state.republish(key, value).await;
        }
    }
}

#[async_trait::async_trait]
impl AuthStateSource for SharedAuthState {
    async fn user_state(&self, user_id: &str) -> anyhow::Result<Option<UserAuthState>> {
        let key = user_key(user_id);
        if let Some(cached) = self.cached(&key).await {
            return Ok(Some(serde_json::from_str(&cached)?));
        }
        let Some(user) = self.store.user(user_id).await? else { return Ok(None) };
        let state = state_of(&user);
        self.fill(&key, &serde_json::to_string(&state)?).await;
        Ok(Some(state))
    }

    async fn session_active(&self, session_id: &str) -> anyhow::Result<bool> {
        let key = session_key(session_id);
        if let Some(cached) = self.cached(&key).await {
            return Ok(cached == "active");
        }
        let active = self.store.session_active(session_id, self.clock.now_ms()).await?;
        // An active entry must not outlive the session's own expiry by much; the
        // refresh rotation extends sessions, so a short entry is the simple bound.
        let ttl = if active { Duration::from_secs(60) } else { ENTRY_TTL };
        if let Err(error) = self.kv.set_if_absent(&key, if active { "active" } else { "revoked" }, ttl).await {
            tracing::debug!(error = format!("{error:#}"), "session cache not filled");
        }
        Ok(active)
    }
}
