//! Helpers for the companion tests.

use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{bearer, eventually, spawn_with, Session, TestApp};

/// An instance whose knowledge sync polls every second.
pub async fn spawn_companion() -> TestApp {
    spawn_with(|config| config.companion.sync_interval_secs = 1).await
}

/// A streamed reply, read to its end.
pub struct Reply {
    pub status: StatusCode,
    pub signals: Vec<Value>,
}

impl Reply {
    pub fn text(&self) -> String {
        let mut text = String::new();
        for signal in &self.signals {
            match signal["type"].as_str() {
                Some("delta") => text.push_str(signal["text"].as_str().unwrap()),
                Some("replace") => text = signal["text"].as_str().unwrap().to_owned(),
                _ => {}
            }
        }
        text
    }

    pub fn last(&self) -> &Value {
        self.signals.last().unwrap()
    }

    pub fn reply_id(&self) -> String {
        self.signals[0]["reply_id"].as_str().unwrap().to_owned()
    }
}

/// The `data:` payloads of an event stream's body.
pub fn sse_payloads(body: &str) -> Vec<Value> {
    body.lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .map(|data| serde_json::from_str(data).unwrap())
        .collect()
}

impl TestApp {
    /// A persona with a profile the companion has learned (its profile is at the provider).
    pub async fn persona_with_profile(&self, creator: &Session, name: &str, entries: &[Value]) -> String {
        let persona = self.create_persona(&creator.access_token, name, &["冰冰"]).await;
        let id = persona["id"].as_str().unwrap().to_owned();
        for entry in entries {
            assert_eq!(self.add_entry(&creator.access_token, &id, entry.clone()).await.status(), StatusCode::CREATED);
        }
        self.wait_until_synced(&id).await;
        id
    }

    /// Waits until nothing of the persona is pending at the provider.
    pub async fn wait_until_synced(&self, persona_id: &str) {
        self.wait_until_documents_synced(persona_id, 1).await;
    }

    /// Waits until the persona has at least `documents` (profile and posts), none of
    /// them pending.
    pub async fn wait_until_documents_synced(&self, persona_id: &str, documents: i64) {
        let synced = eventually(Duration::from_secs(30), || async {
            let states: Value =
                self.internal(reqwest::Method::GET, "/companion/sync", None).await.json().await.unwrap();
            states.as_array().unwrap().iter().any(|state| {
                state["persona_id"] == persona_id
                    && state["documents"].as_i64().unwrap() >= documents
                    && state["pending"] == 0
                    && state["failed"] == 0
            })
        })
        .await;
        assert!(synced.is_some(), "persona {persona_id} did not sync {documents} documents within 30 s");
    }

    pub async fn new_conversation(&self, token: &str, persona_id: &str) -> String {
        let response =
            self.post_json("/api/v1/companion/conversations", Some(token), &json!({ "persona_id": persona_id })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        body["id"].as_str().unwrap().to_owned()
    }

    pub async fn send_message(&self, token: &str, conversation_id: &str, text: &str) -> Response {
        self.post_json(
            &format!("/api/v1/companion/conversations/{conversation_id}/messages"),
            Some(token),
            &json!({ "text": text }),
        )
        .await
    }

    /// Sends a message and reads the whole reply stream.
    pub async fn chat(&self, token: &str, conversation_id: &str, text: &str) -> Reply {
        let response = self.send_message(token, conversation_id, text).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        let signals =
            if status == StatusCode::OK { sse_payloads(&body) } else { vec![serde_json::from_str(&body).unwrap()] };
        Reply { status, signals }
    }

    pub async fn quota(&self, token: &str) -> Value {
        let response = self.get("/api/v1/companion/quota", Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// What the AI stand-in has seen.
    pub async fn ai_standin(&self) -> Value {
        self.http.get(self.url("/_standin/ai/state")).send().await.unwrap().json().await.unwrap()
    }

    /// Passages the stand-in's knowledge base returns for `query`.
    pub async fn provider_knows(&self, query: &str, expected: &str) -> bool {
        let dify = &self.config.companion.dify;
        let response = self
            .http
            .post(self.url(&format!("/_standin/ai/v1/datasets/{}/retrieve", dify.dataset_id)))
            .header("authorization", bearer(dify.dataset_key.expose()))
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        body["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|record| record["segment"]["content"].as_str().unwrap_or_default().contains(expected))
    }
}
