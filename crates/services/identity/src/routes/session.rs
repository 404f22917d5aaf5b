use axum::{extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_kernel::{auth::CurrentUser, error::Problem, http::ApiJson, ApiResult};

use crate::{sessions::TokenPair, Identity};

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Trades a refresh token for a new pair. Each refresh token works once: presenting a
/// used one revokes its whole session.
#[utoipa::path(post, path = "/auth/refresh", tag = "identity", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn refresh(
    State(identity): State<Identity>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> ApiResult<ApiJson<TokenPair>> {
    Ok(ApiJson(identity.refresh(&request.refresh_token).await?))
}

/// Signs out this session.
#[utoipa::path(post, path = "/auth/logout", tag = "identity", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
pub async fn logout(State(identity): State<Identity>, user: CurrentUser) -> ApiResult<StatusCode> {
    identity.logout(&user.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LogoutAll {
    pub sessions_revoked: usize,
}

/// Signs out every session of the account, on every device.
#[utoipa::path(post, path = "/auth/logout-all", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = LogoutAll), (status = 401, body = Problem)))]
pub async fn logout_all(State(identity): State<Identity>, user: CurrentUser) -> ApiResult<ApiJson<LogoutAll>> {
    let sessions_revoked = identity.logout_all(&user.user_id).await?;
    Ok(ApiJson(LogoutAll { sessions_revoked }))
}
