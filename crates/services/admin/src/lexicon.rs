//! The sensitive-word lexicon and its hits in the console: moderators read them, admins
//! change the lexicon. Changes go through the lexicon API (which every instance follows
//! within a second), name the staff member as who added the word, and are audited.

use axum::{
    extract::{Path, Query, State},
    Json,
};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;
use yujie_kernel::{
    http::ApiJson,
    safety::{
        routes::{HitPage, ImportReport, WordPage},
        WordEntry,
    },
    ApiResult,
};

use crate::{
    audit::{self, Action},
    peers::{decode, encoded},
    roles::Role,
    session::Staff,
    views::{NewWord, RemovedWord},
    Admin,
};

/// A query string of the values given.
fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if let Some(value) = value {
            query.append_pair(key, value);
        }
    }
    query.finish()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WordsQuery {
    /// deny or allow; both when absent.
    list: Option<String>,
    /// The `next_after` of the previous page.
    after: Option<String>,
    /// 1 to 1000; 100 when absent.
    limit: Option<i64>,
}

/// The lexicon in word order, paged by `after`.
#[utoipa::path(get, path = "/safety/words", tag = "safety", params(WordsQuery), security(("staff_session" = [])),
    responses((status = 200, body = WordPage)))]
pub async fn words(
    State(admin): State<Admin>,
    staff: Staff,
    Query(query): Query<WordsQuery>,
) -> ApiResult<Json<WordPage>> {
    staff.require(Role::Moderator)?;
    let limit = query.limit.map(|limit| limit.to_string());
    let path = format!("/words?{}", query_string(&[("list", query.list), ("after", query.after), ("limit", limit)]));
    Ok(Json(decode(admin.inner.peers.safety(Method::GET, &path, None).await?, "the lexicon")?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HitsQuery {
    /// post, comment, nickname, persona, entry, report, chat_message or chat_reply.
    place: Option<String>,
    category: Option<String>,
    action: Option<String>,
    user_id: Option<String>,
    /// The `next_before` of the previous page.
    before: Option<String>,
    /// 1 to 500; 50 when absent.
    limit: Option<i64>,
}

/// Sensitive-word hits, newest first.
#[utoipa::path(get, path = "/safety/hits", tag = "safety", params(HitsQuery), security(("staff_session" = [])),
    responses((status = 200, body = HitPage)))]
pub async fn hits(
    State(admin): State<Admin>,
    staff: Staff,
    Query(query): Query<HitsQuery>,
) -> ApiResult<Json<HitPage>> {
    staff.require(Role::Moderator)?;
    let limit = query.limit.map(|limit| limit.to_string());
    let pairs = [
        ("place", query.place),
        ("category", query.category),
        ("action", query.action),
        ("user_id", query.user_id),
        ("before", query.before),
        ("limit", limit),
    ];
    let path = format!("/hits?{}", query_string(&pairs));
    Ok(Json(decode(admin.inner.peers.safety(Method::GET, &path, None).await?, "safety hits")?))
}

/// Adds a word, or replaces its rule.
#[utoipa::path(post, path = "/safety/words", tag = "safety", request_body = NewWord, security(("staff_session" = [])),
    responses((status = 200, body = WordEntry)))]
pub async fn add(
    State(admin): State<Admin>,
    staff: Staff,
    ApiJson(new): ApiJson<NewWord>,
) -> ApiResult<Json<WordEntry>> {
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
    Ok(Json(decode(saved, "a lexicon entry")?))
}

#[utoipa::path(delete, path = "/safety/words/{word}", tag = "safety", params(("word" = String, Path)),
    security(("staff_session" = [])), responses((status = 200, body = RemovedWord)))]
pub async fn remove(
    State(admin): State<Admin>,
    staff: Staff,
    Path(word): Path<String>,
) -> ApiResult<Json<RemovedWord>> {
    staff.require(Role::Admin)?;
    let path = format!("/words/{}", encoded(&word));
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
    Ok(Json(RemovedWord { removed: word }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// For lines that give only a word.
    category: Option<String>,
    /// For lines that give only a word.
    action: Option<String>,
    /// deny (the default) or allow.
    list: Option<String>,
}

/// A `text/plain` list: one word per line, or `word,category,action`.
#[utoipa::path(post, path = "/safety/words/import", tag = "safety", params(ImportQuery),
    request_body(content = String, content_type = "text/plain"), security(("staff_session" = [])),
    responses((status = 200, body = ImportReport)))]
pub async fn import(
    State(admin): State<Admin>,
    staff: Staff,
    Query(query): Query<ImportQuery>,
    text: String,
) -> ApiResult<Json<ImportReport>> {
    staff.require(Role::Admin)?;
    let pairs = [
        ("added_by", Some(staff.name.clone())),
        ("category", query.category),
        ("action", query.action),
        ("list", query.list),
    ];
    let report = admin.inner.peers.safety_import(&query_string(&pairs), text).await?;
    let action = Action {
        action: "lexicon_import",
        target_kind: "lexicon",
        target_id: "import",
        reason: None,
        before: None,
        after: Some(report.clone()),
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(decode(report, "an import report")?))
}
