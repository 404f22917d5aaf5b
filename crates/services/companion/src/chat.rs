//! Chat: a conversation per (user, persona), a message in, a reply streamed out.
//!
//! The reply is relayed by a task that owns the upstream stream. When the reader goes
//! away (a closed tab), the task stops the provider's generation, drops the upstream
//! request and stores what had arrived as a `partial` reply. A provider failure before
//! the first token gives the message back to the quota.

use std::time::Instant;

use futures::StreamExt as _;
use serde::Serialize;
use tokio::sync::mpsc;
use utoipa::ToSchema;
use yujie_kernel::{
    auth::CurrentUser,
    ids::new_id,
    safety::Place,
    text::{user_text, TextKind},
    ApiError,
};

use crate::error::{CompanionError, Result};
use crate::{
    character::{character_card, fit_history, role_of},
    provider::{ChatEvent, ChatRequest, ProviderError, Turn},
    quota::TakenMessage,
    reply_filter::{Filtered, ReplyFilter},
    store::{ConversationRow, MessageRow, PersonaRow},
    Companion,
};

/// How many stored messages are considered for the history budget.
const HISTORY_WINDOW: i64 = 40;
/// A stored reply is cut at this many characters (the column's size).
const MAX_REPLY_CHARS: usize = 12_000;

/// What the reply stream tells the client.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReplySignal {
    /// The ids of the stored question and of the reply being written.
    Start {
        message_id: String,
        reply_id: String,
    },
    Delta {
        text: String,
    },
    /// The reply so far is replaced by `text`.
    Replace {
        text: String,
    },
    Done {
        reply_id: String,
    },
    /// The provider failed; `partial` says whether part of the reply was kept.
    Failed {
        reply_id: String,
        partial: bool,
        detail: String,
    },
}

/// A relay in progress: what it needs to finish the reply whatever happens.
struct Relay {
    companion: Companion,
    user_id: String,
    conversation: ConversationRow,
    reply_id: String,
    taken: TakenMessage,
    started: Instant,
}

impl Companion {
    /// A live persona the companion knows, or 404.
    pub(crate) async fn live_persona(&self, persona_id: &str) -> Result<PersonaRow> {
        match self.inner.store.persona(persona_id).await? {
            Some(persona) if persona.removed == 0 => Ok(persona),
            _ => Err(CompanionError::NotFound("persona")),
        }
    }

    /// The caller's own conversation, or 404 (also for someone else's).
    pub(crate) async fn own_conversation(&self, user_id: &str, id: &str) -> Result<ConversationRow> {
        match self.inner.store.conversation(id).await? {
            Some(conversation) if conversation.user_id == user_id => Ok(conversation),
            _ => Err(CompanionError::NotFound("conversation")),
        }
    }

