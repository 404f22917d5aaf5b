//! How other services reach identity: in process, or over its internal HTTP API.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use yujie_kernel::{
    auth::{AuthStateSource, UserAuthState},
    service::InternalClient,
};

/// A ban as set by staff. `until = None` is permanent.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BanRequest {
    /// When the ban ends (RFC 3339); absent for a permanent ban.
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MembershipRequest {
    /// The new end of membership (RFC 3339); absent to end it.
    pub member_until: Option<chrono::DateTime<chrono::Utc>>,
}

/// An idempotent membership extension: the same `grant_key` extends only once.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExtendMembership {
    pub period_days: i64,
    /// At most 64 characters; billing uses the order's `out_trade_no`.
    pub grant_key: String,
}

/// The end of membership after an extension.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MembershipEnd {
    pub member_until: chrono::DateTime<chrono::Utc>,
}

/// How other users appear next to their contributions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct UserBrief {
    pub id: String,
    pub nickname: String,
    pub avatar_url: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct BriefsRequest {
    pub ids: Vec<String>,
}

/// The identity operations other services use. Ban and session state come through
/// [`AuthStateSource`], which every authenticated route consults.
#[async_trait::async_trait]
pub trait IdentityClient: AuthStateSource {
    /// Bans a user and revokes every session. `false` if the user does not exist.
    async fn ban(&self, user_id: &str, ban: &BanRequest) -> anyhow::Result<bool>;
    async fn unban(&self, user_id: &str) -> anyhow::Result<bool>;
    async fn set_membership(&self, user_id: &str, request: &MembershipRequest) -> anyhow::Result<bool>;
    /// Extends membership by `period_days` from now, or from the current end while still
    /// a member, once per `grant_key`: a repeated key changes nothing and returns the
    /// current end. `None` if the user does not exist.
    async fn extend_membership(
        &self,
        user_id: &str,
        request: &ExtendMembership,
    ) -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>>;
    /// Nicknames and avatars of these users; unknown ids are left out.
    async fn user_briefs(&self, ids: &[String]) -> anyhow::Result<Vec<UserBrief>>;
}

/// The identity client of a process that does not run identity.
pub struct HttpIdentityClient {
    internal: InternalClient,
}

impl HttpIdentityClient {
    pub fn new(internal: InternalClient) -> Arc<Self> {
        Arc::new(Self { internal })
    }
}

#[derive(Deserialize)]
struct SessionState {
    active: bool,
}

/// What the internal write routes answer.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Done {
    pub done: bool,
}

#[async_trait::async_trait]
impl AuthStateSource for HttpIdentityClient {
    async fn user_state(&self, user_id: &str) -> anyhow::Result<Option<UserAuthState>> {
        self.internal.get(&format!("/users/{user_id}/auth-state")).await
    }

    async fn session_active(&self, session_id: &str) -> anyhow::Result<bool> {
        let state: Option<SessionState> = self.internal.get(&format!("/sessions/{session_id}")).await?;
        Ok(state.is_some_and(|state| state.active))
    }
}

#[async_trait::async_trait]
impl IdentityClient for HttpIdentityClient {
    async fn ban(&self, user_id: &str, ban: &BanRequest) -> anyhow::Result<bool> {
        let done: Option<Done> =
            self.internal.send(reqwest::Method::PUT, &format!("/users/{user_id}/ban"), ban).await?;
        Ok(done.is_some_and(|done| done.done))
    }

    async fn unban(&self, user_id: &str) -> anyhow::Result<bool> {
        let done: Option<Done> =
            self.internal.send(reqwest::Method::DELETE, &format!("/users/{user_id}/ban"), &()).await?;
        Ok(done.is_some_and(|done| done.done))
    }

    async fn set_membership(&self, user_id: &str, request: &MembershipRequest) -> anyhow::Result<bool> {
        let done: Option<Done> =
            self.internal.send(reqwest::Method::PUT, &format!("/users/{user_id}/membership"), request).await?;
        Ok(done.is_some_and(|done| done.done))
    }

    async fn extend_membership(
        &self,
        user_id: &str,
        request: &ExtendMembership,
    ) -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>> {
        let end: Option<MembershipEnd> = self
            .internal
            .send(reqwest::Method::POST, &format!("/users/{user_id}/membership/extensions"), request)
            .await?;
        Ok(end.map(|end| end.member_until))
    }

    async fn user_briefs(&self, ids: &[String]) -> anyhow::Result<Vec<UserBrief>> {
        let request = BriefsRequest { ids: ids.to_vec() };
        Ok(self.internal.send(reqwest::Method::POST, "/users/briefs", &request).await?.unwrap_or_default())
    }
}

#[async_trait::async_trait]
impl AuthStateSource for crate::Identity {
    async fn user_state(&self, user_id: &str) -> anyhow::Result<Option<UserAuthState>> {
        self.inner.auth_state.user_state(user_id).await
    }

    async fn session_active(&self, session_id: &str) -> anyhow::Result<bool> {
        self.inner.auth_state.session_active(session_id).await
    }
}

#[async_trait::async_trait]
impl IdentityClient for crate::Identity {
    async fn ban(&self, user_id: &str, ban: &BanRequest) -> anyhow::Result<bool> {
        let reason = crate::domain::BanReason::parse(&ban.reason).map_err(anyhow::Error::new)?;
        let until = ban.until.map_or(crate::domain::PERMANENT_BAN_UNTIL, |until| until.timestamp_millis());
        Ok(self.set_ban(user_id, Some(until), Some(reason.as_str())).await.map_err(anyhow::Error::new)?)
    }

    async fn unban(&self, user_id: &str) -> anyhow::Result<bool> {
        Ok(self.set_ban(user_id, None, None).await.map_err(anyhow::Error::new)?)
    }

    async fn set_membership(&self, user_id: &str, request: &MembershipRequest) -> anyhow::Result<bool> {
        let until = request.member_until.map(|until| until.timestamp_millis());
        Ok(self.set_member_until(user_id, until).await.map_err(anyhow::Error::new)?)
    }

    async fn extend_membership(
        &self,
        user_id: &str,
        request: &ExtendMembership,
    ) -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>> {
        anyhow::ensure!(
            (1..=64).contains(&request.grant_key.len()) && (1..=3660).contains(&request.period_days),
            "invalid membership extension"
        );
        let until = self
            .grant_membership(user_id, request.period_days, &request.grant_key)
            .await
            .map_err(anyhow::Error::new)?;
        Ok(until.map(yujie_kernel::clock::millis_to_datetime))
    }

    async fn user_briefs(&self, ids: &[String]) -> anyhow::Result<Vec<UserBrief>> {
        self.briefs(ids).await.map_err(anyhow::Error::new)
    }
}
