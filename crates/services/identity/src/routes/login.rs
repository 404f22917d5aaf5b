use std::{convert::Infallible, time::Duration};

use axum::{
    extract::{Path, State},
    http::{header, StatusCode},
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use futures::stream::{self, Stream};
use serde::Deserialize;
use utoipa::IntoParams;
use yujie_kernel::{
    error::Problem,
    http::{with_reconnect_hint, ApiBytes, ApiJson, ApiQuery},
    ApiError, ApiResult,
};

use crate::{
    login::{CallbackQuery, LoginQr, LoginStatus},
    Identity,
};

/// Starts a sign-in: a fresh WeChat QR code bound to a new login attempt.
#[utoipa::path(post, path = "/auth/wechat/logins", tag = "identity",
    responses((status = 201, body = LoginQr), (status = 429, body = Problem), (status = 502, body = Problem)))]
pub async fn create_login(State(identity): State<Identity>) -> ApiResult<(StatusCode, ApiJson<LoginQr>)> {
    Ok((StatusCode::CREATED, ApiJson(identity.create_login().await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WaitQuery {
    /// Seconds to hold the request while nothing happens, 0 to 30 (default 25).
    pub timeout_secs: Option<u64>,
}

/// Long-poll: answers as soon as the QR code is scanned (with the tokens), or
/// `pending` after the timeout.
#[utoipa::path(get, path = "/auth/wechat/logins/{login_id}", tag = "identity", params(("login_id" = String, Path), WaitQuery),
    responses((status = 200, body = LoginStatus), (status = 403, description = "the account is banned", body = Problem),
              (status = 404, body = Problem), (status = 410, description = "expired or already used", body = Problem)))]
pub async fn wait_login(
    State(identity): State<Identity>,
    Path(login_id): Path<String>,
    ApiQuery(query): ApiQuery<WaitQuery>,
) -> ApiResult<ApiJson<LoginStatus>> {
    let timeout_secs = query.timeout_secs.unwrap_or(25);
    if timeout_secs > 30 {
        return Err(ApiError::invalid_field("timeout_secs", "must be at most 30"));
    }
    Ok(ApiJson(identity.wait_login(&login_id, Duration::from_secs(timeout_secs)).await?))
}

/// Server-sent events: one `completed` event with the tokens, or one `failed` event
/// with a problem, or `pending` when the QR code's lifetime ends unscanned.
#[utoipa::path(get, path = "/auth/wechat/logins/{login_id}/events", tag = "identity", params(("login_id" = String, Path)),
    responses((status = 200, content_type = "text/event-stream", description = "events `completed`, `failed` or `pending`")))]
pub async fn login_events(
    State(identity): State<Identity>,
    Path(login_id): Path<String>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let max_wait = Duration::from_secs(identity.inner.config.qr_expire_secs + 1);
    let shutdown = identity.inner.platform.shutdown.clone();
    let outcome = stream::once(async move {
        let event = match identity.wait_login(&login_id, max_wait).await {
            Ok(status @ LoginStatus::Completed(_)) => Event::default().event("completed").json_data(status),
            Ok(status @ LoginStatus::Pending { .. }) => Event::default().event("pending").json_data(status),
            Err(error) => Event::default().event("failed").json_data(ApiError::from(error).to_problem()),
        };
        Ok(with_reconnect_hint(event.unwrap_or_else(|_| Event::default().event("failed")), &shutdown))
    });
    Sse::new(outcome).keep_alive(KeepAlive::new().interval(Duration::from_secs(10)))
}

/// WeChat's URL verification: echoes `echostr` when the signature holds.
#[utoipa::path(get, path = "/auth/wechat/callback", tag = "identity", params(CallbackQuery),
    responses((status = 200, content_type = "text/plain"), (status = 403, body = Problem)))]
pub async fn verify_callback_url(
    State(identity): State<Identity>,
    ApiQuery(query): ApiQuery<CallbackQuery>,
) -> ApiResult<String> {
    Ok(identity.verify_callback_url(&query)?)
}

/// WeChat's event push (plain or safe mode). Answers `success` or a passive reply;
/// a forged, stale or undecryptable push is refused with nothing changed.
#[utoipa::path(post, path = "/auth/wechat/callback", tag = "identity", params(CallbackQuery),
    request_body(content = String, content_type = "text/xml"),
    responses((status = 200, content_type = "text/xml"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn receive_callback(
    State(identity): State<Identity>,
    ApiQuery(query): ApiQuery<CallbackQuery>,
    ApiBytes(body): ApiBytes,
) -> ApiResult<Response> {
    let body = std::str::from_utf8(&body).map_err(|_| ApiError::invalid_field("body", "must be UTF-8 XML"))?;
    let reply = identity.handle_callback(&query, body).await?;
    let content_type =
        if reply.starts_with('<') { "application/xml; charset=utf-8" } else { "text/plain; charset=utf-8" };
    Ok(([(header::CONTENT_TYPE, content_type)], reply).into_response())
}
