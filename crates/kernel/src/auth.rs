//! Access tokens and the per-request check every authenticated route runs: a valid
//! signature, not expired, the session not signed out, the user not banned. Ban and
//! session state come from the identity service and are cached here for at most 1 s.

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{FromRef, FromRequestParts},
    http::{header, request::Parts, HeaderMap},
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::{
    cache::TtlCache,
    clock::millis_to_datetime,
    error::{ApiError, ErrorCode},
    Clock, Secret,
};

/// How long a ban or revocation may stay unseen by an instance.
pub const STATE_CACHE_TTL: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user id.
    pub sub: String,
    /// The session (refresh-token family) id.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
    /// Member-until, UTC ms, when the token was issued. Routes read the live value from
    /// [`CurrentUser::member_until`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mbr: Option<i64>,
}

/// Signs and checks access tokens (HS256).
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// During a key rotation, the other key tokens may be signed with: checked, never
    /// used to sign.
    accepted: Option<DecodingKey>,
    access_ttl_secs: i64,
    clock: Clock,
}

impl TokenKeys {
    pub fn new(secret: &Secret, access_ttl_secs: u64, clock: Clock) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            accepted: None,
            access_ttl_secs: i64::try_from(access_ttl_secs).unwrap_or(900),
            clock,
        }
    }

    /// Also accepts tokens signed with `accepted` (`auth.accepted_jwt_secret`); an
    /// empty one adds nothing.
    pub fn also_accepting(mut self, accepted: &Secret) -> Self {
        if !accepted.expose().is_empty() {
            self.accepted = Some(DecodingKey::from_secret(accepted.expose().as_bytes()));
        }
        self
    }

    /// A new access token and its expiry (UTC ms).
    pub fn issue(&self, user_id: &str, session_id: &str, member_until: Option<i64>) -> anyhow::Result<(String, i64)> {
        let now = self.clock.now_ms() / 1000;
        let claims = AccessClaims {
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iat: now,
            exp: now + self.access_ttl_secs,
            mbr: member_until,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, claims.exp * 1000))
    }

    /// Checks the signature and expiry (by the application clock).
    pub fn decode(&self, token: &str) -> Result<AccessClaims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let decoded =
            jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation).or_else(|error| {
                match (&self.accepted, error.kind()) {
                    (Some(accepted), jsonwebtoken::errors::ErrorKind::InvalidSignature) => {
                        jsonwebtoken::decode::<AccessClaims>(token, accepted, &validation)
                    }
                    _ => Err(error),
                }
            });
        let claims =
            decoded.map_err(|_| ApiError::new(ErrorCode::Unauthenticated).with_detail("invalid access token"))?.claims;
        if claims.exp * 1000 <= self.clock.now_ms() {
            return Err(ErrorCode::TokenExpired.into());
        }
        Ok(claims)
    }
}

/// What the per-request check needs to know about a user.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct UserAuthState {
    /// UTC ms; in the past or absent means not banned.
    pub banned_until: Option<i64>,
    pub ban_reason: Option<String>,
    /// UTC ms; in the past or absent means not a member.
    pub member_until: Option<i64>,
}

/// Where ban and session state come from: the identity service, in process or over
/// its internal API.
#[async_trait::async_trait]
pub trait AuthStateSource: Send + Sync + 'static {
    /// `None` when the user does not exist.
    async fn user_state(&self, user_id: &str) -> anyhow::Result<Option<UserAuthState>>;
    async fn session_active(&self, session_id: &str) -> anyhow::Result<bool>;
}

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user_id: String,
    pub session_id: String,
    pub member_until: Option<i64>,
    now_ms: i64,
}

impl CurrentUser {
    pub fn is_member(&self) -> bool {
        self.member_until.is_some_and(|until| until > self.now_ms)
    }
}

#[derive(Clone)]
pub struct Authenticator {
    inner: Arc<AuthenticatorInner>,
}

struct AuthenticatorInner {
    keys: TokenKeys,
    source: Arc<dyn AuthStateSource>,
    users: TtlCache<String, Option<UserAuthState>>,
    sessions: TtlCache<String, bool>,
    clock: Clock,
}

