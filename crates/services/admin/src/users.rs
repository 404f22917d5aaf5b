//! Users in the console: search by id or nickname; one user's account, ban state,
//! membership, orders, content and the staff actions taken on them.

use axum::{
    extract::{Path, Query, State},
    Json,
};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use yujie_kernel::ApiResult;

use crate::{
    audit::{self, AuditQuery},
    roles::Role,
    session::Staff,
    Admin,
};

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: String,
}

/// Up to 20 users by id or nickname, each with their ban state.
pub async fn search(
    State(admin): State<Admin>,
    staff: Staff,
    Query(query): Query<SearchQuery>,
) -> ApiResult<Json<Value>> {
    staff.require(Role::Moderator)?;
    let peers = &admin.inner.peers;
    let found = peers.identity(Method::GET, &format!("/users?limit=20&q={}", encoded(&query.q)), None).await?;
    let mut users = Vec::new();
    for user in found.as_array().into_iter().flatten() {
        let id = user["id"].as_str().unwrap_or_default();
        let state = peers.identity(Method::GET, &format!("/users/{id}/auth-state"), None).await?;
        users.push(json!({ "user": user, "state": state }));
    }
    Ok(Json(Value::Array(users)))
}

/// One user as staff see them.
pub async fn detail(State(admin): State<Admin>, staff: Staff, Path(user_id): Path<String>) -> ApiResult<Json<Value>> {
    staff.require(Role::Moderator)?;
    let peers = &admin.inner.peers;
    let user = peers.identity(Method::GET, &format!("/users/{user_id}"), None).await?;
    let state = peers.identity(Method::GET, &format!("/users/{user_id}/auth-state"), None).await?;
    let orders = peers.billing(Method::GET, &format!("/orders?user_id={}&limit=20", encoded(&user_id))).await?;
    let content = peers.content(Method::GET, &format!("/users/{user_id}/content"), None).await?;
    let mut counts = serde_json::Map::new();
    for item in content.as_array().into_iter().flatten() {
        let key =
            format!("{}_{}", item["kind"].as_str().unwrap_or("other"), item["state"].as_str().unwrap_or("unknown"));
        let count = counts.get(&key).and_then(Value::as_i64).unwrap_or(0);
        counts.insert(key, json!(count + 1));
    }
    let query = AuditQuery { target_kind: Some("user".into()), target_id: Some(user_id), ..AuditQuery::default() };
    let actions = audit::list(admin.db(), &query, 50).await?;
    Ok(Json(
        json!({ "user": user, "state": state, "orders": orders, "content_counts": counts, "staff_actions": actions }),
    ))
}
