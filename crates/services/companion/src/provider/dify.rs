//! The Dify-shaped provider ("company B", and the local stand-in): knowledge through
//! `/datasets/{id}/document…`, chat through `/chat-messages` (streaming), feedback
//! through `/messages/{id}/feedbacks`.
//!
//! One dataset holds every persona's documents; a document is named
//! `<persona id>/<our key>`, and the chat app filters retrieval by the `persona_id`
//! input (docs/companion.md says why one dataset rather than one per persona).

use futures::StreamExt as _;
use serde::Deserialize;
use serde_json::{json, Value};
use yujie_kernel::{upstream::Upstream, Secret};

use super::{
    send, sse, Chat, ChatEvent, ChatRequest, ChatStream, Knowledge, KnowledgeDoc, ProviderError, ProviderResult, Usage,
};
use crate::config::DifyConfig;

pub struct Dify {
    base: String,
    dataset_id: String,
    dataset_key: Secret,
    app_key: Secret,
    /// The chat app's endpoints (chat, stop, feedback).
    upstream: Upstream,
    /// The knowledge API, with its own breaker: a sync outage does not stop the chat.
    dataset: Upstream,
}

impl Dify {
    pub fn new(config: &DifyConfig, base: String, upstream: Upstream, dataset: Upstream) -> Self {
        Self {
            base,
            dataset_id: config.dataset_id.clone(),
            dataset_key: config.dataset_key.clone(),
            app_key: config.app_key.clone(),
            upstream,
            dataset,
        }
    }

    fn dataset_url(&self, path: &str) -> String {
        format!("{}/datasets/{}{path}", self.base, self.dataset_id)
    }

    async fn dataset_call(&self, request: reqwest::RequestBuilder) -> ProviderResult<reqwest::Response> {
        send(&self.dataset, request.bearer_auth(self.dataset_key.expose())).await
    }

    /// The document named `name`, if the dataset has one (a create whose answer was
    /// lost, e.g. by a crash, is found again here rather than created twice).
    async fn find(&self, name: &str) -> ProviderResult<Option<String>> {
        #[derive(Deserialize)]
        struct Page {
            data: Vec<Document>,
        }
        #[derive(Deserialize)]
        struct Document {
            id: String,
            name: String,
        }
        let request =
            self.dataset.http().get(self.dataset_url("/documents")).query(&[("keyword", name), ("limit", "100")]);
        let page: Page = json_of(self.dataset_call(request).await?).await?;
        Ok(page.data.into_iter().find(|document| document.name == name).map(|document| document.id))
    }

