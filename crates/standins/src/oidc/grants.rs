//! Authorization codes and access tokens the provider has issued.

use std::collections::HashMap;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::RngCore as _;

/// How long an authorization code can be redeemed.
pub const CODE_LIFETIME_MS: i64 = 60_000;
/// How long access and ID tokens last.
pub const TOKEN_LIFETIME_SECS: i64 = 300;
/// How long a redeemed code is remembered, to catch replays.
const REPLAY_MEMORY_MS: i64 = 3_600_000;

/// What an authorization code was issued for.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub sub: &'static str,
    pub scope: String,
    /// When the staff member chose the identity, in seconds.
    pub auth_time: i64,
    pub expires_ms: i64,
}

#[derive(Debug, Clone)]
pub struct AccessGrant {
    pub sub: &'static str,
    pub expires_ms: i64,
}

/// The outcome of presenting a code at the token endpoint.
pub enum Redemption {
    Fresh(CodeGrant),
    Expired,
    /// Presented before: the access token issued for it is revoked (RFC 6749 §4.1.2).
    Replayed,
    Unknown,
}

#[derive(Clone, Default)]
pub struct Grants {
    codes: HashMap<String, CodeGrant>,
    /// Redeemed code → (access token issued for it, when to forget the code).
    redeemed: HashMap<String, (Option<String>, i64)>,
    access: HashMap<String, AccessGrant>,
}

/// 32 random bytes, base64url.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Grants {
    pub fn issue_code(&mut self, grant: CodeGrant, now_ms: i64) -> String {
        self.codes.retain(|_, code| code.expires_ms > now_ms);
        self.redeemed.retain(|_, (_, forget_ms)| *forget_ms > now_ms);
        self.access.retain(|_, access| access.expires_ms > now_ms);
        let code = random_token();
        self.codes.insert(code.clone(), grant);
        code
    }

    /// Takes the code out whatever follows, so it can never be redeemed twice.
    pub fn redeem(&mut self, code: &str, now_ms: i64) -> Redemption {
        if let Some((access_token, _)) = self.redeemed.get_mut(code) {
            if let Some(token) = access_token.take() {
                self.access.remove(&token);
            }
            return Redemption::Replayed;
        }
        let Some(grant) = self.codes.remove(code) else { return Redemption::Unknown };
        self.redeemed.insert(code.to_owned(), (None, now_ms + REPLAY_MEMORY_MS));
        if grant.expires_ms <= now_ms {
            return Redemption::Expired;
        }
        Redemption::Fresh(grant)
    }

    /// Records the access token issued for a redeemed code.
    pub fn issue_access(&mut self, code: &str, token: &str, grant: AccessGrant) {
        if let Some((access_token, _)) = self.redeemed.get_mut(code) {
            *access_token = Some(token.to_owned());
        }
        self.access.insert(token.to_owned(), grant);
    }

    /// The grant behind a live access token.
    pub fn access(&self, token: &str, now_ms: i64) -> Option<&AccessGrant> {
        self.access.get(token).filter(|grant| grant.expires_ms > now_ms)
    }
}
