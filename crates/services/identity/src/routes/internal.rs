//! The internal API other services (and staff tools) call; never on the public listener.

use axum::{
    extract::{Path, State},
    middleware::from_fn_with_state,
    routing::{get, post, put},
    Router,
};
use serde::{Deserialize, Serialize};
use yujie_kernel::{
    auth::{AuthStateSource as _, UserAuthState},
    http::{ApiJson, ApiQuery},
    service::{require_internal_token, InternalTokens},
    ApiError, ApiResult,
};

use crate::{
    client::{
        BanRequest, BriefsRequest, Done, ExtendMembership, IdentityClient as _, MembershipEnd, MembershipRequest,
        UserBrief,
    },
    domain::BanReason,
    profile::Me,
    Identity,
};

pub fn internal(identity: &Identity) -> Router {
    let tokens = InternalTokens::of(&identity.inner.platform.config.internal);
    Router::new()
        .route("/users", get(search))
        .route("/users/briefs", post(briefs))
        .route("/users/{user_id}", get(user))
        .route("/users/{user_id}/auth-state", get(auth_state))
        .route("/users/{user_id}/ban", put(ban).delete(unban))
        .route("/users/{user_id}/membership", put(membership))
        .route("/users/{user_id}/membership/extensions", post(extend_membership))
        .route("/sessions/{session_id}", get(session))
        .with_state(identity.clone())
        .route_layer(from_fn_with_state(tokens, require_internal_token))
}

async fn user(State(identity): State<Identity>, Path(user_id): Path<String>) -> ApiResult<ApiJson<Me>> {
    Ok(ApiJson(identity.me_by_id(&user_id).await?))
}

#[derive(Deserialize)]
struct SearchQuery {
    q: String,
    limit: Option<i64>,
}

async fn search(
    State(identity): State<Identity>,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> ApiResult<ApiJson<Vec<Me>>> {
    let q = query.q.trim();
    if q.is_empty() || q.chars().count() > 64 {
        return Err(ApiError::invalid_field("q", "must be 1 to 64 characters"));
    }
    Ok(ApiJson(identity.search(q, query.limit.unwrap_or(20).clamp(1, 100)).await?))
}

async fn briefs(
    State(identity): State<Identity>,
    ApiJson(request): ApiJson<BriefsRequest>,
) -> ApiResult<ApiJson<Vec<UserBrief>>> {
    if request.ids.len() > 500 {
        return Err(ApiError::invalid_field("ids", "at most 500 ids per request"));
    }
    Ok(ApiJson(identity.briefs(&request.ids).await?))
}

async fn auth_state(
    State(identity): State<Identity>,
    Path(user_id): Path<String>,
) -> ApiResult<ApiJson<UserAuthState>> {
    let state = identity.inner.auth_state.user_state(&user_id).await?;
    state.map(ApiJson).ok_or_else(|| ApiError::not_found("user"))
}

#[derive(Serialize)]
struct SessionState {
    active: bool,
}

async fn session(State(identity): State<Identity>, Path(session_id): Path<String>) -> ApiResult<ApiJson<SessionState>> {
    let active = identity.inner.auth_state.session_active(&session_id).await?;
    Ok(ApiJson(SessionState { active }))
}

fn found(done: bool) -> ApiResult<ApiJson<Done>> {
    if done {
        Ok(ApiJson(Done { done }))
    } else {
        Err(ApiError::not_found("user"))
    }
}

async fn ban(
    State(identity): State<Identity>,
    Path(user_id): Path<String>,
    ApiJson(request): ApiJson<BanRequest>,
) -> ApiResult<ApiJson<Done>> {
    BanReason::parse(&request.reason)?;
    if request.until.is_some_and(|until| until.timestamp_millis() <= identity.now_ms()) {
        return Err(ApiError::invalid_field("until", "must be in the future"));
    }
    found(identity.ban(&user_id, &request).await?)
}

async fn unban(State(identity): State<Identity>, Path(user_id): Path<String>) -> ApiResult<ApiJson<Done>> {
    found(identity.unban(&user_id).await?)
}

async fn membership(
    State(identity): State<Identity>,
    Path(user_id): Path<String>,
    ApiJson(request): ApiJson<MembershipRequest>,
) -> ApiResult<ApiJson<Done>> {
    found(identity.set_membership(&user_id, &request).await?)
}

async fn extend_membership(
    State(identity): State<Identity>,
    Path(user_id): Path<String>,
    ApiJson(request): ApiJson<ExtendMembership>,
) -> ApiResult<ApiJson<MembershipEnd>> {
    if !(1..=64).contains(&request.grant_key.len()) {
        return Err(ApiError::invalid_field("grant_key", "must be 1 to 64 characters"));
    }
    if !(1..=3660).contains(&request.period_days) {
        return Err(ApiError::invalid_field("period_days", "must be 1 to 3660"));
    }
    let until = identity.grant_membership(&user_id, request.period_days, &request.grant_key).await?;
    let until = until.ok_or_else(|| ApiError::not_found("user"))?;
    Ok(ApiJson(MembershipEnd { member_until: yujie_kernel::clock::millis_to_datetime(until) }))
}