    pub async fn start_conversation(&self, user_id: &str, persona_id: &str) -> Result<ConversationRow> {
        self.live_persona(persona_id).await?;
        let id = new_id();
        self.inner.store.create_conversation(&id, user_id, persona_id, self.now_ms()).await?;
        self.inner
            .store
            .conversation(&id)
            .await?
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("lost conversation")).into())
    }

    /// Takes a message from the quota, stores it, and starts the reply. The returned
    /// channel carries the reply until it is done; dropping it cancels the reply.
    pub async fn send(
        &self,
        user: &CurrentUser,
        conversation_id: &str,
        text: &str,
    ) -> Result<mpsc::Receiver<ReplySignal>> {
        let started = Instant::now();
        let max = self.inner.config.max_message_chars;
        let text = user_text("text", text, 1, max, TextKind::Multiline)?;
        let conversation = self.own_conversation(&user.user_id, conversation_id).await?;
        let message_id = new_id();
        let safety = &self.inner.platform.safety;
        let text = safety.screen(Place::ChatMessage, "text", text, Some(&user.user_id), Some(&message_id)).await?.text;
        let persona = self.live_persona(&conversation.persona_id).await?;
        let taken = self.inner.quota.take_message(user).await.inspect_err(|error| {
            if !matches!(error, CompanionError::QuotaUsedUp(_)) {
                self.inner.metrics.quota_error();
            }
        })?;
        self.inner.metrics.message_accepted();
        let request = match self.chat_request(user, &conversation, &persona, &text).await {
            Ok(request) => request,
            Err(error) => {
                self.inner.quota.give_back(&taken).await;
                return Err(error);
            }
        };
        let stored = MessageRow {
            id: message_id.clone(),
            conversation_id: conversation.id.clone(),
            role: "user".into(),
            body: text,
            state: "complete".into(),
            provider_message_id: None,
            created_at: self.now_ms(),
        };
        if let Err(error) = self.inner.store.add_message(&stored).await {
            self.inner.quota.give_back(&taken).await;
            return Err(error.into());
        }
        self.inner.metrics.overhead(started.elapsed().as_secs_f64());
        let upstream = match self.inner.provider.chat.stream(request).await {
            Ok(upstream) => upstream,
            Err(error) => {
                self.inner.quota.give_back(&taken).await;
                return Err(upstream_error(error));
            }
        };
        let (sender, receiver) = mpsc::channel(64);
        let reply_id = new_id();
        let _ = sender.try_send(ReplySignal::Start { message_id, reply_id: reply_id.clone() });
        let relay =
            Relay { companion: self.clone(), user_id: user.user_id.clone(), conversation, reply_id, taken, started };
        tokio::spawn(relay.run(upstream, sender));
        Ok(receiver)
    }

    async fn chat_request(
        &self,
        user: &CurrentUser,
        conversation: &ConversationRow,
        persona: &PersonaRow,
        text: &str,
    ) -> Result<ChatRequest> {
        let store = &self.inner.store;
        let entries = store.live_entries(&persona.id).await?;
        let history = if self.inner.provider.chat.keeps_history() && conversation.provider_conversation_id.is_some() {
            Vec::new()
        } else {
            let recent = store.messages(&conversation.id, None, HISTORY_WINDOW).await?;
            let turns = recent
                .into_iter()
                .filter(|message| message.state != "failed" && !message.body.is_empty())
                .map(|message| Turn { role: role_of(&message.role), text: message.body })
                .collect();
            fit_history(turns, self.inner.config.history_token_budget)
        };
        let mut names = vec![persona.name.clone()];
        names.extend(persona.aliases.iter().cloned());
        Ok(ChatRequest {
            persona_id: persona.id.clone(),
            names,
            user_id: user.user_id.clone(),
            character: character_card(persona, &entries),
            history,
            query: text.to_owned(),
            conversation_id: conversation.provider_conversation_id.clone(),
        })
    }
}

fn upstream_error(error: ProviderError) -> CompanionError {
    CompanionError::AiFailed(error.into())
}

impl Relay {
    async fn run(self, mut upstream: crate::provider::ChatStream, sender: mpsc::Sender<ReplySignal>) {
        let mut reply = String::new();
        let mut filter = ReplyFilter::new(&self.companion.inner.platform.safety);
        let mut stopped = false;
        let mut first_token = false;
        let mut task_id = None;
        let mut provider_message_id = None;
        let outcome: Result<(), (String, bool)> = loop {
            let next = tokio::select! {
                () = sender.closed() => break Err(("the reader went away".into(), true)),
                next = upstream.next() => next,
            };
            let signal = match next {
                None => break Err(("the provider's stream ended early".into(), false)),
                Some(Err(error)) => break Err((error.to_string(), false)),
                Some(Ok(ChatEvent::Started { task_id: task, message_id, conversation_id })) => {
                    task_id = task;
                    provider_message_id = message_id;
                    if let Some(id) = conversation_id {
                        self.remember_conversation(&id).await;
                    }
                    continue;
                }
                Some(Ok(ChatEvent::Delta(text))) => {
                    if !first_token {
                        first_token = true;
                        self.companion.inner.metrics.first_token(self.started.elapsed().as_secs_f64());
                    }
                    let (text, done) = match filter.push(&text) {
                        Filtered::Show(text) if text.is_empty() => continue,
                        Filtered::Show(text) => (text, false),
                        Filtered::Stopped(text) => (text, true),
                    };
                    reply.push_str(&text);
                    if done {
                        stopped = true;
                        let _ = sender.send(ReplySignal::Delta { text }).await;
                        break Ok(());
                    }
                    ReplySignal::Delta { text }
                }
                Some(Ok(ChatEvent::Replace(text))) => {
                    let (text, done) = match filter.replace(&text) {
                        Filtered::Show(text) => (text, false),
                        Filtered::Stopped(text) => (text, true),
                    };
                    reply.clone_from(&text);
                    if done {
                        stopped = true;
                        let _ = sender.send(ReplySignal::Replace { text }).await;
                        break Ok(());
                    }
                    ReplySignal::Replace { text }
                }
                Some(Ok(ChatEvent::End { .. })) => {
                    let (Filtered::Show(text) | Filtered::Stopped(text)) = filter.finish();
                    if !text.is_empty() {
                        reply.push_str(&text);
                        let _ = sender.send(ReplySignal::Delta { text }).await;
                    }
                    break Ok(());
                }
            };
            if sender.send(signal).await.is_err() {
                break Err(("the reader went away".into(), true));
            }
        };
        drop(upstream);
        if let Err((_, reader_gone)) = &outcome {
            // What the filter still holds was generated: keep it, and show it if the
            // reader is still there.
            let (Filtered::Show(rest) | Filtered::Stopped(rest)) = filter.finish();
            reply.push_str(&rest);
            if !*reader_gone && !rest.is_empty() {
                let _ = sender.send(ReplySignal::Delta { text: rest }).await;
            }
        }
        filter.record(&self.user_id, &self.reply_id).await;
        let state = match &outcome {
            Ok(()) => "complete",
            Err(_) if !reply.is_empty() => "partial",
            Err(_) => "failed",
        };
        // The reply is stored before the provider is told to stop, so whoever sees the
        // stop also finds the reply.
        self.store_reply(reply, state, provider_message_id).await;
        if stopped {
            tracing::info!(reply = self.reply_id, "reply stopped by the sensitive-word filter");
            self.stop_upstream(task_id.as_deref()).await;
        }
        if let Err((reason, reader_gone)) = &outcome {
            tracing::info!(reply = self.reply_id, reason, state, "reply ended before completion");
            if *reader_gone {
                self.stop_upstream(task_id.as_deref()).await;
            }
            // The provider failed before answering: the message was not served. A reader
            // who leaves has used it (the provider was already working on it).
            if !first_token && !*reader_gone {
                self.companion.inner.quota.give_back(&self.taken).await;
            }
        }
        let last = match outcome {
            Ok(()) => {
                self.companion.inner.metrics.replied();
                ReplySignal::Done { reply_id: self.reply_id.clone() }
            }
            Err((_, _)) => ReplySignal::Failed {
                reply_id: self.reply_id.clone(),
                partial: state == "partial",
                detail: if first_token {
                    "AI 服务中断，回复不完整"
                } else {
                    "AI 服务中断，本条消息已退还额度"
                }
                .into(),
            },
        };
        let _ = sender.send(last).await;
    }

