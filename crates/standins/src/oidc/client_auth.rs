//! Client authentication at the token endpoint: `client_secret_basic` or
//! `client_secret_post` (RFC 6749 §2.3.1), exactly one of them.

use std::collections::HashMap;

use axum::http::{header, HeaderMap};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use yujie_kernel::service::constant_time_eq;

use crate::OidcClient;

use super::token::{refuse, TokenError};

/// The authenticated client's id.
pub fn authenticate(
    config: &OidcClient,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<String, TokenError> {
    let form_id = params.get("client_id").filter(|id| !id.is_empty());
    let form_secret = params.get("client_secret").filter(|secret| !secret.is_empty());
    let (client_id, secret) = match headers.get(header::AUTHORIZATION) {
        Some(value) => {
            if form_secret.is_some() {
                return Err(refuse("invalid_request", "use one client authentication method, not two"));
            }
            let (raw_id, raw_secret) = basic_credentials(value.to_str().unwrap_or_default())
                .ok_or(refuse("invalid_client", "malformed HTTP Basic credentials"))?;
            // RFC 6749 §2.3.1 form-encodes both before the Basic encoding; many clients
            // do not, so the raw pair is accepted too.
            let (id, secret) = match form_decode(&raw_id).zip(form_decode(&raw_secret)) {
                Some((id, secret)) if is_registered(config, &id, &secret) => (id, secret),
                _ => (raw_id, raw_secret),
            };
            if form_id.is_some_and(|form_id| *form_id != id) {
                return Err(refuse("invalid_request", "client_id differs from the authenticated client"));
            }
            (id, secret)
        }
        None => match (form_id, form_secret) {
            (Some(id), Some(secret)) => (id.clone(), secret.clone()),
            _ => return Err(refuse("invalid_client", "client authentication required")),
        },
    };
    if !is_registered(config, &client_id, &secret) {
        return Err(refuse("invalid_client", "unknown client or wrong client secret"));
    }
    Ok(client_id)
}

fn is_registered(config: &OidcClient, client_id: &str, secret: &str) -> bool {
    let known_secret = constant_time_eq(secret.as_bytes(), config.client_secret.expose().as_bytes());
    client_id == config.client_id && known_secret
}

/// The two halves of `Basic base64(id ":" secret)`, still form-encoded if they were.
fn basic_credentials(authorization: &str) -> Option<(String, String)> {
    let (scheme, encoded) = authorization.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Undoes `application/x-www-form-urlencoded` encoding of one value.
fn form_decode(encoded: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(rest.get(..2)?).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                rest = &rest[2..];
            }
            _ => bytes.push(byte),
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_split_and_form_decoded() {
        let header = format!("Basic {}", STANDARD.encode("my%20client:s%3Acr+t"));
        assert_eq!(basic_credentials(&header), Some(("my%20client".into(), "s%3Acr+t".into())));
        assert_eq!(form_decode("my%20client").as_deref(), Some("my client"));
        assert_eq!(form_decode("s%3Acr+t").as_deref(), Some("s:cr t"));
        assert_eq!(basic_credentials(&format!("basic {}", STANDARD.encode("a:b"))), Some(("a".into(), "b".into())));
        assert_eq!(basic_credentials(&format!("Bearer {}", STANDARD.encode("a:b"))), None);
        assert_eq!(basic_credentials(&format!("Basic {}", STANDARD.encode("no-colon"))), None);
        assert_eq!(form_decode("bad%2"), None);
    }

    #[test]
    fn a_secret_is_accepted_form_encoded_or_raw() {
        let config = OidcClient {
            issuer: "http://127.0.0.1:1/_standin/oidc".into(),
            client_id: "yujie-staff-console".into(),
            client_secret: yujie_kernel::Secret::new("a+b%c"),
            redirect_uri: "http://127.0.0.1:2/staff/admin/auth/callback".into(),
            roles_claim: "groups".into(),
            moderator_values: Vec::new(),
            admin_values: Vec::new(),
        };
        let params = HashMap::new();
        for credentials in ["yujie-staff-console:a%2Bb%25c", "yujie-staff-console:a+b%c"] {
            let mut headers = HeaderMap::new();
            let value = format!("Basic {}", STANDARD.encode(credentials));
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            assert_eq!(authenticate(&config, &headers, &params).ok().as_deref(), Some("yujie-staff-console"));
        }
        let mut headers = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode("yujie-staff-console:a b%c"));
        headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        assert_eq!(authenticate(&config, &headers, &params).err().map(|error| error.error), Some("invalid_client"));
    }
}
