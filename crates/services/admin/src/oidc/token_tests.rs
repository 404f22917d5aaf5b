//! ID token validation refuses every forgery the console must not accept.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::LazyLock;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use rsa::{pkcs1::EncodeRsaPrivateKey as _, traits::PublicKeyParts as _, RsaPrivateKey};
use serde_json::{json, Value};

use super::token::{validate, Expected, Jwk, Jwks, TokenError};

const ISSUER: &str = "https://sso.example.com/realms/yujie";
const AUDIENCE: &str = "yujie-staff-console";

static KEYS: LazyLock<[RsaPrivateKey; 2]> = LazyLock::new(|| {
    let mut rng = rand::thread_rng();
    [RsaPrivateKey::new(&mut rng, 2048).unwrap(), RsaPrivateKey::new(&mut rng, 2048).unwrap()]
});

fn jwk(key: &RsaPrivateKey, kid: &str) -> Jwk {
    Jwk {
        kid: Some(kid.into()),
        kty: "RSA".into(),
        n: Some(URL_SAFE_NO_PAD.encode(key.n().to_bytes_be())),
        e: Some(URL_SAFE_NO_PAD.encode(key.e().to_bytes_be())),
    }
}

fn sign(key: &RsaPrivateKey, kid: &str, claims: &Value) -> String {
    let pem = key.to_pkcs1_pem(Default::default()).unwrap();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.into());
    encode(&header, claims, &EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap()).unwrap()
}

fn claims() -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "iss": ISSUER, "aud": AUDIENCE, "sub": "staff-1", "iat": now, "exp": now + 300, "nonce": "n-1",
            "name": "李娜", "groups": ["yujie-moderators"] })
}

fn expected() -> Expected<'static> {
    Expected { issuer: ISSUER, audience: AUDIENCE, nonce: "n-1" }
}

fn jwks() -> Jwks {
    Jwks { keys: vec![jwk(&KEYS[0], "k1")] }
}

#[test]
fn a_token_signed_by_the_provider_is_accepted_with_its_groups() {
    let token = sign(&KEYS[0], "k1", &claims());
    let claims = validate(&token, &jwks(), &expected()).unwrap();
    assert_eq!(claims.sub, "staff-1");
    assert_eq!(claims.values_of("groups"), ["yujie-moderators"]);
}

#[test]
fn forgeries_are_refused() {
    let with = |change: &dyn Fn(&mut Value)| {
        let mut claims = claims();
        change(&mut claims);
        sign(&KEYS[0], "k1", &claims)
    };
    let invalid = |token: String, what: &str| {
        assert!(matches!(validate(&token, &jwks(), &expected()), Err(TokenError::Invalid(_))), "{what}");
    };
    invalid(with(&|claims| claims["iss"] = json!("https://evil.example.com")), "another issuer");
    invalid(with(&|claims| claims["aud"] = json!("another-client")), "another audience");
    invalid(with(&|claims| claims["exp"] = json!(chrono::Utc::now().timestamp() - 120)), "expired");
    let nonce = with(&|claims| claims["nonce"] = json!("n-2"));
    assert_eq!(validate(&nonce, &jwks(), &expected()).unwrap_err(), TokenError::Nonce);

    // The payload changed after signing.
    let token = sign(&KEYS[0], "k1", &claims());
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    payload["groups"] = json!(["yujie-admins"]);
    parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
    invalid(parts.join("."), "tampered payload");

    // Signed by a key the provider does not publish under that kid.
    let stranger = sign(&KEYS[1], "k1", &claims());
    invalid(stranger, "another key");
    let unknown = sign(&KEYS[1], "k9", &claims());
    assert_eq!(validate(&unknown, &jwks(), &expected()).unwrap_err(), TokenError::UnknownKey(Some("k9".into())));

    // A symmetric token (the client secret as an HMAC key) is never accepted.
    let hmac = encode(&Header::new(Algorithm::HS256), &claims(), &EncodingKey::from_secret(b"secret")).unwrap();
    assert_eq!(validate(&hmac, &jwks(), &expected()).unwrap_err(), TokenError::Algorithm(Algorithm::HS256));
}

#[test]
fn a_rotated_key_validates_once_the_new_jwks_is_known() {
    let token = sign(&KEYS[1], "k2", &claims());
    let rotated = Jwks { keys: vec![jwk(&KEYS[1], "k2"), jwk(&KEYS[0], "k1")] };
    assert!(matches!(validate(&token, &jwks(), &expected()), Err(TokenError::UnknownKey(_))));
    assert_eq!(validate(&token, &rotated, &expected()).unwrap().sub, "staff-1");
    let old = sign(&KEYS[0], "k1", &claims());
    assert!(validate(&old, &rotated, &expected()).is_ok(), "the previous key still validates its tokens");
}
