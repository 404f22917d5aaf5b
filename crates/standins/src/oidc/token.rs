//! The token endpoint (RFC 6749 §4.1.3 with RFC 7636 §4.5) and the userinfo endpoint.

use std::collections::HashMap;

use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use ring::digest;
use serde_json::json;
use yujie_kernel::auth::bearer_token;

use super::{client_auth, grants, identities, pkce, Provider};

/// An RFC 6749 §5.2 error answer.
pub struct TokenError {
    pub error: &'static str,
    pub description: &'static str,
}

pub fn refuse(error: &'static str, description: &'static str) -> TokenError {
    TokenError { error, description }
}

impl IntoResponse for TokenError {
    fn into_response(self) -> Response {
        let status = if self.error == "invalid_client" { StatusCode::UNAUTHORIZED } else { StatusCode::BAD_REQUEST };
        let mut response =
            (status, no_store(), Json(json!({ "error": self.error, "error_description": self.description })))
                .into_response();
        if status == StatusCode::UNAUTHORIZED {
            let challenge = header::HeaderValue::from_static("Basic realm=\"yujie-standin-oidc\"");
            response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

fn no_store() -> [(header::HeaderName, &'static str); 2] {
    [(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")]
}

/// `POST /token`.
pub async fn token(State(provider): State<Provider>, headers: HeaderMap, body: Bytes) -> Response {
    match exchange(&provider, &headers, &body).await {
        Ok(answer) => answer,
        Err(refusal) => {
            tracing::info!(error = refusal.error, description = refusal.description, "stand-in OIDC token refused");
            provider.observed.with(|seen| *seen.token_errors.entry(refusal.error.to_owned()).or_default() += 1);
            refusal.into_response()
        }
    }
}

/// Form parameters, each at most once (RFC 6749 §3.2).
fn form(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, TokenError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    if !content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return Err(refuse("invalid_request", "the body must be application/x-www-form-urlencoded"));
    }
    let mut params = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        if params.insert(name.into_owned(), value.into_owned()).is_some() {
            return Err(refuse("invalid_request", "a parameter is repeated"));
        }
    }
    Ok(params)
}

async fn exchange(provider: &Provider, headers: &HeaderMap, body: &[u8]) -> Result<Response, TokenError> {
    let params = form(headers, body)?;
    let param = |name: &str| params.get(name).map(String::as_str).filter(|value| !value.is_empty());
    let client_id = client_auth::authenticate(&provider.settings, headers, &params)?;
    match param("grant_type") {
        None => return Err(refuse("invalid_request", "grant_type is required")),
        Some("authorization_code") => {}
        Some(_) => return Err(refuse("unsupported_grant_type", "only authorization_code is supported")),
    }
    let (Some(code), Some(redirect_uri)) = (param("code"), param("redirect_uri")) else {
        return Err(refuse("invalid_request", "code and redirect_uri are required"));
    };
    let Some(verifier) = param("code_verifier") else {
        return Err(refuse("invalid_request", "code_verifier is required (PKCE)"));
    };
    let now_ms = provider.clock.now_ms();
    let grant = match provider.grants.with(|grants| grants.redeem(code, now_ms)) {
        grants::Redemption::Fresh(grant) => grant,
        grants::Redemption::Expired => return Err(refuse("invalid_grant", "the authorization code has expired")),
        grants::Redemption::Unknown => return Err(refuse("invalid_grant", "unknown authorization code")),
        grants::Redemption::Replayed => {
            provider.observed.with(|seen| seen.code_replays += 1);
            return Err(refuse("invalid_grant", "the authorization code was already used; its tokens are revoked"));
        }
    };
    if grant.client_id != client_id {
        return Err(refuse("invalid_grant", "the authorization code was issued to another client"));
    }
    if grant.redirect_uri != redirect_uri {
        return Err(refuse("invalid_grant", "redirect_uri differs from the authorization request's"));
    }
    if !pkce::verifier_matches(verifier, &grant.code_challenge) {
        return Err(refuse("invalid_grant", "code_verifier does not match the code_challenge"));
    }
    let identity = identities::find(grant.sub).ok_or(refuse("invalid_grant", "unknown staff identity"))?;
    let access_token = grants::random_token();
    let now = now_ms.div_euclid(1000);
    let mut claims = identity.claims(&provider.settings);
    claims["iss"] = json!(provider.settings.issuer);
    claims["aud"] = json!(client_id);
    claims["iat"] = json!(now);
    claims["exp"] = json!(now + grants::TOKEN_LIFETIME_SECS);
    claims["auth_time"] = json!(grant.auth_time);
    claims["at_hash"] = json!(at_hash(&access_token));
    if let Some(nonce) = &grant.nonce {
        claims["nonce"] = json!(nonce);
    }
    let signed = async { provider.keys.current().await?.sign(&claims) };
    let id_token = signed.await.map_err(|error| {
        tracing::error!(%error, "the OIDC stand-in could not sign an ID token");
        refuse("server_error", "cannot sign the ID token")
    })?;
    let expires_ms = now_ms + grants::TOKEN_LIFETIME_SECS * 1000;
    let access = grants::AccessGrant { sub: identity.sub, expires_ms };
    provider.grants.with(|grants| grants.issue_access(code, &access_token, access));
    provider.observed.with(|seen| seen.tokens_issued += 1);
    let answer = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": grants::TOKEN_LIFETIME_SECS,
        "id_token": id_token,
        "scope": grant.scope,
    });
    Ok((StatusCode::OK, no_store(), Json(answer)).into_response())
}

/// OIDC Core §3.1.3.6: the left half of SHA-256 of the access token, base64url.
fn at_hash(access_token: &str) -> String {
    let hash = digest::digest(&digest::SHA256, access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&hash.as_ref()[..16])
}

/// `GET` or `POST /userinfo` with the access token as a bearer token (RFC 6750).
pub async fn userinfo(State(provider): State<Provider>, headers: HeaderMap) -> Response {
    provider.observed.with(|seen| seen.userinfo_calls += 1);
    let Some(token) = bearer_token(&headers) else {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")]).into_response();
    };
    let now_ms = provider.clock.now_ms();
    let Some(sub) = provider.grants.with(|grants| grants.access(token, now_ms).map(|grant| grant.sub)) else {
        let challenge = "Bearer error=\"invalid_token\", error_description=\"unknown or expired access token\"";
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, challenge)]).into_response();
    };
    match identities::find(sub) {
        Some(identity) => (no_store(), Json(identity.claims(&provider.settings))).into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}
