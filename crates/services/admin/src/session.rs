//! Staff sessions: a random token in a secure, HttpOnly, SameSite cookie, kept hashed
//! server-side with its role and its CSRF token; idle and absolute timeouts from config.
//! Every state-changing request must carry the session's CSRF token in `X-CSRF-Token`.

use axum::{extract::FromRequestParts, http::request::Parts};
use sha2::{Digest as _, Sha256};
use yujie_kernel::{ApiError, ApiResult};

use crate::{config::AdminConfig, error::AdminError, roles::Role, Admin};

pub const COOKIE: &str = "yujie_staff";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in staff member.
#[derive(Debug, Clone)]
pub struct Staff {
    pub account_id: String,
    pub name: String,
    pub role: Role,
    pub csrf_token: String,
    pub(crate) token_hash: String,
}

impl Staff {
    /// Refuses unless the staff member holds `role` (an admin holds both).
    pub fn require(&self, role: Role) -> ApiResult<()> {
        if self.role >= role {
            Ok(())
        } else {
            Err(AdminError::MissingRole(role).into())
        }
    }
}

/// How old a session's last request and its start (UTC ms) may be at a moment and the
/// session still be live: the idle and the absolute timeout.
#[derive(Debug, Clone, Copy)]
pub struct LiveSince {
    pub seen: i64,
    pub created: i64,
}

impl LiveSince {
    pub fn at(config: &AdminConfig, now: i64) -> Self {
        let ms = |secs: u64| i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        Self {
            seen: now.saturating_sub(ms(config.session_idle_secs)),
            created: now.saturating_sub(ms(config.session_absolute_secs)),
        }
    }
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn cookie_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

fn signed_out(detail: &'static str) -> ApiError {
    AdminError::SignedOut(detail).into()
}

impl FromRequestParts<Admin> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, admin: &Admin) -> Result<Self, ApiError> {
        let token = cookie_token(parts).ok_or_else(|| signed_out("staff sign-in required"))?;
        let hash = token_hash(&token);
        let store = &admin.inner.store;
        let session = store.session(&hash).await?.ok_or_else(|| signed_out("the staff session has ended"))?;
        let now = admin.now_ms();
        let live = LiveSince::at(&admin.inner.config, now);
        let (idle, expired) = (session.last_seen_at < live.seen, session.created_at < live.created);
        if idle || expired {
            store.end_session(&hash).await?;
            return Err(signed_out(if idle { "the staff session timed out" } else { "the staff session expired" }));
        }
        if !parts.method.is_safe() {
            let presented = parts.headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default();
            if !yujie_kernel::service::constant_time_eq(presented.as_bytes(), session.csrf_token.as_bytes()) {
                return Err(AdminError::BadCsrf.into());
            }
        }
        if now - session.last_seen_at > 30_000 {
            store.touch_session(&hash, now).await?;
        }
        Ok(Staff {
            account_id: session.account_id,
            name: session.name,
            role: session.role,
            csrf_token: session.csrf_token,
            token_hash: hash,
        })
    }
}
