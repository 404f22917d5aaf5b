//! The provider's RS256 signing keys. The first is generated in the background when the
//! router is built (2048-bit generation takes seconds in debug builds) and awaited on
//! first need; `rotate` adds a new one that signs from then on. The JWKS publishes the
//! signing key and the one before it, so tokens signed just before a rotation verify.

use std::sync::Arc;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::digest;
use rsa::{pkcs1::EncodeRsaPrivateKey as _, traits::PublicKeyParts as _, RsaPrivateKey};
use serde_json::{json, Value};

const KEY_BITS: usize = 2048;
/// Keys in the JWKS: the signing key and its predecessor.
const PUBLISHED_KEYS: usize = 2;

pub struct SigningKey {
    /// The RFC 7638 JWK thumbprint of the public key.
    pub kid: String,
    encoding: EncodingKey,
    /// Modulus and exponent, base64url without padding.
    n: String,
    e: String,
}

impl SigningKey {
    /// Generates a new key pair. Slow: call on a blocking thread.
    pub fn generate() -> anyhow::Result<Self> {
        let private = RsaPrivateKey::new(&mut rand::thread_rng(), KEY_BITS)?;
        let der = private.to_pkcs1_der()?;
        let n = URL_SAFE_NO_PAD.encode(private.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(private.e().to_bytes_be());
        let thumbprint_input = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
        let kid = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, thumbprint_input.as_bytes()));
        Ok(Self { kid, encoding: EncodingKey::from_rsa_der(der.as_bytes()), n, e })
    }

    /// The public key as a JWK.
    pub fn jwk(&self) -> Value {
        json!({ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": self.n, "e": self.e })
    }

    /// A compact RS256 JWS over the claims, with this key's `kid` in the header.
    pub fn sign(&self, claims: &Value) -> anyhow::Result<String> {
        let header = Header { kid: Some(self.kid.clone()), ..Header::new(Algorithm::RS256) };
        Ok(jsonwebtoken::encode(&header, claims, &self.encoding)?)
    }
}

async fn generate() -> anyhow::Result<Arc<SigningKey>> {
    Ok(Arc::new(tokio::task::spawn_blocking(SigningKey::generate).await??))
}

/// The keys, oldest first; the last one signs.
#[derive(Clone, Default)]
pub struct Keyring(Arc<tokio::sync::Mutex<Vec<Arc<SigningKey>>>>);

impl Keyring {
    #[cfg(test)]
    pub fn seeded(key: Arc<SigningKey>) -> Self {
        Self(Arc::new(tokio::sync::Mutex::new(vec![key])))
    }

    /// Starts generating the first key when a runtime is at hand; otherwise the first
    /// request does.
    pub fn warm_up(&self) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let keyring = self.clone();
            runtime.spawn(async move {
                if let Err(error) = keyring.current().await {
                    tracing::warn!(%error, "the OIDC stand-in could not generate its signing key");
                }
            });
        }
    }

    /// The key that signs now.
    pub async fn current(&self) -> anyhow::Result<Arc<SigningKey>> {
        self.published().await?.into_iter().next().ok_or_else(|| anyhow::anyhow!("no signing key"))
    }

    /// The keys in the JWKS, the signing key first.
    pub async fn published(&self) -> anyhow::Result<Vec<Arc<SigningKey>>> {
        let mut keys = self.0.lock().await;
        if keys.is_empty() {
            keys.push(generate().await?);
        }
        Ok(keys.iter().rev().take(PUBLISHED_KEYS).cloned().collect())
    }

    /// Adds a new signing key; the one it replaces stays published. Returns the new one.
    pub async fn rotate(&self) -> anyhow::Result<Arc<SigningKey>> {
        let mut keys = self.0.lock().await;
        if keys.is_empty() {
            keys.push(generate().await?);
        }
        let key = generate().await?;
        keys.push(key.clone());
        let surplus = keys.len().saturating_sub(PUBLISHED_KEYS);
        keys.drain(..surplus);
        Ok(key)
    }
}
