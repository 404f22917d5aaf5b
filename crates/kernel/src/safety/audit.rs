//! The audit of hits: where, which word and category, the action taken, and whose text.

use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use utoipa::{IntoParams, ToSchema};
use yujie_db::Db;
use yujie_safety::{Action, Category, Filter, Hit};

use super::Place;

/// One hit about to be recorded.
pub(super) struct HitRecord {
    pub place: Place,
    pub field: String,
    pub item_id: Option<String>,
    pub user_id: Option<String>,
    pub word: String,
    pub category: Category,
    pub action: Action,
}

impl HitRecord {
    pub fn new(
        place: Place,
        field: &str,
        filter: &Filter,
        hit: &Hit,
        action: Action,
        user_id: Option<&str>,
        item_id: Option<&str>,
    ) -> Self {
        Self {
            place,
            field: field.to_owned(),
            item_id: item_id.map(str::to_owned),
            user_id: user_id.map(str::to_owned),
            word: filter.word(hit.word).text.clone(),
            category: hit.category,
            action,
        }
    }
}

pub(super) async fn insert(db: &Db, records: &[HitRecord], now: i64) -> anyhow::Result<()> {
    for record in records {
        sqlx::query(
            "INSERT INTO safety_hits (id, place, item_id, field, user_id, word, category, action, occurred_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(crate::ids::new_id())
        .bind(record.place.as_str())
        .bind(&record.item_id)
        .bind(&record.field)
        .bind(&record.user_id)
        .bind(&record.word)
        .bind(record.category.as_str())
        .bind(record.action.as_str())
        .bind(now)
        .execute(db.pool())
        .await?;
    }
    Ok(())
}

/// Filters for the hit list; all optional.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HitQuery {
    /// post, comment, nickname, persona, entry, report, chat_message or chat_reply.
    pub place: Option<String>,
    pub category: Option<String>,
    pub action: Option<String>,
    pub user_id: Option<String>,
    /// The `next_before` of the previous page.
    pub before: Option<String>,
    pub limit: Option<i64>,
}

/// One recorded hit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HitView {
    pub id: String,
    pub place: String,
    pub item_id: Option<String>,
    pub field: String,
    pub user_id: Option<String>,
    pub word: String,
    pub category: String,
    pub action: String,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
}

/// Hits newest first, after the `before` id (ids are time-ordered).
pub(super) async fn list(db: &Db, query: &HitQuery, limit: i64) -> anyhow::Result<Vec<HitView>> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let before = query.before.clone().filter(|before| !before.is_empty()).unwrap_or_else(|| "~".to_owned());
    let rows = sqlx::query(
        "SELECT id, place, item_id, field, user_id, word, category, action, occurred_at FROM safety_hits \
         WHERE id < ? AND (? = '' OR place = ?) AND (? = '' OR category = ?) AND (? = '' OR action = ?) \
         AND (? = '' OR user_id = ?) ORDER BY id DESC LIMIT ?",
    )
    .bind(before)
    .bind(text(&query.place))
    .bind(text(&query.place))
    .bind(text(&query.category))
    .bind(text(&query.category))
    .bind(text(&query.action))
    .bind(text(&query.action))
    .bind(text(&query.user_id))
    .bind(text(&query.user_id))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(HitView {
                id: row.try_get("id")?,
                place: row.try_get("place")?,
                item_id: row.try_get("item_id")?,
                field: row.try_get("field")?,
                user_id: row.try_get("user_id")?,
                word: row.try_get("word")?,
                category: row.try_get("category")?,
                action: row.try_get("action")?,
                occurred_at: crate::clock::millis_to_datetime(row.try_get("occurred_at")?),
            })
        })
        .collect()
}
