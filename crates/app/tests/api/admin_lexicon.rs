//! The lexicon in the console: moderators read words and hits, admins change the
//! lexicon under their own name; every change is audited and enforced at once.

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{bearer, spawn_app};

#[tokio::test]
async fn admins_edit_the_lexicon_under_their_name_and_moderators_read_it() {
    let app = spawn_app().await;
    let moderator = app.staff_sign_in("staff-moderator").await;
    let admin = app.staff_sign_in("staff-admin").await;
    let word = json!({ "word": "代开发票", "category": "advert", "action": "block" });
    let refused = moderator.send(&app, Method::POST, "/safety/words", Some(word.clone()), true).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "moderators do not edit the lexicon");
    let added = admin.send(&app, Method::POST, "/safety/words", Some(word), true).await;
    assert_eq!(added.status(), StatusCode::OK);
    assert_eq!(added.json::<Value>().await.unwrap()["added_by"], "管理员 王强");

    let imported = admin
        .http
        .post(format!("{}/staff/admin/safety/words/import?category=gambling&action=review", app.staff))
        .header(header::COOKIE, &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .body("赌球\n六合彩,gambling,block\n")
        .send()
        .await
        .unwrap();
    assert_eq!(imported.json::<Value>().await.unwrap()["added"], 2);

    let user = app.sign_in().await;
    let nickname = app
        .http
        .patch(app.url("/api/v1/me"))
        .header("authorization", bearer(&user.access_token))
        .json(&json!({ "nickname": "代开发票" }))
        .send()
        .await
        .unwrap();
    assert_eq!(nickname.status(), StatusCode::UNPROCESSABLE_ENTITY, "enforced at once");

    let words: Value =
        moderator.send(&app, Method::GET, "/safety/words?limit=10", None, true).await.json().await.unwrap();
    assert_eq!(words["items"].as_array().unwrap().len(), 3);
    let hits: Value =
        moderator.send(&app, Method::GET, "/safety/hits?place=nickname", None, true).await.json().await.unwrap();
    assert_eq!(hits["items"][0]["user_id"], user.user_id.as_str());

    let path = format!("/safety/words/{}", url::form_urlencoded::byte_serialize("赌球".as_bytes()).collect::<String>());
    assert_eq!(moderator.send(&app, Method::DELETE, &path, None, true).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(admin.send(&app, Method::DELETE, &path, None, true).await.status(), StatusCode::OK);
    let without_csrf = admin.send(&app, Method::DELETE, &path, None, false).await;
    assert_eq!(without_csrf.status(), StatusCode::FORBIDDEN);

    let audit: Value = admin.send(&app, Method::GET, "/audit", None, true).await.json().await.unwrap();
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["lexicon_remove", "lexicon_import", "lexicon_add"]);
}
