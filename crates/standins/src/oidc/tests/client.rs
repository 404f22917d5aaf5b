//! A browser and the console's OIDC client, talking to the provider's router in-process.

use std::sync::Arc;

use axum::{
    body::{to_bytes, Body},
    http::{header, HeaderMap, Method, Request, StatusCode},
    Router,
};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use tower::ServiceExt as _;
use yujie_kernel::{Clock, Secret};

use super::super::{keys, pkce, routes, Provider};
use crate::OidcClient;

pub const ISSUER: &str = "http://public.test/_standin/oidc";
pub const REDIRECT: &str = "http://staff.test/staff/admin/auth/callback";
pub const VERIFIER: &str = "a-local-test-code-verifier-that-is-long-enough-0123456789";

/// One key for all tests: generating one is slow in debug builds.
async fn shared_key() -> Arc<keys::SigningKey> {
    static KEY: tokio::sync::OnceCell<Arc<keys::SigningKey>> = tokio::sync::OnceCell::const_new();
    let generate =
        || async { Arc::new(tokio::task::spawn_blocking(keys::SigningKey::generate).await.unwrap().unwrap()) };
    KEY.get_or_init(generate).await.clone()
}

/// The console as registered in local mode.
pub fn client() -> OidcClient {
    OidcClient {
        issuer: ISSUER.into(),
        client_id: "yujie-staff-console".into(),
        client_secret: Secret::new("local-only-oidc-client-secret"),
        redirect_uri: REDIRECT.into(),
        roles_claim: "groups".into(),
        moderator_values: vec!["yujie-moderators".into()],
        admin_values: vec!["yujie-admins".into()],
    }
}

pub async fn provider(clock: Clock) -> Router {
    routes(Provider::new(client(), clock, keys::Keyring::seeded(shared_key().await)))
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }

    /// The query parameters of the redirect.
    pub fn redirect(&self) -> std::collections::HashMap<String, String> {
        assert_eq!(self.status, StatusCode::FOUND, "{}", self.body);
        let location = self.headers[header::LOCATION].to_str().unwrap();
        assert!(location.starts_with(REDIRECT), "{location}");
        url::Url::parse(location).unwrap().query_pairs().into_owned().collect()
    }
}

pub async fn send(app: &Router, method: Method, uri: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app.clone().oneshot(request.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = String::from_utf8(to_bytes(body, 1 << 20).await.unwrap().to_vec()).unwrap();
    Answer { status: parts.status, headers: parts.headers, body }
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

pub const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

pub fn authorization(state: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", "yujie-staff-console".into()),
        ("redirect_uri", REDIRECT.into()),
        ("scope", "openid profile email".into()),
        ("state", state.into()),
        ("nonce", "n-0S6_WzA2Mj".into()),
        ("code_challenge", pkce::s256_challenge(VERIFIER)),
        ("code_challenge_method", "S256".into()),
    ]
}

pub fn query(pairs: &[(&'static str, String)]) -> String {
    form(&pairs.iter().map(|(name, value)| (*name, value.as_str())).collect::<Vec<_>>())
}

/// Signs in as `identity` and returns the authorization code.
pub async fn code_for(app: &Router, identity: &str) -> String {
    let mut pairs = authorization("xyz");
    pairs.push(("identity", identity.into()));
    let params = send(app, Method::POST, "/authorize", &[FORM], &query(&pairs)).await.redirect();
    assert_eq!(params["state"], "xyz");
    assert_eq!(params["iss"], ISSUER);
    params["code"].clone()
}

pub async fn redeem(app: &Router, code: &str, verifier: &str) -> Answer {
    let basic = format!("Basic {}", STANDARD.encode("yujie-staff-console:local-only-oidc-client-secret"));
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
    ]);
    send(app, Method::POST, "/token", &[FORM, ("authorization", &basic)], &body).await
}

pub async fn verify(app: &Router, id_token: &str) -> Value {
    let kid = jsonwebtoken::decode_header(id_token).unwrap().kid.unwrap();
    let jwks = send(app, Method::GET, "/jwks", &[], "").await.json();
    let jwk = jwks["keys"].as_array().unwrap().iter().find(|key| key["kid"] == kid.as_str()).unwrap().clone();
    let key = DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap()).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&["yujie-staff-console"]);
    validation.set_issuer(&[ISSUER]);
    jsonwebtoken::decode::<Value>(id_token, &key, &validation).unwrap().claims
}
