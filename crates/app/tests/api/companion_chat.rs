//! Persona chat against the local AI stand-in, over real HTTP end to end.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::{companion_helpers::spawn_companion, helpers::assert_problem};

#[tokio::test]
async fn a_user_chats_with_a_persona_and_the_reply_quotes_her_profile() {
    let app = spawn_companion().await;
    let creator = app.sign_in().await;
    let entry = json!({ "section": "work", "kind": "film_tv", "title": "武媚娘传奇", "year": 2014, "role": "武则天" });
    let persona = app.persona_with_profile(&creator, "范冰冰", &[entry]).await;

    let fan = app.sign_in().await;
    let conversation = app.new_conversation(&fan.access_token, &persona).await;
    let reply = app.chat(&fan.access_token, &conversation, "你演过武则天吗？").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.signals[0]["type"], "start");
    assert_eq!(reply.last()["type"], "done", "{:?}", reply.signals);
    let deltas = reply.signals.iter().filter(|signal| signal["type"] == "delta").count();
    assert!(deltas > 2, "the reply is streamed in pieces, got {deltas}");
    let text = reply.text();
    assert!(text.contains("本地替身"), "the stand-in says what it is: {text}");
    assert!(text.contains("武媚娘传奇"), "the reply quotes her profile: {text}");

    // The conversation keeps both messages, newest first.
    let messages: Value = app
        .get(&format!("/api/v1/companion/conversations/{conversation}/messages"), Some(&fan.access_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(messages[0]["role"], "assistant");
    assert_eq!(messages[0]["state"], "complete");
    assert_eq!(messages[0]["text"], text);
    assert_eq!(messages[1]["role"], "user");
    assert_eq!(messages[1]["text"], "你演过武则天吗？");
}

#[tokio::test]
async fn a_new_conversation_leaves_the_old_one_readable() {
    let app = spawn_companion().await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "周迅", &[]).await;
    let fan = app.sign_in().await;
    let first = app.new_conversation(&fan.access_token, &persona).await;
    app.chat(&fan.access_token, &first, "你好").await;
    let second = app.new_conversation(&fan.access_token, &persona).await;
    let listed: Value = app
        .get(&format!("/api/v1/companion/conversations?persona_id={persona}"), Some(&fan.access_token))
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = listed.as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [second.as_str(), first.as_str()]);
    let old: Value = app
        .get(&format!("/api/v1/companion/conversations/{first}/messages"), Some(&fan.access_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(old.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_thumbs_down_is_stored_forwarded_and_listed_for_staff() {
    let app = spawn_companion().await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "王菲", &[]).await;
    let fan = app.sign_in().await;
    let conversation = app.new_conversation(&fan.access_token, &persona).await;
    let reply = app.chat(&fan.access_token, &conversation, "唱首歌吧").await;
    let reply_id = reply.reply_id();

    let path = format!("/api/v1/companion/replies/{reply_id}/dislike");
    let other = app.sign_in().await;
    let refused = app.post_json(&path, Some(&other.access_token), &json!({ "reason": "x" })).await;
    assert_problem(refused, StatusCode::NOT_FOUND, "not_found").await;
    let done = app.post_json(&path, Some(&fan.access_token), &json!({ "reason": "答非所问" })).await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);

    let listed: Value = app
        .internal(reqwest::Method::GET, &format!("/companion/feedback?persona_id={persona}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["message_id"], reply_id.as_str());
    assert_eq!(listed[0]["reason"], "答非所问");
    let forwarded = crate::helpers::eventually(std::time::Duration::from_secs(5), || async {
        let seen = app.ai_standin().await;
        seen["feedback"]
            .as_array()
            .unwrap()
            .iter()
            .any(|feedback| feedback["body"]["rating"] == "dislike" && feedback["body"]["content"] == "答非所问")
    })
    .await;
    assert!(forwarded.is_some(), "the thumbs-down reached the provider's feedback API");
}

#[tokio::test]
async fn a_closed_tab_stops_the_reply_at_the_provider_and_keeps_it_as_partial() {
    let app = spawn_companion().await;
    let creator = app.sign_in().await;
    let entry = json!({ "section": "achievement", "title": "首次登上春晚舞台", "year": 1998 });
    let persona = app.persona_with_profile(&creator, "范冰冰", &[entry]).await;
    let fan = app.sign_in().await;
    let conversation = app.new_conversation(&fan.access_token, &persona).await;
    let response = app.send_message(&fan.access_token, &conversation, "你第一次上春晚是哪年？").await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("\"delta\"") {
        seen.push_str(&String::from_utf8_lossy(&futures::StreamExt::next(&mut body).await.unwrap().unwrap()));
    }
    drop(body);
    let stopped = crate::helpers::eventually(std::time::Duration::from_secs(5), || async {
        !app.ai_standin().await["stopped_tasks"].as_array().unwrap().is_empty()
    })
    .await;
    assert!(stopped.is_some(), "the provider was not asked to stop");
    let messages: Value = app
        .get(&format!("/api/v1/companion/conversations/{conversation}/messages"), Some(&fan.access_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(messages[0]["state"], "partial");
    assert!(messages[0]["text"].as_str().unwrap().starts_with("【本地替"), "{}", messages[0]);
    // The message was used: the reply had begun.
    assert_eq!(app.quota(&fan.access_token).await["messages_left"], 19);
}
