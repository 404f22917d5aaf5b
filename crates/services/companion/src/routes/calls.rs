use axum::{
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use utoipa::ToSchema;
use yujie_kernel::{auth::CurrentUser, error::Problem, http::ApiJson, ApiError, ApiResult, ErrorCode};

use crate::{
    voice::{callback::Callback, CallView, StartedCall},
    Companion,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCall {
    pub persona_id: String,
}

/// Starts a voice call with a persona (语音通话): checks today's voice seconds, starts the
/// persona's voice agent at the provider, and returns the RTC token for the browser,
/// valid until the seconds run out. One call at a time (409 while one runs).
#[utoipa::path(post, path = "/companion/calls", tag = "companion", request_body = NewCall, security(("bearer" = [])),
    responses((status = 201, body = StartedCall), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 429, body = Problem),
              (status = 502, body = Problem)))]
pub async fn start_call(
    State(companion): State<Companion>,
    user: CurrentUser,
    ApiJson(request): ApiJson<NewCall>,
) -> ApiResult<(StatusCode, ApiJson<StartedCall>)> {
    Ok((StatusCode::CREATED, ApiJson(companion.start_call(&user, &request.persona_id).await?)))
}

/// One of the caller's calls.
#[utoipa::path(get, path = "/companion/calls/{call_id}", tag = "companion", params(("call_id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = CallView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn get_call(
    State(companion): State<Companion>,
    user: CurrentUser,
    Path(call_id): Path<String>,
) -> ApiResult<ApiJson<CallView>> {
    Ok(ApiJson(companion.call_view(&user.user_id, &call_id).await?))
}

/// Keeps a call alive; without one for `companion.heartbeat_timeout_secs` it ends.
#[utoipa::path(post, path = "/companion/calls/{call_id}/heartbeat", tag = "companion",
    params(("call_id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CallView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn heartbeat(
    State(companion): State<Companion>,
    user: CurrentUser,
    Path(call_id): Path<String>,
) -> ApiResult<ApiJson<CallView>> {
    Ok(ApiJson(companion.heartbeat(&user.user_id, &call_id).await?))
}

/// Hangs up; the answer has the seconds accounted. Hanging up an ended call changes
/// nothing.
#[utoipa::path(post, path = "/companion/calls/{call_id}/hangup", tag = "companion",
    params(("call_id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CallView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn hang_up(
    State(companion): State<Companion>,
    user: CurrentUser,
    Path(call_id): Path<String>,
) -> ApiResult<ApiJson<CallView>> {
    Ok(ApiJson(companion.hang_up(&user.user_id, &call_id).await?))
}

/// The voice provider's callback (RunStage events). Verified by its signature over the
/// sorted fields and the callback secret; repeated deliveries (same `EventId`) change
/// nothing.
#[utoipa::path(post, path = "/companion/voice/callback", tag = "companion", request_body = Object,
    responses((status = 200), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn voice_callback(State(companion): State<Companion>, body: Bytes) -> ApiResult<StatusCode> {
    let callback: Callback = serde_json::from_slice(&body).map_err(|error| {
        ApiError::new(ErrorCode::MalformedBody).with_detail(format!("not a voice callback: {error}"))
    })?;
    companion.voice_callback(&callback).await?;
    Ok(StatusCode::OK)
}
