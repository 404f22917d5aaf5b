//! The `[auth]`, `[internal]` and `[standins]` sections: token keys, how services reach
//! and trust each other, and the local stand-ins.

use serde::{Deserialize, Serialize};

use super::local_defaults;
use crate::Secret;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// HMAC key of access tokens: at least 32 bytes in production.
    pub jwt_secret: Secret,
    /// During a key rotation, the other key access tokens may be signed with: accepted
    /// when checking a token, never used to sign (deploy/README.md, "Secrets and key
    /// rotation"). Empty, or equal to `jwt_secret`: none.
    pub accepted_jwt_secret: Secret,
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InternalConfig {
    /// Bearer token that services present to each other's internal APIs.
    pub token: Secret,
    /// During a rotation, the other token callers may present: accepted, never sent.
    /// Empty, or equal to `token`: none.
    pub accepted_token: Secret,
    /// Where to reach each service's internal API when it is not in this process
    /// (`yujie serve --only …`): the staff listener of the process that runs it.
    pub identity_url: String,
    pub billing_url: String,
    pub content_url: String,
    pub companion_url: String,
    pub admin_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StandinsConfig {
    /// Serve local stand-ins for WeChat, WeChat Pay, Alipay, the AI provider and the staff
    /// identity provider (OIDC) under `/_standin/` on the public listener. Local mode only.
    pub enabled: bool,
    /// The payment stand-ins' own signing keys (WeChat Pay's platform key, Alipay's
    /// key), PKCS#8 PEM. Empty: generated at first start with our local test keys.
    pub wechatpay_private_key: Secret,
    pub alipay_private_key: Secret,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: Secret::new(local_defaults::JWT_SECRET),
            accepted_jwt_secret: Secret::default(),
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 30 * 24 * 3600,
        }
    }
}

impl Default for InternalConfig {
    fn default() -> Self {
        Self {
            token: Secret::new(local_defaults::INTERNAL_TOKEN),
            accepted_token: Secret::default(),
            identity_url: String::new(),
            billing_url: String::new(),
            content_url: String::new(),
            companion_url: String::new(),
            admin_url: String::new(),
        }
    }
}

impl Default for StandinsConfig {
    fn default() -> Self {
        Self { enabled: true, wechatpay_private_key: Secret::default(), alipay_private_key: Secret::default() }
    }
}
