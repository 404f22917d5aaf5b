//! The `openai` adapter against a small OpenAI-compatible server run by the test: our
//! own retrieval feeds the prompt, keep-alive comments are skipped, the usage chunk and
//! `[DONE]` end the reply, an error mid-stream is a failed reply, and a reader who leaves
//! cancels the upstream request.

use std::{
    convert::Infallible,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::State,
    routing::post,
    Json, Router,
};
use futures::StreamExt as _;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, eventually, spawn_with, TestApp};

#[derive(Clone, Default)]
struct Upstream {
    requests: Arc<Mutex<Vec<Value>>>,
    /// Set when a streamed body was dropped before its end (the client went away).
    cancelled: Arc<AtomicBool>,
}

/// Sets `cancelled` if dropped before `finished` is set.
struct DropWatch(Arc<AtomicBool>, bool);

impl Drop for DropWatch {
    fn drop(&mut self) {
        if !self.1 {
            self.0.store(true, Ordering::SeqCst);
        }
    }
}

fn chunk(content: &str) -> String {
    let chunk = json!({ "id": "chatcmpl-1", "object": "chat.completion.chunk",
                        "choices": [{ "index": 0, "delta": { "content": content }, "finish_reason": null }] });
    format!("data: {chunk}\n\n")
}

async fn completions(State(upstream): State<Upstream>, Json(request): Json<Value>) -> axum::response::Response {
    upstream.requests.lock().unwrap().push(request.clone());
    let question = request["messages"].as_array().unwrap().last().unwrap()["content"].as_str().unwrap().to_owned();
    let mut pieces: Vec<String> =
        vec![": keep-alive\n\n".into(), chunk("你好，"), ": keep-alive\n\n".into(), chunk("我在。")];
    let pause = if question.contains("慢") {
        pieces.extend((0..50).map(|index| chunk(&format!("第{index}句。"))));
        Duration::from_millis(100)
    } else {
        Duration::from_millis(5)
    };
    if question.contains("出错") {
        pieces.push(format!(
            "data: {}\n\n",
            json!({ "error": { "message": "model overloaded", "type": "server_error" } })
        ));
    } else {
        let usage = json!({ "id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [],
                            "usage": { "prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49 } });
        pieces.push(format!("data: {usage}\n\n"));
        pieces.push("data: [DONE]\n\n".into());
    }
    let watch = DropWatch(upstream.cancelled.clone(), false);
    let total = pieces.len();
    let stream =
        futures::stream::unfold((pieces.into_iter().enumerate(), watch), move |(mut pieces, mut watch)| async move {
            let (index, piece) = pieces.next()?;
            tokio::time::sleep(pause).await;
            if index + 1 == total {
                watch.1 = true;
            }
            Some((Ok::<_, Infallible>(Bytes::from(piece)), (pieces, watch)))
        });
    axum::response::Response::builder()
        .header("content-type", "text/event-stream")
        .body(Body::from_stream(stream))
        .unwrap()
}

async fn start_upstream() -> (String, Upstream) {
    let upstream = Upstream::default();
    let router = Router::new().route("/v1/chat/completions", post(completions)).with_state(upstream.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{address}/v1"), upstream)
}

async fn openai_app() -> (TestApp, Upstream, crate::helpers::Session, String) {
    let (base_url, upstream) = start_upstream().await;
    let app = spawn_with(move |config| {
        config.companion.sync_interval_secs = 1;
        config.companion.provider = yujie_companion::ProviderKind::Openai;
        config.companion.openai.base_url = base_url;
        config.companion.openai.model = "test-model".into();
        config.companion.openai.api_key = yujie_kernel::Secret::new("sk-test");
    })
    .await;
    let member = app.member().await;
    let persona = app.persona_with_profile(&member, "范冰冰", &[]).await;
    (app, upstream, member, persona)
}

#[tokio::test]
async fn replies_stream_in_order_with_our_retrieval_in_the_prompt() {
    let (app, upstream, member, persona) = openai_app().await;
    let text = "她在戛纳电影节穿了一件龙袍礼服。";
    assert_eq!(app.create_post(&member.access_token, &persona, "戛纳", text, 0).await.status(), StatusCode::CREATED);
    app.wait_until_documents_synced(&persona, 2).await;

    let conversation = app.new_conversation(&member.access_token, &persona).await;
    let reply = app.chat(&member.access_token, &conversation, "你在戛纳穿了什么礼服？").await;
    assert_eq!(reply.last()["type"], "done", "{:?}", reply.signals);
    let deltas: Vec<&str> = reply
        .signals
        .iter()
        .filter(|signal| signal["type"] == "delta")
        .map(|signal| signal["text"].as_str().unwrap())
        .collect();
    assert_eq!(deltas, ["你好，", "我在。"]);

    let request = upstream.requests.lock().unwrap().last().cloned().unwrap();
    assert_eq!(request["model"], "test-model");
    assert_eq!(request["stream"], true);
    assert_eq!(request["stream_options"]["include_usage"], true);
    let system = request["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("以「范冰冰」的身份"), "{system}");
    assert!(system.contains("龙袍礼服"), "the retrieved post is in the prompt: {system}");

    // The next message carries the history.
    app.chat(&member.access_token, &conversation, "还有呢？").await;
    let request = upstream.requests.lock().unwrap().last().cloned().unwrap();
    let roles: Vec<&str> =
        request["messages"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert_eq!(request["messages"][2]["content"], "你好，我在。");
}

#[tokio::test]
async fn an_error_mid_stream_ends_the_reply_as_partial() {
    let (app, _, member, persona) = openai_app().await;
    let conversation = app.new_conversation(&member.access_token, &persona).await;
    let reply = app.chat(&member.access_token, &conversation, "出错吧").await;
    let last = reply.last();
    assert_eq!((last["type"].clone(), last["partial"].clone()), (json!("failed"), json!(true)), "{:?}", reply.signals);
    let messages: Value = app
        .get(&format!("/api/v1/companion/conversations/{conversation}/messages"), Some(&member.access_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((messages[0]["state"].clone(), messages[0]["text"].clone()), (json!("partial"), json!("你好，我在。")));
}

#[tokio::test]
async fn a_reader_who_leaves_cancels_the_upstream_request() {
    let (app, upstream, member, persona) = openai_app().await;
    let conversation = app.new_conversation(&member.access_token, &persona).await;
    let response = app.send_message(&member.access_token, &conversation, "慢慢说").await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("\"delta\"") {
        seen.push_str(&String::from_utf8_lossy(&body.next().await.unwrap().unwrap()));
    }
    drop(body);
    let cancelled = eventually(Duration::from_secs(5), || async { upstream.cancelled.load(Ordering::SeqCst) }).await;
    assert!(cancelled.is_some(), "the upstream request was not cancelled");
    let stored = eventually(Duration::from_secs(5), || async {
        let messages: Value = app
            .get(&format!("/api/v1/companion/conversations/{conversation}/messages"), Some(&member.access_token))
            .await
            .json()
            .await
            .unwrap();
        messages[0]["role"] == "assistant" && messages[0]["state"] == "partial"
    })
    .await;
    assert!(stored.is_some(), "the partial reply was not stored as such");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_502_and_the_message_comes_back() {
    let app = spawn_with(|config| {
        config.companion.sync_interval_secs = 1;
        config.companion.provider = yujie_companion::ProviderKind::Openai;
        config.companion.openai.base_url = "http://127.0.0.1:9/v1".into();
        config.companion.openai.model = "m".into();
    })
    .await;
    let member = app.member().await;
    let persona = app.persona_with_profile(&member, "周迅", &[]).await;
    let conversation = app.new_conversation(&member.access_token, &persona).await;
    let failed = app.send_message(&member.access_token, &conversation, "你好").await;
    assert_problem(failed, StatusCode::BAD_GATEWAY, "upstream_failed").await;
    assert_eq!(app.quota(&member.access_token).await["messages_left"], 2000);
}
