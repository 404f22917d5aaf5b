//! The sensitive-word lexicon and its hits in the console: moderators read them, admins
//! change the lexicon. Changes go through the lexicon API (which every instance follows
//! within a second), name the staff member as who added the word, and are audited.

use axum::{
    extract::{Path, Query, RawQuery, State},
    Json,
};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use yujie_kernel::{http::ApiJson, ApiResult};

use crate::{
    audit::{self, Action},
    roles::Role,
    session::Staff,
    Admin,
};

/// `GET /safety/words` and `GET /safety/hits`, with the caller's filters passed on.
pub async fn words(State(admin): State<Admin>, staff: Staff, RawQuery(query): RawQuery) -> ApiResult<Json<Value>> {
    staff.require(Role::Moderator)?;
    let path = format!("/words?{}", query.unwrap_or_default());
    Ok(Json(admin.inner.peers.safety(Method::GET, &path, None).await?))
}

pub async fn hits(State(admin): State<Admin>, staff: Staff, RawQuery(query): RawQuery) -> ApiResult<Json<Value>> {
    staff.require(Role::Moderator)?;
    let path = format!("/hits?{}", query.unwrap_or_default());
    Ok(Json(admin.inner.peers.safety(Method::GET, &path, None).await?))
}

#[derive(Deserialize)]
pub struct NewWord {
    word: String,
    list: Option<String>,
    category: Option<String>,
    action: Option<String>,
}

pub async fn add(State(admin): State<Admin>, staff: Staff, ApiJson(new): ApiJson<NewWord>) -> ApiResult<Json<Value>> {
    staff.require(Role::Admin)?;
    let body = json!({ "word": new.word, "list": new.list.as_deref().unwrap_or("deny"), "category": new.category,
                       "action": new.action, "added_by": staff.name });
    let saved = admin.inner.peers.safety(Method::POST, "/words", Some(&body)).await?;
    let action = Action {
        action: "lexicon_add",
        target_kind: "word",
        target_id: &new.word,
        reason: None,
        before: None,
        after: Some(saved.clone()),
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(saved))
}

pub async fn remove(State(admin): State<Admin>, staff: Staff, Path(word): Path<String>) -> ApiResult<Json<Value>> {
    staff.require(Role::Admin)?;
    let path = format!("/words/{}", url::form_urlencoded::byte_serialize(word.as_bytes()).collect::<String>());
    admin.inner.peers.safety(Method::DELETE, &path, None).await?;
    let action = Action {
        action: "lexicon_remove",
        target_kind: "word",
        target_id: &word,
        reason: None,
        before: None,
        after: None,
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(json!({ "removed": word })))
}

#[derive(Deserialize)]
pub struct ImportQuery {
    category: Option<String>,
    action: Option<String>,
    list: Option<String>,
}

/// A `text/plain` list: one word per line, or `word,category,action`.
pub async fn import(
    State(admin): State<Admin>,
    staff: Staff,
    Query(query): Query<ImportQuery>,
    text: String,
) -> ApiResult<Json<Value>> {
    staff.require(Role::Admin)?;
    let query_string = {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        pairs.append_pair("added_by", &staff.name);
        for (key, value) in [("category", &query.category), ("action", &query.action), ("list", &query.list)] {
            if let Some(value) = value {
                pairs.append_pair(key, value);
            }
        }
        pairs.finish()
    };
    let report = admin.inner.peers.safety_import(&query_string, text).await?;
    let action = Action {
        action: "lexicon_import",
        target_kind: "lexicon",
        target_id: "import",
        reason: None,
        before: None,
        after: Some(report.clone()),
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(report))
}
