//! Helpers for the content-safety tests: a small fixture lexicon written for these tests
//! (no third-party word list), and the internal lexicon and audit API.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::TestApp;

/// `(word, category, action)`: the fixture lexicon.
pub const FIXTURE: &[(&str, &str, &str)] = &[
    ("微信", "advert", "block"),
    ("代开发票", "advert", "block"),
    ("笨蛋", "abuse", "mask"),
    ("赌场", "gambling", "review"),
    ("badword", "other", "mask"),
    ("spamlink", "advert", "block"),
];

/// The fixture's allow-list: a film title holding a review word.
pub const ALLOWED: &[&str] = &["赌场风云"];

impl TestApp {
    pub async fn add_word(&self, word: &str, category: &str, action: &str) -> Response {
        let body = json!({ "word": word, "category": category, "action": action, "added_by": "审核员小王" });
        self.internal(Method::POST, "/safety/words", Some(body)).await
    }

    pub async fn allow_word(&self, word: &str) -> Response {
        let body = json!({ "word": word, "list": "allow", "added_by": "审核员小王" });
        self.internal(Method::POST, "/safety/words", Some(body)).await
    }

    /// Loads the fixture lexicon.
    pub async fn load_fixture_lexicon(&self) {
        for (word, category, action) in FIXTURE {
            assert_eq!(self.add_word(word, category, action).await.status(), StatusCode::CREATED);
        }
        for word in ALLOWED {
            assert_eq!(self.allow_word(word).await.status(), StatusCode::CREATED);
        }
    }

    /// The audit, newest first, filtered by a query string such as `place=post`.
    pub async fn safety_hits(&self, query: &str) -> Vec<Value> {
        let response = self.internal(Method::GET, &format!("/safety/hits?{query}"), None).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page: Value = response.json().await.unwrap();
        page["items"].as_array().unwrap().clone()
    }
}

pub type Response = reqwest::Response;
