//! The provider over HTTP, as the console's OIDC client and a browser use it.

mod client;

use std::time::Duration;

use axum::http::{header, Method, StatusCode};
use serde_json::Value;
use yujie_kernel::Clock;

use client::{authorization, code_for, form, provider, query, redeem, send, verify, FORM, ISSUER, REDIRECT, VERIFIER};

#[tokio::test]
async fn discovery_describes_the_provider() {
    let app = provider(Clock::system()).await;
    let document = send(&app, Method::GET, "/.well-known/openid-configuration", &[], "").await.json();
    assert_eq!(document["issuer"], ISSUER);
    assert_eq!(document["token_endpoint"], format!("{ISSUER}/token"));
    assert_eq!(document["jwks_uri"], format!("{ISSUER}/jwks"));
    assert_eq!(document["code_challenge_methods_supported"], serde_json::json!(["S256"]));
    assert!(document["claims_supported"].as_array().unwrap().contains(&"groups".into()));
}

#[tokio::test]
async fn the_code_flow_signs_a_moderator_in_once() {
    let app = provider(Clock::system()).await;
    let page = send(&app, Method::GET, &format!("/authorize?{}", query(&authorization("a\"<b>&"))), &[], "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("选择要登录的员工身份（本地替身）") && page.body.contains("审核员 李娜"));
    assert!(page.body.contains("value=\"a&quot;&lt;b&gt;&amp;\""), "the state is carried, escaped");

    let code = code_for(&app, "staff-moderator").await;
    let answer = redeem(&app, &code, VERIFIER).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store");
    let tokens = answer.json();
    assert_eq!((tokens["token_type"].as_str(), tokens["expires_in"].as_i64()), (Some("Bearer"), Some(300)));
    let claims = verify(&app, tokens["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["sub"], "staff-moderator");
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(claims["email"], "li.na@yujie.example");
    assert_eq!(claims["groups"], serde_json::json!(["yujie-moderators"]));
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 300);

    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    let userinfo = send(&app, Method::GET, "/userinfo", &[("authorization", &bearer)], "").await.json();
    assert_eq!((userinfo["sub"].as_str(), userinfo["name"].as_str()), (Some("staff-moderator"), Some("审核员 李娜")));

    let replay = redeem(&app, &code, VERIFIER).await;
    assert_eq!((replay.status, replay.json()["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    let revoked = send(&app, Method::GET, "/userinfo", &[("authorization", &bearer)], "").await;
    assert_eq!(revoked.status, StatusCode::UNAUTHORIZED, "a replayed code revokes its tokens");
}

#[tokio::test]
async fn pkce_client_secret_and_code_lifetime_are_enforced() {
    let clock = Clock::system();
    let app = provider(clock.clone()).await;
    let wrong_verifier = redeem(&app, &code_for(&app, "staff-admin").await, &"x".repeat(43)).await;
    assert_eq!(wrong_verifier.json()["error"], "invalid_grant");

    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code_for(&app, "staff-admin").await),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
        ("client_id", "yujie-staff-console"),
        ("client_secret", "wrong"),
    ]);
    let wrong_secret = send(&app, Method::POST, "/token", &[FORM], &body).await;
    assert_eq!(
        (wrong_secret.status, wrong_secret.json()["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );

    let code = code_for(&app, "staff-norole").await;
    clock.advance(Duration::from_secs(61));
    assert_eq!(redeem(&app, &code, VERIFIER).await.json()["error"], "invalid_grant");

    let state = send(&app, Method::GET, "/state", &[], "").await.json();
    assert_eq!((state["codes_issued"].as_array().map(Vec::len), state["tokens_issued"].as_u64()), (Some(3), Some(0)));
}

#[tokio::test]
async fn bad_authorization_requests_are_refused() {
    let app = provider(Clock::system()).await;
    let mut no_pkce = authorization("s1");
    no_pkce.retain(|(name, _)| !name.starts_with("code_challenge"));
    let refused = send(&app, Method::GET, &format!("/authorize?{}", query(&no_pkce)), &[], "").await.redirect();
    assert_eq!((refused["error"].as_str(), refused["state"].as_str()), ("invalid_request", "s1"));

    let mut elsewhere = authorization("s2");
    elsewhere[2].1 = "http://evil.test/callback".into();
    let page = send(&app, Method::GET, &format!("/authorize?{}", query(&elsewhere)), &[], "").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(!page.headers.contains_key(header::LOCATION), "never redirect to an unregistered URI");
}

#[tokio::test]
async fn rotation_signs_with_a_new_key_and_keeps_the_old_one_published() {
    let app = provider(Clock::system()).await;
    let before = redeem(&app, &code_for(&app, "staff-admin").await, VERIFIER).await.json();
    let rotated = send(&app, Method::POST, "/rotate", &[], "").await.json();
    let after = redeem(&app, &code_for(&app, "staff-admin").await, VERIFIER).await.json();
    let kid = |tokens: &Value| jsonwebtoken::decode_header(tokens["id_token"].as_str().unwrap()).unwrap().kid;
    assert_eq!(kid(&after).as_deref(), rotated["kid"].as_str());
    assert_ne!(kid(&before), kid(&after));
    assert_eq!(send(&app, Method::GET, "/jwks", &[], "").await.json()["keys"].as_array().map(Vec::len), Some(2));
    assert_eq!(verify(&app, before["id_token"].as_str().unwrap()).await["groups"], serde_json::json!(["yujie-admins"]));
    verify(&app, after["id_token"].as_str().unwrap()).await;
}
