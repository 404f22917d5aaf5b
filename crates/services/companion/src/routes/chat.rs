use std::convert::Infallible;

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::sse::{Event, KeepAlive, Sse},
};
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt as _};
use serde::{Deserialize, Serialize};
use tokio_stream::wrappers::ReceiverStream;
use utoipa::{IntoParams, ToSchema};
use yujie_kernel::{
    auth::CurrentUser,
    clock::millis_to_datetime,
    error::Problem,
    http::{ApiJson, ApiQuery},
    text::{user_text, TextKind},
    ApiError, ApiResult,
};

use crate::{
    quota::QuotaView,
    store::{ConversationRow, MessageRow},
    Companion,
};

/// Today's messages and voice seconds left, and when they reset.
#[utoipa::path(get, path = "/companion/quota", tag = "companion", security(("bearer" = [])),
    responses((status = 200, body = QuotaView), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn quota(State(companion): State<Companion>, user: CurrentUser) -> ApiResult<ApiJson<QuotaView>> {
    Ok(ApiJson(companion.inner.quota.view(&user).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationView {
    pub id: String,
    pub persona_id: String,
    pub created_at: DateTime<Utc>,
}

fn conversation_view(row: ConversationRow) -> ConversationView {
    ConversationView { id: row.id, persona_id: row.persona_id, created_at: millis_to_datetime(row.created_at) }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConversationQuery {
    /// Only the conversations with this persona.
    pub persona_id: Option<String>,
}

/// The caller's conversations, newest first (the old ones stay readable).
#[utoipa::path(get, path = "/companion/conversations", tag = "companion", params(ConversationQuery),
    security(("bearer" = [])),
    responses((status = 200, body = [ConversationView]), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn conversations(
    State(companion): State<Companion>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ConversationQuery>,
) -> ApiResult<ApiJson<Vec<ConversationView>>> {
    let rows = companion.inner.store.conversations(&user.user_id, query.persona_id.as_deref()).await?;
    Ok(ApiJson(rows.into_iter().map(conversation_view).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConversation {
    pub persona_id: String,
}

/// Starts a new conversation with a persona (重新开始); earlier ones are kept.
#[utoipa::path(post, path = "/companion/conversations", tag = "companion", request_body = NewConversation,
    security(("bearer" = [])),
    responses((status = 201, body = ConversationView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn start_conversation(
    State(companion): State<Companion>,
    user: CurrentUser,
    ApiJson(request): ApiJson<NewConversation>,
) -> ApiResult<(StatusCode, ApiJson<ConversationView>)> {
    let row = companion.start_conversation(&user.user_id, &request.persona_id).await?;
    Ok((StatusCode::CREATED, ApiJson(conversation_view(row))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: String,
    /// `user` or `assistant`.
    pub role: String,
    pub text: String,
    /// `complete`, `partial` (the reader left or the provider broke off) or `failed`.
    pub state: String,
    pub created_at: DateTime<Utc>,
}

fn message_view(row: MessageRow) -> MessageView {
    MessageView {
        id: row.id,
        role: row.role,
        text: row.body,
        state: row.state,
        created_at: millis_to_datetime(row.created_at),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagesQuery {
    /// Messages created before this time (the last page's oldest `created_at`).
    pub before: Option<DateTime<Utc>>,
    /// 1 to 100, default 30.
    pub limit: Option<i64>,
}

/// A conversation's messages, newest first.
#[utoipa::path(get, path = "/companion/conversations/{conversation_id}/messages", tag = "companion",
    params(("conversation_id" = String, Path), MessagesQuery), security(("bearer" = [])),
    responses((status = 200, body = [MessageView]), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn messages(
    State(companion): State<Companion>,
    user: CurrentUser,
    Path(conversation_id): Path<String>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> ApiResult<ApiJson<Vec<MessageView>>> {
    let limit = query.limit.unwrap_or(30);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "must be 1 to 100"));
    }
    let conversation = companion.own_conversation(&user.user_id, &conversation_id).await?;
    let before = query.before.map(|before| before.timestamp_millis());
    let rows = companion.inner.store.messages(&conversation.id, before, limit).await?;
    Ok(ApiJson(rows.into_iter().map(message_view).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// 1 to `companion.max_message_chars` characters.
    pub text: String,
}

/// Sends a message and streams the reply as server-sent events, one JSON object per
/// `reply` event: `start`, then `delta`s (and perhaps a `replace`), then `done` or
/// `failed`. Takes one message from today's quota (429 `quota_exceeded` with
/// `resets_at` when none is left); a provider failure before the first token gives it
/// back. Closing the stream stops the reply; what arrived is kept as `partial`.
#[utoipa::path(post, path = "/companion/conversations/{conversation_id}/messages", tag = "companion",
    params(("conversation_id" = String, Path)), request_body = NewMessage, security(("bearer" = [])),
    responses((status = 200, content_type = "text/event-stream", description = "`reply` events"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem), (status = 429, body = Problem), (status = 502, body = Problem)))]
pub async fn send_message(
    State(companion): State<Companion>,
    user: CurrentUser,
    Path(conversation_id): Path<String>,
    ApiJson(request): ApiJson<NewMessage>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let receiver = companion.send(&user, &conversation_id, &request.text).await?;
    let events = ReceiverStream::new(receiver).map(|signal| {
        Ok(Event::default().event("reply").json_data(signal).unwrap_or_else(|_| Event::default().event("reply")))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(10))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dislike {
    /// Why the reply was bad, up to 500 characters.
    pub reason: Option<String>,
}

/// 点踩: a thumbs-down on one of the persona's replies, with an optional reason. A
/// second one replaces the reason.
#[utoipa::path(post, path = "/companion/replies/{reply_id}/dislike", tag = "companion",
    params(("reply_id" = String, Path)), request_body = Dislike, security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn dislike(
    State(companion): State<Companion>,
    user: CurrentUser,
    Path(reply_id): Path<String>,
    ApiJson(request): ApiJson<Dislike>,
) -> ApiResult<StatusCode> {
    let reason = match request.reason.as_deref() {
        Some(reason) if !reason.trim().is_empty() => Some(user_text("reason", reason, 1, 500, TextKind::Multiline)?),
        _ => None,
    };
    companion.dislike(&user.user_id, &reply_id, reason.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}