impl Authenticator {
    pub fn new(keys: TokenKeys, source: Arc<dyn AuthStateSource>, clock: Clock) -> Self {
        Self {
            inner: Arc::new(AuthenticatorInner {
                keys,
                source,
                users: TtlCache::new(STATE_CACHE_TTL, 100_000),
                sessions: TtlCache::new(STATE_CACHE_TTL, 100_000),
                clock,
            }),
        }
    }

    pub fn keys(&self) -> &TokenKeys {
        &self.inner.keys
    }

    /// Drops this instance's cached state of a user, after a change made here.
    pub fn forget_user(&self, user_id: &str) {
        self.inner.users.remove(&user_id.to_owned());
    }

    /// Drops this instance's cached state of sessions, after a change made here.
    pub fn forget_sessions(&self, session_ids: &[String]) {
        for session_id in session_ids {
            self.inner.sessions.remove(session_id);
        }
    }

    pub async fn authenticate(&self, token: &str) -> Result<CurrentUser, ApiError> {
        let inner = &self.inner;
        let claims = inner.keys.decode(token)?;
        let state = match inner.users.get(&claims.sub) {
            Some(state) => state,
            None => {
                let state = inner.source.user_state(&claims.sub).await.map_err(ApiError::internal)?;
                inner.users.insert(claims.sub.clone(), state.clone());
                state
            }
        };
        let Some(state) = state else {
            return Err(ApiError::new(ErrorCode::Unauthenticated).with_detail("unknown user"));
        };
        let now_ms = inner.clock.now_ms();
        if let Some(until) = state.banned_until.filter(|until| *until > now_ms) {
            return Err(banned_error(until, state.ban_reason.as_deref()));
        }
        let active = match inner.sessions.get(&claims.sid) {
            Some(active) => active,
            None => {
                let active = inner.source.session_active(&claims.sid).await.map_err(ApiError::internal)?;
                inner.sessions.insert(claims.sid.clone(), active);
                active
            }
        };
        if !active {
            return Err(ErrorCode::SessionRevoked.into());
        }
        Ok(CurrentUser { user_id: claims.sub, session_id: claims.sid, member_until: state.member_until, now_ms })
    }
}

/// The error a banned user gets everywhere, with the reason and the end of the ban.
pub fn banned_error(until_ms: i64, reason: Option<&str>) -> ApiError {
    let until = millis_to_datetime(until_ms);
    ApiError::new(ErrorCode::UserBanned)
        .with_detail(format!("banned until {}", until.to_rfc3339()))
        .with_context(serde_json::json!({ "banned_until": until, "reason": reason }))
}

pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser
where
    Authenticator: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers)
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated).with_detail("missing Bearer access token"))?;
        Authenticator::from_ref(state).authenticate(token).await
    }
}

/// The caller if signed in. A request without a token is a visitor, and so is a banned
/// user (who may still read); a request with a bad or expired token is refused, so a
/// client learns to refresh.
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser
where
    Authenticator: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match bearer_token(&parts.headers) {
            None => Ok(Self(None)),
            Some(token) => match Authenticator::from_ref(state).authenticate(token).await {
                Ok(user) => Ok(Self(Some(user))),
                Err(error) if error.code == ErrorCode::UserBanned => Ok(Self(None)),
                Err(error) => Err(error),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn keys(secret: &str) -> TokenKeys {
        TokenKeys::new(&Secret::new(secret), 900, Clock::system())
    }

    #[test]
    fn a_rotation_accepts_tokens_of_the_other_key_and_signs_with_its_own() {
        let (old, new) = ("o".repeat(32), "n".repeat(32));
        let (by_old, _) = keys(&old).issue("u1", "s1", None).unwrap();
        assert!(keys(&new).decode(&by_old).is_err(), "another key's token is refused");
        let rotating = keys(&new).also_accepting(&Secret::new(old.clone()));
        assert_eq!(rotating.decode(&by_old).unwrap().sub, "u1");
        let (by_rotating, _) = rotating.issue("u2", "s2", None).unwrap();
        assert_eq!(keys(&new).decode(&by_rotating).unwrap().sub, "u2", "it signs with its own key");
        assert!(keys(&old).decode(&by_rotating).is_err());
        let (by_third, _) = keys(&"t".repeat(32)).issue("u3", "s3", None).unwrap();
        assert!(rotating.decode(&by_third).is_err(), "a third key's token is still refused");
        assert!(keys(&new).also_accepting(&Secret::default()).decode(&by_old).is_err(), "empty accepts nothing more");
    }
}
