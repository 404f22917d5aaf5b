//! The internal API for the staff console, on every process's staff listener under
//! `/internal/safety`: list, add, remove and import lexicon entries; list hits.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    middleware::from_fn_with_state,
    routing::{delete, get, post},
    Router,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_safety::{Action, Category};

use super::{
    audit::{self, HitQuery, HitView},
    store::{self, WordEntry, WordList},
    Safety,
};
use crate::{
    http::{ApiJson, ApiQuery},
    service::{require_internal_token, InternalTokens},
    text::{user_text, TextKind},
    ApiError, ApiResult,
};

pub fn internal(safety: &Safety, tokens: InternalTokens) -> Router {
    Router::new()
        .route("/words", get(list_words).post(add_word))
        .route("/words/import", post(import_words))
        .route("/words/{word}", delete(remove_word))
        .route("/hits", get(list_hits))
        .with_state(safety.clone())
        .route_layer(from_fn_with_state(tokens, require_internal_token))
}

#[derive(Deserialize)]
struct WordsQuery {
    list: Option<WordList>,
    #[serde(default)]
    after: String,
    limit: Option<i64>,
}

/// A page of the lexicon, in word order.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct WordPage {
    pub items: Vec<WordEntry>,
    /// Pass as `after` for the next page; absent on the last one.
    pub next_after: Option<String>,
}

async fn list_words(
    State(safety): State<Safety>,
    ApiQuery(query): ApiQuery<WordsQuery>,
) -> ApiResult<ApiJson<WordPage>> {
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let items = store::page(safety.db(), query.list, &query.after, limit).await?;
    let next_after = (items.len() as i64 == limit).then(|| items.last().map(|item| item.word.clone())).flatten();
    Ok(ApiJson(WordPage { items, next_after }))
}

#[derive(Deserialize)]
struct NewWord {
    word: String,
    #[serde(default = "deny")]
    list: WordList,
    category: Option<String>,
    action: Option<String>,
    /// The staff member making the change.
    added_by: String,
}

fn deny() -> WordList {
    WordList::Deny
}

fn category(field: &str, raw: Option<&str>) -> ApiResult<Category> {
    let raw = raw.ok_or_else(|| ApiError::invalid_field(field, "is required for a deny word"))?;
    Category::parse(raw.trim())
        .ok_or_else(|| ApiError::invalid_field(field, "must be politics, sexual, gambling, advert, abuse or other"))
}

fn action(field: &str, raw: Option<&str>) -> ApiResult<Action> {
    let raw = raw.ok_or_else(|| ApiError::invalid_field(field, "is required for a deny word"))?;
    Action::parse(raw.trim()).ok_or_else(|| ApiError::invalid_field(field, "must be block, mask or review"))
}

fn word_text(field: &str, raw: &str) -> ApiResult<String> {
    user_text(field, raw, 1, 64, TextKind::Name)
}

fn staff_name(raw: &str) -> ApiResult<String> {
    user_text("added_by", raw, 1, 64, TextKind::Name)
}

/// Builds the entry, checking that the automaton will accept the word (with the
/// options in force, so an accepted word never stops a reload).
fn new_entry(
    safety: &Safety,
    (word, list): (String, WordList),
    rule: Option<(Category, Action)>,
    added_by: &str,
) -> Result<WordEntry, String> {
    if !yujie_safety::Filter::can_match(&word, safety.options()) {
        return Err("has no letters, digits or characters left after normalization".to_owned());
    }
    Ok(WordEntry {
        word,
        list,
        category: rule.map(|(category, _)| category),
        action: rule.map(|(_, action)| action),
        added_by: added_by.to_owned(),
        added_at: crate::clock::millis_to_datetime(safety.now_ms()),
    })
}

async fn add_word(
    State(safety): State<Safety>,
    ApiJson(new): ApiJson<NewWord>,
) -> ApiResult<(StatusCode, ApiJson<WordEntry>)> {
    let word = word_text("word", &new.word)?;
    let added_by = staff_name(&new.added_by)?;
    let rule = match new.list {
        WordList::Deny => {
            Some((category("category", new.category.as_deref())?, action("action", new.action.as_deref())?))
        }
        WordList::Allow => None,
    };
    let entry = new_entry(&safety, (word, new.list), rule, &added_by)
        .map_err(|message| ApiError::invalid_field("word", message))?;
    let added = store::upsert(safety.db(), std::slice::from_ref(&entry)).await?;
    safety.changed().await?;
    if entry.list == WordList::Deny {
        safety.queue_recheck(entry.added_at.timestamp_millis()).await?;
    }
    tracing::info!(list = entry.list.as_str(), added_by, "lexicon entry saved");
    Ok((if added == 1 { StatusCode::CREATED } else { StatusCode::OK }, ApiJson(entry)))
}

