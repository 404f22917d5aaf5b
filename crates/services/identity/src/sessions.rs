//! Sessions: a short-lived access token and a rotating refresh token per sign-in.
//! Each refresh token works once; presenting a used one means it was stolen or
//! replayed, so the whole family (the session) is revoked.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_kernel::{
    auth::banned_error,
    clock::millis_to_datetime,
    ids::{random_hex, sha256_hex},
};

use crate::error::{IdentityError, Result};
use crate::{profile::Me, store::UserRow, Identity};

/// What a completed sign-in or a refresh returns.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub token_type: String,
    pub access_expires_at: chrono::DateTime<chrono::Utc>,
    /// Use once, at `POST /api/v1/auth/refresh`; the answer carries its successor.
    pub refresh_token: String,
    pub refresh_expires_at: chrono::DateTime<chrono::Utc>,
    pub user: Me,
}

fn new_refresh_token() -> String {
    format!("rt_{}", random_hex(32))
}

impl Identity {
    fn refresh_ttl_ms(&self) -> i64 {
        i64::try_from(self.inner.platform.config.auth.refresh_ttl_secs).unwrap_or(i64::MAX / 2_000) * 1000
    }

    pub(crate) async fn issue_session(&self, user: &UserRow) -> Result<TokenPair> {
        let now = self.now_ms();
        let refresh_token = new_refresh_token();
        let refresh_expires_at = now + self.refresh_ttl_ms();
        let session_id =
            self.inner.store.create_session(&user.id, &sha256_hex(&refresh_token), now, refresh_expires_at).await?;
        self.token_pair(user, &session_id, refresh_token, refresh_expires_at).await
    }

    async fn token_pair(
        &self,
        user: &UserRow,
        session_id: &str,
        refresh_token: String,
        refresh_expires_at: i64,
    ) -> Result<TokenPair> {
        let (access_token, access_expires_at) =
            self.inner.platform.tokens.issue(&user.id, session_id, user.member_until)?;
        Ok(TokenPair {
            access_token,
            token_type: "Bearer".to_owned(),
            access_expires_at: millis_to_datetime(access_expires_at),
            refresh_token,
            refresh_expires_at: millis_to_datetime(refresh_expires_at),
            user: self.me(user).await?,
        })
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair> {
        let now = self.now_ms();
        let hash = sha256_hex(refresh_token);
        let row = self
            .inner
            .store
            .refresh_token(&hash)
            .await?
            .ok_or(IdentityError::RefreshTokenInvalid("the refresh token is unknown"))?;
        if row.revoked_at.is_some() {
            return Err(IdentityError::SessionRevoked);
        }
        if row.used_at.is_some() {
            self.revoke_reused(&row.session_id).await?;
            return Err(IdentityError::RefreshTokenReused);
        }
        if row.expires_at <= now {
            return Err(IdentityError::RefreshTokenInvalid("the session has expired"));
        }
        let user = self
            .inner
            .store
            .user(&row.user_id)
            .await?
            .ok_or(IdentityError::RefreshTokenInvalid("the account is gone"))?;
        if let Some(until) = user.banned_until.filter(|until| *until > now) {
            return Err(banned_error(until, user.ban_reason.as_deref()).into());
        }
        let successor = new_refresh_token();
        let expires_at = now + self.refresh_ttl_ms();
        let rotated =
            self.inner.store.rotate_refresh(&row.session_id, &hash, &sha256_hex(&successor), now, expires_at).await?;
        if !rotated {
            // Another request used this token a moment ago: also a reuse.
            self.revoke_reused(&row.session_id).await?;
            return Err(IdentityError::RefreshTokenReused);
        }
        self.token_pair(&user, &row.session_id, successor, expires_at).await
    }

    async fn revoke_reused(&self, session_id: &str) -> Result<()> {
        tracing::warn!(session_id, "refresh token reused; revoking its session");
        self.inner.metrics.login("refresh_reuse");
        self.inner.store.revoke_session(session_id, "refresh_reuse", self.now_ms()).await?;
        self.publish_revoked(&[session_id.to_owned()]).await
    }

    pub async fn logout(&self, session_id: &str) -> Result<()> {
        self.inner.store.revoke_session(session_id, "logout", self.now_ms()).await?;
        self.publish_revoked(&[session_id.to_owned()]).await
    }

    pub async fn logout_all(&self, user_id: &str) -> Result<usize> {
        let revoked = self.inner.store.revoke_all_sessions(user_id, "logout_all", self.now_ms()).await?;
        self.publish_revoked(&revoked).await?;
        Ok(revoked.len())
    }

    async fn publish_revoked(&self, session_ids: &[String]) -> Result<()> {
        self.inner.auth_state.publish_revoked(session_ids).await;
        self.inner.authenticator.forget_sessions(session_ids);
        Ok(())
    }

    /// Bans (`until` set) or unbans a user. A ban revokes every session at once; other
    /// instances see it within the per-request cache's 1 s. `false` if no such user.
    pub async fn set_ban(&self, user_id: &str, until: Option<i64>, reason: Option<&str>) -> Result<bool> {
        let Some(revoked) = self.inner.store.set_ban(user_id, until, reason, self.now_ms()).await? else {
            return Ok(false);
        };
        self.publish_user(user_id).await?;
        self.publish_revoked(&revoked).await?;
        tracing::info!(user_id, banned = until.is_some(), sessions_revoked = revoked.len(), "ban state changed");
        Ok(true)
    }

    /// Sets the end of membership; `false` if no such user.
    pub async fn set_member_until(&self, user_id: &str, member_until: Option<i64>) -> Result<bool> {
        if !self.inner.store.set_member_until(user_id, member_until, self.now_ms()).await? {
            return Ok(false);
        }
        self.publish_user(user_id).await?;
        Ok(true)
    }

    /// Extends membership once per `grant_key` (see the store) and publishes the new
    /// state. `None` if no such user.
    pub async fn grant_membership(&self, user_id: &str, period_days: i64, grant_key: &str) -> Result<Option<i64>> {
        let Some(until) = self.inner.store.extend_membership(user_id, period_days, grant_key, self.now_ms()).await?
        else {
            return Ok(None);
        };
        self.publish_user(user_id).await?;
        tracing::info!(user_id, grant_key, period_days, member_until = until, "membership extended");
        Ok(Some(until))
    }

    async fn publish_user(&self, user_id: &str) -> Result<()> {
        if let Some(user) = self.inner.store.user(user_id).await? {
            self.inner.auth_state.publish_user(&user).await?;
        }
        self.inner.authenticator.forget_user(user_id);
        Ok(())
    }
}

/// Deletes finished login attempts and the refresh tokens of ended sessions, hourly.
pub(crate) async fn purge_worker(identity: Identity) -> anyhow::Result<()> {
    let shutdown = identity.inner.platform.shutdown.clone();
    let mut interval = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            _ = interval.tick() => {}
        }
        let now = identity.now_ms();
        let day = 24 * 3600 * 1000;
        match identity.inner.store.purge(now - day, now - 7 * day).await {
            Ok(deleted) => tracing::debug!(deleted, "identity purge done"),
            Err(error) => tracing::warn!(%error, "identity purge failed"),
        }
    }
}
