//! Users in the console: search by id or nickname; one user's account, ban state,
//! membership, orders, content and the staff actions taken on them.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, Query, State},
    Json,
};
use reqwest::Method;
use serde::Deserialize;
use utoipa::IntoParams;
use yujie_kernel::ApiResult;

use crate::{
    audit::{self, AuditQuery},
    peers::{decode, encoded},
    roles::Role,
    session::Staff,
    views::{OrderSummary, UserDetail, UserItem, UserMatch, UserSummary},
    Admin,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// A user id, or part of a nickname.
    q: String,
}

/// Up to 20 users by id or nickname, each with their ban state.
#[utoipa::path(get, path = "/users", tag = "users", params(SearchQuery), security(("staff_session" = [])),
    responses((status = 200, body = Vec<UserMatch>)))]
pub async fn search(
    State(admin): State<Admin>,
    staff: Staff,
    Query(query): Query<SearchQuery>,
) -> ApiResult<Json<Vec<UserMatch>>> {
    staff.require(Role::Moderator)?;
    let peers = &admin.inner.peers;
    let found = peers.identity(Method::GET, &format!("/users?limit=20&q={}", encoded(&query.q)), None).await?;
    let found: Vec<UserSummary> = decode(found, "the users found")?;
    let mut users = Vec::with_capacity(found.len());
    for user in found {
        let state = peers.identity(Method::GET, &format!("/users/{}/auth-state", encoded(&user.id)), None).await?;
        users.push(UserMatch { user, state: decode(state, "a ban")? });
    }
    Ok(Json(users))
}

/// One user as staff see them.
#[utoipa::path(get, path = "/users/{user_id}", tag = "users", params(("user_id" = String, Path)),
    security(("staff_session" = [])), responses((status = 200, body = UserDetail)))]
pub async fn detail(
    State(admin): State<Admin>,
    staff: Staff,
    Path(user_id): Path<String>,
) -> ApiResult<Json<UserDetail>> {
    staff.require(Role::Moderator)?;
    let peers = &admin.inner.peers;
    let id = encoded(&user_id);
    let user = decode(peers.identity(Method::GET, &format!("/users/{id}"), None).await?, "a user")?;
    let state = decode(peers.identity(Method::GET, &format!("/users/{id}/auth-state"), None).await?, "a ban")?;
    let orders: Vec<OrderSummary> =
        decode(peers.billing(Method::GET, &format!("/orders?user_id={id}&limit=20")).await?, "orders")?;
    let items: Vec<UserItem> =
        decode(peers.content(Method::GET, &format!("/users/{id}/content"), None).await?, "content")?;
    let mut content_counts = BTreeMap::new();
    for item in items {
        *content_counts.entry(format!("{}_{}", item.kind, item.state)).or_insert(0) += 1;
    }
    let query = AuditQuery { target_kind: Some("user".into()), target_id: Some(user_id), ..AuditQuery::default() };
    let staff_actions = audit::list(admin.db(), &query, 50).await?;
    Ok(Json(UserDetail { user, state, orders, content_counts, staff_actions }))
}
