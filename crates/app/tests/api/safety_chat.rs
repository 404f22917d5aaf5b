//! The companion: the user's message is screened before it costs quota or reaches the
//! AI; the AI's streamed reply is filtered so that a word split across chunks never
//! reaches the client, and a stopped reply ends with a change of topic.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{companion_helpers::spawn_companion, helpers::assert_problem};

const CHANGE_OF_TOPIC: &str = "……这个话题我们就聊到这里吧，换个话题好不好？";

#[tokio::test]
async fn a_block_word_in_the_reply_is_cut_before_it_reaches_the_browser() {
    let app = spawn_companion().await;
    let creator = app.sign_in().await;
    // The word has text after it, so the filter stops the reply while it streams.
    let entry = json!({ "section": "work", "kind": "film_tv", "title": "武媚娘传奇之大明宫词", "year": 2014, "role": "武则天" });
    let persona = app.persona_with_profile(&creator, "范冰冰", &[entry]).await;
    // Added after the profile was written: only the AI can still say it.
    assert_eq!(app.add_word("媚娘传奇", "other", "block").await.status(), StatusCode::CREATED);

    let fan = app.sign_in().await;
    let conversation = app.new_conversation(&fan.access_token, &persona).await;
    let reply = app.chat(&fan.access_token, &conversation, "你演过武则天吗？").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.last()["type"], "done", "{:?}", reply.signals);
    let text = reply.text();
    assert!(text.contains("本地替身"), "the reply up to the word is shown: {text}");
    assert!(!text.contains('媚'), "no piece of the word reaches the client: {text}");
    assert!(text.ends_with(CHANGE_OF_TOPIC), "{text}");
    for signal in &reply.signals {
        let piece = signal["text"].as_str().unwrap_or_default();
        assert!(!piece.contains('媚'), "no signal carries the word: {signal}");
    }

    let messages: Value = app
        .get(&format!("/api/v1/companion/conversations/{conversation}/messages"), Some(&fan.access_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(messages[0]["text"], text, "what is stored is what was shown");
    let stopped = app.ai_standin().await["stopped_tasks"].as_array().unwrap().len();
    assert_eq!(stopped, 1, "the provider is told to stop: {:?}", reply.signals);
    let hits = app.safety_hits("place=chat_reply").await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["item_id"], reply.reply_id().as_str());
    assert_eq!(hits[0]["user_id"], fan.user_id.as_str());
    assert_eq!(hits[0]["action"], "block");
}

#[tokio::test]
async fn a_mask_word_in_the_reply_is_masked_however_it_was_chunked() {
    let app = spawn_companion().await;
    let creator = app.sign_in().await;
    let entry = json!({ "section": "work", "kind": "film_tv", "title": "武媚娘传奇", "year": 2014, "role": "武则天" });
    let persona = app.persona_with_profile(&creator, "范冰冰", &[entry]).await;
    assert_eq!(app.add_word("武则天", "other", "mask").await.status(), StatusCode::CREATED);
    let fan = app.sign_in().await;
    let conversation = app.new_conversation(&fan.access_token, &persona).await;
    let reply = app.chat(&fan.access_token, &conversation, "你演过什么电视剧？").await;
    assert_eq!(reply.last()["type"], "done", "{:?}", reply.signals);
    let text = reply.text();
    assert!(text.contains("武媚娘传奇"), "{text}");
    assert!(text.contains("***") && !text.contains("则天"), "{text}");
}

#[tokio::test]
async fn the_users_message_is_screened_before_it_costs_quota() {
    let app = spawn_companion().await;
    app.load_fixture_lexicon().await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "王菲", &[]).await;
    let fan = app.sign_in().await;
    let conversation = app.new_conversation(&fan.access_token, &persona).await;
    let before = app.quota(&fan.access_token).await;

    let response = app.send_message(&fan.access_token, &conversation, "加我微 信聊").await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "content_refused").await;
    assert_eq!(problem["errors"][0]["field"], "text");
    let response = app.send_message(&fan.access_token, &conversation, "带你去赌场").await;
    assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "content_refused").await;
    assert_eq!(app.quota(&fan.access_token).await, before, "a refused message costs nothing");

    let reply = app.chat(&fan.access_token, &conversation, "你这个笨蛋").await;
    assert_eq!(reply.status, StatusCode::OK);
    let messages: Value = app
        .get(&format!("/api/v1/companion/conversations/{conversation}/messages"), Some(&fan.access_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(messages[1]["text"], "你这个**", "the AI and the history see the masked text");
    let places: Vec<Value> = app.safety_hits("place=chat_message").await.iter().map(|h| h["action"].clone()).collect();
    assert_eq!(places, [json!("mask"), json!("block"), json!("block")]);
    let internal = app.internal(Method::GET, "/safety/hits?place=chat_message&action=mask", None).await;
    assert_eq!(internal.status(), StatusCode::OK);
}
