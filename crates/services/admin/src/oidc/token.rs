//! Validating an ID token: RS256 signature by a key of the provider's JWKS (looked up
//! by `kid`), issuer, audience, expiry and nonce. Pure: the keys and the time are given.

use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

/// One RSA key of a JWKS.
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    pub kid: Option<String>,
    pub kty: String,
    pub n: Option<String>,
    pub e: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// Why an ID token was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TokenError {
    #[error("the ID token's header cannot be read")]
    Header,
    #[error("the ID token is signed with {0:?}; only RS256 is accepted")]
    Algorithm(Algorithm),
    #[error("no key of the provider has kid {0:?}")]
    UnknownKey(Option<String>),
    #[error("the ID token is invalid: {0}")]
    Invalid(String),
    #[error("the ID token's nonce does not match this sign-in")]
    Nonce,
}

/// The claims the console uses; the roles claim is read by name from `extra`.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    pub sub: String,
    pub nonce: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl IdClaims {
    /// The values of a claim that lists groups or roles (an array, or one string).
    pub fn values_of(&self, claim: &str) -> Vec<String> {
        match self.extra.get(claim) {
            Some(serde_json::Value::Array(values)) => {
                values.iter().filter_map(|value| value.as_str().map(str::to_owned)).collect()
            }
            Some(serde_json::Value::String(value)) => vec![value.clone()],
            _ => Vec::new(),
        }
    }
}

pub struct Expected<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    pub nonce: &'a str,
}

/// Validates `token` against the JWKS; `UnknownKey` tells the caller to refetch the
/// JWKS once (the provider rotated its keys).
pub fn validate(token: &str, jwks: &Jwks, expected: &Expected<'_>) -> Result<IdClaims, TokenError> {
    let header = decode_header(token).map_err(|_| TokenError::Header)?;
    if header.alg != Algorithm::RS256 {
        return Err(TokenError::Algorithm(header.alg));
    }
    let key = jwks
        .keys
        .iter()
        .filter(|key| key.kty == "RSA")
        .find(|key| header.kid.is_none() || key.kid == header.kid)
        .ok_or_else(|| TokenError::UnknownKey(header.kid.clone()))?;
    let (Some(n), Some(e)) = (&key.n, &key.e) else {
        return Err(TokenError::UnknownKey(header.kid));
    };
    let key = DecodingKey::from_rsa_components(n, e).map_err(|error| TokenError::Invalid(error.to_string()))?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[expected.issuer]);
    validation.set_audience(&[expected.audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 30;
    let claims =
        decode::<IdClaims>(token, &key, &validation).map_err(|error| TokenError::Invalid(error.to_string()))?.claims;
    if claims.nonce.as_deref() != Some(expected.nonce) {
        return Err(TokenError::Nonce);
    }
    Ok(claims)
}
