//! Users in the console: found by id or by part of the nickname, with their ban state,
//! membership, orders, content counts and the staff actions taken on them.

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{bearer, spawn_app};

#[tokio::test]
async fn staff_find_a_user_and_see_their_orders_content_and_history() {
    let app = spawn_app().await;
    let user = app.member().await;
    let renamed = app
        .http
        .patch(app.url("/api/v1/me"))
        .header("authorization", bearer(&user.access_token))
        .json(&json!({ "nickname": "晴天_100%" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    let persona = app.create_persona(&user.access_token, "范冰冰", &[]).await;
    app.post(&user.access_token, persona["id"].as_str().unwrap(), "返图").await;
    let order = app.order(&user, "wechatpay").await;
    assert!(order["id"].is_string());
    app.sign_in().await;

    let moderator = app.staff_sign_in("staff-moderator").await;
    let by_name: Value = moderator.send(&app, Method::GET, "/users?q=_100%25", None, true).await.json().await.unwrap();
    assert_eq!(by_name.as_array().unwrap().len(), 1, "`_` and `%` are matched literally: {by_name}");
    assert_eq!(by_name[0]["user"]["id"], user.user_id.as_str());
    let by_id: Value = moderator
        .send(&app, Method::GET, &format!("/users?q={}", user.user_id), None, true)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_id[0]["user"]["nickname"], "晴天_100%");

    let admin = app.staff_sign_in("staff-admin").await;
    let ban = json!({ "days": 1, "reason": "测试封禁" });
    let banned = admin.send(&app, Method::PUT, &format!("/users/{}/ban", user.user_id), Some(ban), true).await;
    assert_eq!(banned.status(), StatusCode::OK);

    let detail: Value =
        moderator.send(&app, Method::GET, &format!("/users/{}", user.user_id), None, true).await.json().await.unwrap();
    assert_eq!(detail["user"]["is_member"], true);
    assert_eq!(detail["orders"].as_array().unwrap().len(), 1, "{detail}");
    assert_eq!(detail["content_counts"]["post_visible"], 1, "{detail}");
    assert_eq!(detail["staff_actions"][0]["action"], "ban");
    assert_eq!(detail["state"]["ban_reason"], "测试封禁", "{detail}");
    assert!(detail["state"]["banned_until"].is_i64(), "{detail}");

    let unknown = moderator.send(&app, Method::GET, "/users/nobody", None, true).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let anonymous = app
        .http
        .get(format!("{}/staff/admin/users?q=x", app.staff))
        .header(header::COOKIE, "yujie_staff=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
