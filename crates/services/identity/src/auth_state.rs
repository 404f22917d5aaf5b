//! Ban and session state for the per-request check, shared across instances through
//! the key-value store and backed by the database.
//!
//! Writers update the database first, then overwrite the key-value entry; readers take
//! the entry, or on a miss read the database and fill the entry only if it is still
//! absent. A reader holding a value read before a write can therefore never overwrite
//! the writer's newer entry. Entries expire, so a lost write heals itself.

use std::time::Duration;

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

#[derive(Clone)]
pub struct SharedAuthState {
    pub(crate) store: IdentityStore,
    pub(crate) kv: SharedKv,
    pub(crate) clock: Clock,
}

impl SharedAuthState {
    /// The key-value entry; when the store is down, none, so the database answers:
    /// the check degrades to the system of record, never to "allowed".
    async fn cached(&self, key: &str) -> Option<String> {
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
        self.kv.set(&user_key(&user.id), &value, ENTRY_TTL).await
    }

    /// Publishes that sessions were revoked, after it was committed.
    pub async fn publish_revoked(&self, session_ids: &[String]) -> anyhow::Result<()> {
        for session_id in session_ids {
            self.kv.set(&session_key(session_id), "revoked", ENTRY_TTL).await?;
        }
        Ok(())
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
