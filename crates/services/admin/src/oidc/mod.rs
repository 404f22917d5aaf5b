//! The console's OpenID Connect client: discovery, the authorization request with PKCE,
//! the code exchange, and ID token validation with the provider's JWKS (refetched once
//! when a token names a key it does not hold: the provider rotated).

pub mod token;
#[cfg(test)]
mod token_tests;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use tokio::sync::RwLock;
use yujie_kernel::{ids::random_hex, Secret};

use token::{Expected, Jwks};

use crate::config::OidcConfig;
pub use token::{IdClaims, TokenError};

/// The provider's endpoints, from its discovery document.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
}

/// A sign-in in progress: kept server-side under its `state` until the callback.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct PendingLogin {
    pub nonce: String,
    pub verifier: String,
    pub return_to: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the identity provider cannot be reached: {0}")]
    Unreachable(String),
    #[error("the identity provider refused the code: {0}")]
    Refused(String),
    #[error(transparent)]
    Token(#[from] TokenError),
}

pub struct OidcClient {
    config: OidcConfig,
    issuer: String,
    redirect_url: String,
    http: reqwest::Client,
    discovery: RwLock<Option<Discovery>>,
    jwks: RwLock<Jwks>,
}

/// `BASE64URL(SHA256(verifier))`, RFC 7636 S256.
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

impl OidcClient {
    pub fn new(config: &OidcConfig, public_base_url: &str, staff_base_url: &str, http: reqwest::Client) -> Self {
        Self {
            issuer: config.issuer(public_base_url),
            redirect_url: config.redirect_url(staff_base_url),
            config: config.clone(),
            http,
            discovery: RwLock::new(None),
            jwks: RwLock::new(Jwks::default()),
        }
    }

    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    async fn discovery(&self) -> Result<Discovery, OidcError> {
        if let Some(discovery) = self.discovery.read().await.clone() {
            return Ok(discovery);
        }
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let discovery: Discovery = self.get_json(&url).await?;
        if discovery.issuer.trim_end_matches('/') != self.issuer {
            return Err(OidcError::Unreachable(format!("discovery names issuer {}", discovery.issuer)));
        }
        *self.discovery.write().await = Some(discovery.clone());
        Ok(discovery)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, OidcError> {
        let response = self.http.get(url).send().await.map_err(|error| OidcError::Unreachable(error.to_string()))?;
        let response = response.error_for_status().map_err(|error| OidcError::Unreachable(error.to_string()))?;
        response.json().await.map_err(|error| OidcError::Unreachable(error.to_string()))
    }

    /// Starts a sign-in: the provider's authorization URL, and what to keep under `state`.
    pub async fn begin(&self, return_to: &str) -> Result<(String, String, PendingLogin), OidcError> {
        let discovery = self.discovery().await?;
        let (state, nonce, verifier) = (random_hex(16), random_hex(16), random_hex(32));
        let mut url = url::Url::parse(&discovery.authorization_endpoint)
            .map_err(|error| OidcError::Unreachable(error.to_string()))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &self.redirect_url)
            .append_pair("scope", &self.config.scopes)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge_of(&verifier))
            .append_pair("code_challenge_method", "S256");
        Ok((url.into(), state, PendingLogin { nonce, verifier, return_to: return_to.to_owned() }))
    }

    /// Exchanges the code (with the PKCE verifier) and validates the ID token.
    pub async fn finish(&self, code: &str, pending: &PendingLogin) -> Result<IdClaims, OidcError> {
        let discovery = self.discovery().await?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &self.redirect_url),
            ("code_verifier", &pending.verifier),
        ];
        let response = self
            .http
            .post(&discovery.token_endpoint)
            .basic_auth(&self.config.client_id, Some(self.config.client_secret.expose()))
            .form(&form)
            .send()
            .await
            .map_err(|error| OidcError::Unreachable(error.to_string()))?;
        if !response.status().is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(OidcError::Refused(body.chars().take(300).collect()));
        }
        let tokens: TokenResponse = response.json().await.map_err(|error| OidcError::Refused(error.to_string()))?;
        self.validate(tokens.id_token.expose(), &pending.nonce).await
    }

    /// Validates with the cached JWKS, refetching it once for a key it does not know.
    pub async fn validate(&self, id_token: &str, nonce: &str) -> Result<IdClaims, OidcError> {
        let expected = Expected { issuer: &self.issuer, audience: &self.config.client_id, nonce };
        let first = token::validate(id_token, &*self.jwks.read().await, &expected);
        match first {
            Err(TokenError::UnknownKey(_)) => {
                let discovery = self.discovery().await?;
                let fresh: Jwks = self.get_json(&discovery.jwks_uri).await?;
                let result = token::validate(id_token, &fresh, &expected);
                *self.jwks.write().await = fresh;
                Ok(result?)
            }
            other => Ok(other?),
        }
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Secret,
}
