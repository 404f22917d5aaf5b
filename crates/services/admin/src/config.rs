//! The `[admin]` section: staff sign-in to the console through the company's OpenID
//! Connect provider, and staff sessions.

use serde::{Deserialize, Serialize};

use yujie_kernel::{
    config::{PlatformConfig, STANDIN_PATH},
    Mode, Secret,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdminConfig {
    pub oidc: OidcConfig,
    /// A staff session ends after this long without a request…
    pub session_idle_secs: u64,
    /// …and this long after sign-in, whatever happens.
    pub session_absolute_secs: u64,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self { oidc: OidcConfig::default(), session_idle_secs: 30 * 60, session_absolute_secs: 12 * 3600 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OidcConfig {
    /// The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`).
    /// Empty in local mode: the OIDC stand-in at `<public base URL>/_standin/oidc`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// Where the provider sends staff back; empty: `<staff base URL>/staff/admin/auth/callback`.
    pub redirect_url: String,
    pub scopes: String,
    /// The ID token claim that lists the staff member's groups or roles.
    pub roles_claim: String,
    /// Values of that claim that make a moderator (dismiss, remove).
    pub moderator_values: Vec<String>,
    /// Values that make an admin (also ban and unban, and the lexicon).
    pub admin_values: Vec<String>,
}

pub const LOCAL_OIDC_CLIENT_SECRET: &str = "local-only-oidc-client-secret";

impl Default for OidcConfig {
    fn default() -> Self {
        Self {
            issuer: String::new(),
            client_id: "yujie-staff-console".into(),
            client_secret: Secret::new(LOCAL_OIDC_CLIENT_SECRET),
            redirect_url: String::new(),
            scopes: "openid profile email".into(),
            roles_claim: "groups".into(),
            moderator_values: vec!["yujie-moderators".into()],
            admin_values: vec!["yujie-admins".into()],
        }
    }
}

impl OidcConfig {
    /// The issuer in force: the configured one, or the local stand-in's.
    pub fn issuer(&self, public_base_url: &str) -> String {
        if self.issuer.is_empty() {
            format!("{}{STANDIN_PATH}/oidc", public_base_url.trim_end_matches('/'))
        } else {
            self.issuer.trim_end_matches('/').to_owned()
        }
    }

    /// The redirect URL in force.
    pub fn redirect_url(&self, staff_base_url: &str) -> String {
        if self.redirect_url.is_empty() {
            format!("{}/staff/admin/auth/callback", staff_base_url.trim_end_matches('/'))
        } else {
            self.redirect_url.clone()
        }
    }
}

impl AdminConfig {
    /// What production refuses: the local client secret, an identity provider not on https.
    pub fn problems(&self, platform: &PlatformConfig, problems: &mut Vec<String>) {
        if platform.mode != Mode::Production {
            return;
        }
        let secret = self.oidc.client_secret.expose();
        if secret.is_empty() || secret == LOCAL_OIDC_CLIENT_SECRET {
            problems.push("admin.oidc.client_secret still has its local default or is empty; set a real secret".into());
        }
        if !self.oidc.issuer.starts_with("https://") {
            problems.push("admin.oidc.issuer must be the company identity provider's https URL".into());
        }
    }
}
