//! The AI provider behind one interface: its knowledge base and its streaming chat.
//! Adapters: `dify` (also the local stand-in, over HTTP) and `openai` (any
//! OpenAI-compatible endpoint, with our own retrieval). Voice is in `crate::voice`.

pub mod dify;
pub mod openai;
pub mod sse;

use std::sync::Arc;

use futures::stream::BoxStream;
use yujie_kernel::{
    config::STANDIN_PATH,
    upstream::{Upstream, UpstreamError},
    Platform,
};

use crate::config::{CompanionConfig, ProviderKind};

/// A provider call that failed; the chat relays it as `upstream_failed`.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the provider is unreachable: {0}")]
    Unreachable(#[from] reqwest::Error),
    #[error("the provider answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("the provider's answer is malformed: {0}")]
    Protocol(String),
    #[error("the provider reported an error: {0}")]
    Reported(String),
    /// Timed out, or not called while its breaker is open.
    #[error("{0}")]
    Upstream(#[from] UpstreamError),
}

pub type ProviderResult<T> = Result<T, ProviderError>;

/// Sends a request through the provider's timeout and breaker and checks its status. No
/// answer or a 5xx counts toward the breaker; a 4xx is an answer about this request.
pub async fn send(upstream: &Upstream, request: reqwest::RequestBuilder) -> ProviderResult<reqwest::Response> {
    let answered = upstream
        .call(async {
            let response = request.send().await.map_err(ProviderError::from)?;
            match checked(response).await {
                Err(failed @ ProviderError::Status { status: 500.., .. }) => Err(failed.into()),
                answered => Ok(answered),
            }
        })
        .await;
    match answered {
        Ok(checked) => checked,
        Err(error) => Err(match error.downcast::<ProviderError>() {
            Ok(error) => error,
            Err(error) => match error.downcast::<UpstreamError>() {
                Ok(error) => ProviderError::Upstream(error),
                Err(error) => ProviderError::Protocol(format!("{error:#}")),
            },
        }),
    }
}

/// Checks a response's status, keeping the start of its body for the log.
pub async fn checked(response: reqwest::Response) -> ProviderResult<reqwest::Response> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    Err(ProviderError::Status { status: status.as_u16(), body: body.chars().take(300).collect() })
}

/// One knowledge document: a persona's profile or one post, keyed by our id.
pub struct KnowledgeDoc<'a> {
    pub key: &'a str,
    pub persona_id: &'a str,
    pub text: &'a str,
}

/// Where a persona's knowledge lives.
#[async_trait::async_trait]
pub trait Knowledge: Send + Sync {
    /// Creates or replaces the document and returns the provider's id for it. Keyed by
    /// `doc.key`: putting the same document twice leaves one copy.
    async fn put(&self, doc: &KnowledgeDoc<'_>, known_id: Option<&str>) -> ProviderResult<String>;
    /// Deletes it; a document that is already gone is not an error.
    async fn remove(&self, key: &str, provider_id: &str) -> ProviderResult<()>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

#[derive(Debug, Clone)]
pub struct Turn {
    pub role: Role,
    pub text: String,
}

pub struct ChatRequest {
    pub persona_id: String,
    /// The persona's name and aliases (retrieval leaves them out of the question).
    pub names: Vec<String>,
    pub user_id: String,
    /// The persona's character card: the system prompt.
    pub character: String,
    /// Earlier turns, oldest first, already cut to the token budget.
    pub history: Vec<Turn>,
    pub query: String,
    /// The provider's conversation, when it keeps history itself (Dify).
    pub conversation_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// What a streamed reply is made of.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    /// The provider's ids for this reply, as soon as they are known.
    Started { task_id: Option<String>, message_id: Option<String>, conversation_id: Option<String> },
    /// The next piece of the answer.
    Delta(String),
    /// The answer so far is replaced (Dify's `message_replace`, e.g. moderation).
    Replace(String),
    /// The reply is complete.
    End { usage: Option<Usage> },
}

pub type ChatStream = BoxStream<'static, ProviderResult<ChatEvent>>;

#[async_trait::async_trait]
pub trait Chat: Send + Sync {
    async fn stream(&self, request: ChatRequest) -> ProviderResult<ChatStream>;
    /// Stops a reply that is still being generated (the reader went away).
    async fn stop(&self, _task_id: &str, _user_id: &str) -> ProviderResult<()> {
        Ok(())
    }
    /// Forwards a thumbs-down, where the provider takes feedback.
    async fn dislike(&self, _message_id: &str, _user_id: &str, _reason: Option<&str>) -> ProviderResult<()> {
        Ok(())
    }
    /// Whether the provider keeps the conversation's history itself.
    fn keeps_history(&self) -> bool {
        false
    }
}

/// The configured provider.
#[derive(Clone)]
pub struct Provider {
    pub kind: ProviderKind,
    pub chat: Arc<dyn Chat>,
    pub knowledge: Arc<dyn Knowledge>,
}

impl Provider {
    /// The provider named in config, reached with `http` (the streaming client): its
    /// chat as the partner `ai_chat`, a Dify knowledge API as `ai_knowledge`.
    pub fn from_config(
        platform: &Platform,
        config: &CompanionConfig,
        http: reqwest::Client,
        index: openai::SqlIndex,
    ) -> anyhow::Result<Self> {
        let chat = platform.upstreams.partner("ai_chat", http.clone());
        match config.provider {
            ProviderKind::Local | ProviderKind::Dify => {
                let base = match (config.dify.api_base.as_str(), config.provider) {
                    ("", ProviderKind::Local) => format!("{}{STANDIN_PATH}/ai/v1", platform.public_base_url),
                    ("", _) => anyhow::bail!("companion.dify.api_base is required for provider = \"dify\""),
                    (base, _) => base.trim_end_matches('/').to_owned(),
                };
                let knowledge = platform.upstreams.partner("ai_knowledge", http);
                let dify = Arc::new(dify::Dify::new(&config.dify, base, chat, knowledge));
                Ok(Self { kind: config.provider, chat: dify.clone(), knowledge: dify })
            }
            ProviderKind::Openai => {
                let chat = openai::OpenAiChat::new(&config.openai, chat, index.clone());
                Ok(Self { kind: config.provider, chat: Arc::new(chat), knowledge: Arc::new(index) })
            }
        }
    }
}