    async fn update(&self, id: &str, name: &str, text: &str) -> ProviderResult<Option<String>> {
        let request =
            self.dataset.http().post(self.dataset_url(&format!("/documents/{id}/update-by-text"))).json(&json!({
                "name": name, "text": text,
            }));
        match self.dataset_call(request).await {
            Ok(response) => Ok(Some(self.indexed(response).await?)),
            Err(ProviderError::Status { status: 404, .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Reads a create or update answer and waits until the document is indexed (so that
    /// it is citable when we call it synced). A document still indexing after the wait
    /// is an error: the upload is retried later, as an update.
    async fn indexed(&self, response: reqwest::Response) -> ProviderResult<String> {
        let body: Value = json_of(response).await?;
        let id = body["document"]["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| ProviderError::Protocol("no document.id in the answer".into()))?;
        let Some(batch) = body["batch"].as_str().filter(|batch| !batch.is_empty()) else {
            return Ok(id);
        };
        for _ in 0..INDEXING_POLLS {
            let request = self.dataset.http().get(self.dataset_url(&format!("/documents/{batch}/indexing-status")));
            let status: Value = json_of(self.dataset_call(request).await?).await?;
            let states: Vec<&str> = status["data"]
                .as_array()
                .map(|data| data.iter().filter_map(|entry| entry["indexing_status"].as_str()).collect())
                .unwrap_or_default();
            if states.contains(&"error") {
                return Err(ProviderError::Reported(format!("indexing of document {id} failed")));
            }
            if !states.is_empty() && states.iter().all(|state| *state == "completed") {
                return Ok(id);
            }
            tokio::time::sleep(INDEXING_POLL).await;
        }
        Err(ProviderError::Reported(format!("document {id} is still indexing")))
    }
}

/// How long an upload waits for the provider to index it.
const INDEXING_POLLS: u32 = 20;
const INDEXING_POLL: std::time::Duration = std::time::Duration::from_millis(500);

async fn json_of<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> ProviderResult<T> {
    let bytes = response.bytes().await?;
    serde_json::from_slice(&bytes).map_err(|error| ProviderError::Protocol(error.to_string()))
}

/// The name a document has at the provider.
pub fn document_name(persona_id: &str, key: &str) -> String {
    format!("{persona_id}/{key}")
}

#[async_trait::async_trait]
impl Knowledge for Dify {
    async fn put(&self, doc: &KnowledgeDoc<'_>, known_id: Option<&str>) -> ProviderResult<String> {
        let name = document_name(doc.persona_id, doc.key);
        let existing = match known_id {
            Some(id) => Some(id.to_owned()),
            None => self.find(&name).await?,
        };
        if let Some(id) = existing {
            if let Some(id) = self.update(&id, &name, doc.text).await? {
                return Ok(id);
            }
        }
        let request = self.dataset.http().post(self.dataset_url("/document/create-by-text")).json(&json!({
            "name": name,
            "text": doc.text,
            "indexing_technique": "high_quality",
            "process_rule": { "mode": "automatic" },
        }));
        self.indexed(self.dataset_call(request).await?).await
    }

    async fn remove(&self, _key: &str, provider_id: &str) -> ProviderResult<()> {
        let request = self.dataset.http().delete(self.dataset_url(&format!("/documents/{provider_id}")));
        match self.dataset_call(request).await {
            Ok(_) | Err(ProviderError::Status { status: 404, .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }
}

#[async_trait::async_trait]
impl Chat for Dify {
    async fn stream(&self, request: ChatRequest) -> ProviderResult<ChatStream> {
        let body = json!({
            "query": request.query,
            "inputs": {
                "persona_id": request.persona_id,
                "persona_names": request.names.join("\n"),
                "character": request.character,
            },
            "response_mode": "streaming",
            "user": request.user_id,
            "conversation_id": request.conversation_id.unwrap_or_default(),
        });
        let call = self
            .upstream
            .http()
            .post(format!("{}/chat-messages", self.base))
            .bearer_auth(self.app_key.expose())
            .json(&body);
        let events = sse::events(send(&self.upstream, call).await?.bytes_stream());
        let mut started = false;
        let stream = events
            .map(move |event| {
                let event = event.map_err(|error| ProviderError::Protocol(format!("{error:#}")))?;
                let data: Value =
                    serde_json::from_str(&event.data).map_err(|error| ProviderError::Protocol(error.to_string()))?;
                let mut out = Vec::new();
                if !started && data.get("task_id").is_some() {
                    started = true;
                    out.push(ChatEvent::Started {
                        task_id: text(&data, "task_id"),
                        message_id: text(&data, "message_id").or_else(|| text(&data, "id")),
                        conversation_id: text(&data, "conversation_id"),
                    });
                }
                match data["event"].as_str().unwrap_or_default() {
                    "message" | "agent_message" => {
                        out.push(ChatEvent::Delta(text(&data, "answer").unwrap_or_default()))
                    }
                    "message_replace" => out.push(ChatEvent::Replace(text(&data, "answer").unwrap_or_default())),
                    "message_end" => out.push(ChatEvent::End { usage: usage(&data["metadata"]["usage"]) }),
                    "error" => {
                        let message = text(&data, "message").unwrap_or_else(|| "unknown error".into());
                        return Err(ProviderError::Reported(message));
                    }
                    _ => {}
                }
                Ok(out)
            })
            .flat_map(|result| {
                futures::stream::iter(match result {
                    Ok(events) => events.into_iter().map(Ok).collect::<Vec<_>>(),
                    Err(error) => vec![Err(error)],
                })
            });
        Ok(stream.boxed())
    }

    async fn stop(&self, task_id: &str, user_id: &str) -> ProviderResult<()> {
        let request = self
            .upstream
            .http()
            .post(format!("{}/chat-messages/{task_id}/stop", self.base))
            .bearer_auth(self.app_key.expose())
            .json(&json!({ "user": user_id }));
        send(&self.upstream, request).await.map(|_| ())
    }

    async fn dislike(&self, message_id: &str, user_id: &str, reason: Option<&str>) -> ProviderResult<()> {
        let request = self
            .upstream
            .http()
            .post(format!("{}/messages/{message_id}/feedbacks", self.base))
            .bearer_auth(self.app_key.expose())
            .json(&json!({ "rating": "dislike", "user": user_id, "content": reason.unwrap_or_default() }));
        send(&self.upstream, request).await.map(|_| ())
    }

    fn keeps_history(&self) -> bool {
        true
    }
}

fn text(data: &Value, field: &str) -> Option<String> {
    data[field].as_str().filter(|value| !value.is_empty()).map(str::to_owned)
}

fn usage(value: &Value) -> Option<Usage> {
    Some(Usage {
        prompt_tokens: value.get("prompt_tokens")?.as_u64()?,
        completion_tokens: value.get("completion_tokens")?.as_u64()?,
    })
}