async fn remove_word(State(safety): State<Safety>, Path(word): Path<String>) -> ApiResult<StatusCode> {
    if !store::remove(safety.db(), word.trim()).await? {
        return Err(ApiError::not_found("word"));
    }
    safety.changed().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct ImportQuery {
    /// For lines that give only a word.
    category: Option<String>,
    action: Option<String>,
    #[serde(default = "deny")]
    list: WordList,
    added_by: String,
}

/// What an import did.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub added: usize,
    pub replaced: usize,
    /// Lines not imported, with why (1-based line numbers).
    pub skipped: Vec<SkippedLine>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct SkippedLine {
    pub line: usize,
    pub reason: String,
}

/// A `text/plain` body: one word per line, or `word,category,action`. Blank lines and
/// lines starting with `#` are ignored. All valid lines are saved in one transaction.
async fn import_words(
    State(safety): State<Safety>,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: String,
) -> ApiResult<ApiJson<ImportReport>> {
    let added_by = staff_name(&query.added_by)?;
    let default_rule = match (query.list, query.category.as_deref(), query.action.as_deref()) {
        (WordList::Allow, _, _) | (WordList::Deny, None, None) => None,
        (WordList::Deny, category_raw, action_raw) => {
            Some((category("category", category_raw)?, action("action", action_raw)?))
        }
    };
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for (index, line) in body.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match import_line(&safety, line, query.list, default_rule, &added_by) {
            Ok(entry) => entries.push(entry),
            Err(reason) => skipped.push(SkippedLine { line: index + 1, reason }),
        }
    }
    let added = store::upsert(safety.db(), &entries).await?;
    if !entries.is_empty() {
        safety.changed().await?;
    }
    if let Some(first) = entries.iter().filter(|entry| entry.list == WordList::Deny).map(|entry| entry.added_at).min() {
        safety.queue_recheck(first.timestamp_millis()).await?;
    }
    tracing::info!(added, replaced = entries.len() - added, skipped = skipped.len(), added_by, "lexicon imported");
    Ok(ApiJson(ImportReport { added, replaced: entries.len() - added, skipped }))
}

fn import_line(
    safety: &Safety,
    line: &str,
    list: WordList,
    default_rule: Option<(Category, Action)>,
    added_by: &str,
) -> Result<WordEntry, String> {
    let mut parts = line.split([',', '，']).map(str::trim);
    let word = parts.next().unwrap_or_default();
    let word = word_text("word", word).map_err(|error| error.to_string())?;
    let rule = match (list, parts.next(), parts.next()) {
        (WordList::Allow, None, None) => None,
        (WordList::Allow, _, _) => return Err("allow-list lines hold only the word".to_owned()),
        (WordList::Deny, Some(category), Some(action)) => Some((
            Category::parse(category).ok_or_else(|| format!("unknown category {category:?}"))?,
            Action::parse(action).ok_or_else(|| format!("unknown action {action:?}"))?,
        )),
        (WordList::Deny, None, None) => Some(default_rule.ok_or("no category and action on the line or in the query")?),
        (WordList::Deny, _, _) => return Err("expected word or word,category,action".to_owned()),
    };
    if parts.next().is_some() {
        return Err("expected word or word,category,action".to_owned());
    }
    new_entry(safety, (word, list), rule, added_by)
}

/// Hits, newest first.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct HitPage {
    pub items: Vec<HitView>,
    /// Pass as `before` for the next page; absent on the last one.
    pub next_before: Option<String>,
}

async fn list_hits(State(safety): State<Safety>, ApiQuery(query): ApiQuery<HitQuery>) -> ApiResult<ApiJson<HitPage>> {
    let limit = query.limit.unwrap_or(50).clamp(1, 500);
    let items = audit::list(safety.db(), &query, limit).await?;
    let next_before = (items.len() as i64 == limit).then(|| items.last().map(|item| item.id.clone())).flatten();
    Ok(ApiJson(HitPage { items, next_before }))
}
