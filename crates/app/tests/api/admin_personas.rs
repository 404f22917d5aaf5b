//! Personas in the console: the AI's knowledge-sync state, the downvoted replies with
//! their reasons (the feedback loop), and the style note admins write (audited).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{companion_helpers::spawn_companion, helpers::bearer};

#[tokio::test]
async fn staff_see_sync_state_and_downvoted_replies_and_admins_set_the_style_note() {
    let app = spawn_companion().await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "周迅", &[]).await;
    let fan = app.sign_in().await;
    let conversation = app.new_conversation(&fan.access_token, &persona).await;
    let reply = app.chat(&fan.access_token, &conversation, "你好").await;
    let disliked = app
        .http
        .post(app.url(&format!("/api/v1/companion/replies/{}/dislike", reply.reply_id())))
        .header("authorization", bearer(&fan.access_token))
        .json(&json!({ "reason": "答非所问" }))
        .send()
        .await
        .unwrap();
    assert!(disliked.status().is_success());

    let moderator = app.staff_sign_in("staff-moderator").await;
    let sync: Value = moderator.send(&app, Method::GET, "/personas/sync", None, true).await.json().await.unwrap();
    assert!(sync.as_array().unwrap().iter().any(|state| state["persona_id"] == persona.as_str()), "{sync}");
    let feedback: Value = moderator
        .send(&app, Method::GET, &format!("/personas/{persona}/feedback"), None, true)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(feedback[0]["reason"], "答非所问", "{feedback}");

    let note = json!({ "style_note": "说话带点北京腔" });
    let path = format!("/personas/{persona}/style");
    assert_eq!(
        moderator.send(&app, Method::PUT, &path, Some(note.clone()), true).await.status(),
        StatusCode::FORBIDDEN
    );
    let admin = app.staff_sign_in("staff-admin").await;
    assert_eq!(admin.send(&app, Method::PUT, &path, Some(note), true).await.status(), StatusCode::OK);
    let missing =
        admin.send(&app, Method::PUT, "/personas/nobody/style", Some(json!({ "style_note": "x" })), true).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let audit: Value =
        admin.send(&app, Method::GET, "/audit?action=style_note", None, true).await.json().await.unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    assert_eq!(audit["items"][0]["target_id"], persona.as_str());
}