    async fn remember_conversation(&self, provider_id: &str) {
        if self.conversation.provider_conversation_id.is_none() {
            let store = &self.companion.inner.store;
            if let Err(error) = store.set_provider_conversation(&self.conversation.id, provider_id).await {
                tracing::warn!(error = %error, "could not store the provider's conversation id");
            }
        }
    }

    async fn stop_upstream(&self, task_id: Option<&str>) {
        if let Some(task_id) = task_id {
            if let Err(error) = self.companion.inner.provider.chat.stop(task_id, &self.user_id).await {
                tracing::warn!(error = %error, "could not stop the provider's reply");
            }
        }
    }

    async fn store_reply(&self, body: String, state: &str, provider_message_id: Option<String>) {
        let message = MessageRow {
            id: self.reply_id.clone(),
            conversation_id: self.conversation.id.clone(),
            role: "assistant".into(),
            body: body.chars().take(MAX_REPLY_CHARS).collect(),
            state: state.into(),
            provider_message_id,
            created_at: self.companion.now_ms(),
        };
        if let Err(error) = self.companion.inner.store.add_message(&message).await {
            tracing::error!(error = %error, reply = self.reply_id, "could not store a reply");
        }
    }
}

impl Companion {
    /// Stores a thumbs-down on the caller's own reply and forwards it to the provider.
    pub async fn dislike(&self, user_id: &str, reply_id: &str, reason: Option<&str>) -> Result<()> {
        let (message, conversation) = match self.inner.store.message(reply_id).await? {
            Some((message, conversation)) if conversation.user_id == user_id && message.role == "assistant" => {
                (message, conversation)
            }
            _ => return Err(CompanionError::NotFound("reply")),
        };
        let store = &self.inner.store;
        store.dislike(reply_id, user_id, &conversation.persona_id, reason, self.now_ms()).await?;
        if let Some(provider_id) = message.provider_message_id {
            let (chat, user_id, reason) =
                (self.inner.provider.chat.clone(), user_id.to_owned(), reason.map(str::to_owned));
            tokio::spawn(async move {
                if let Err(error) = chat.dislike(&provider_id, &user_id, reason.as_deref()).await {
                    tracing::warn!(error = %error, "could not forward a thumbs-down to the provider");
                }
            });
        }
        Ok(())
    }
}
