//! The lexicon's table: deny words with a category and an action, allow-list entries.

use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use utoipa::ToSchema;
use yujie_db::{Db, UnknownValue};
use yujie_safety::{Action, Category, Word};

/// Which list an entry is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WordList {
    /// Filtered: has a category and an action.
    Deny,
    /// 白名单: overrides shorter deny words inside it.
    Allow,
}

impl WordList {
    pub fn as_str(self) -> &'static str {
        match self {
            WordList::Deny => "deny",
            WordList::Allow => "allow",
        }
    }
}

/// One lexicon entry as stored.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct WordEntry {
    pub word: String,
    pub list: WordList,
    /// Deny words only: politics, sexual, gambling, advert, abuse or other.
    #[schema(value_type = Option<String>)]
    pub category: Option<Category>,
    /// Deny words only: block, mask or review.
    #[schema(value_type = Option<String>)]
    pub action: Option<Action>,
    pub added_by: String,
    pub added_at: chrono::DateTime<chrono::Utc>,
}

fn entry(row: &sqlx::any::AnyRow) -> anyhow::Result<WordEntry> {
    let list = match row.try_get::<String, _>("list")?.as_str() {
        "deny" => WordList::Deny,
        "allow" => WordList::Allow,
        other => return Err(UnknownValue::new("safety_words.list", other.to_owned()).into()),
    };
    let category = row
        .try_get::<Option<String>, _>("category")?
        .map(|raw| Category::parse(&raw).ok_or_else(|| UnknownValue::new("safety_words.category", raw)))
        .transpose()?;
    let action = row
        .try_get::<Option<String>, _>("action")?
        .map(|raw| Action::parse(&raw).ok_or_else(|| UnknownValue::new("safety_words.action", raw)))
        .transpose()?;
    Ok(WordEntry {
        word: row.try_get("word")?,
        list,
        category,
        action,
        added_by: row.try_get("added_by")?,
        added_at: crate::clock::millis_to_datetime(row.try_get("added_at")?),
    })
}

/// Every entry, for building the automaton: deny words and allow-list entries.
pub(super) async fn lexicon(db: &Db) -> anyhow::Result<(Vec<Word>, Vec<String>)> {
    let rows = sqlx::query("SELECT word, list, category, action, added_by, added_at FROM safety_words")
        .fetch_all(db.pool())
        .await?;
    let (mut words, mut allow) = (Vec::new(), Vec::new());
    for row in &rows {
        let entry = entry(row)?;
        match (entry.list, entry.category, entry.action) {
            (WordList::Deny, Some(category), Some(action)) => words.push(Word { text: entry.word, category, action }),
            (WordList::Deny, _, _) => anyhow::bail!("deny word without a category or an action"),
            (WordList::Allow, _, _) => allow.push(entry.word),
        }
    }
    Ok((words, allow))
}

/// A page of entries in word order, after `after`.
pub(super) async fn page(db: &Db, list: Option<WordList>, after: &str, limit: i64) -> anyhow::Result<Vec<WordEntry>> {
    let rows = sqlx::query(
        "SELECT word, list, category, action, added_by, added_at FROM safety_words \
         WHERE word > ? AND (? = '' OR list = ?) ORDER BY word LIMIT ?",
    )
    .bind(after)
    .bind(list.map(WordList::as_str).unwrap_or_default())
    .bind(list.map(WordList::as_str).unwrap_or_default())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(entry).collect()
}

/// Adds or replaces entries in one transaction; returns how many were new.
pub(super) async fn upsert(db: &Db, entries: &[WordEntry]) -> anyhow::Result<usize> {
    let mut tx = db.pool().begin().await?;
    let mut added = 0;
    for entry in entries {
        let existed =
            sqlx::query("DELETE FROM safety_words WHERE word = ?").bind(&entry.word).execute(&mut *tx).await?;
        added += usize::from(existed.rows_affected() == 0);
        sqlx::query(
            "INSERT INTO safety_words (word, list, category, action, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&entry.word)
        .bind(entry.list.as_str())
        .bind(entry.category.map(Category::as_str))
        .bind(entry.action.map(Action::as_str))
        .bind(&entry.added_by)
        .bind(entry.added_at.timestamp_millis())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(added)
}

/// Removes one entry; `false` when there was none.
pub(super) async fn remove(db: &Db, word: &str) -> anyhow::Result<bool> {
    let removed = sqlx::query("DELETE FROM safety_words WHERE word = ?").bind(word).execute(db.pool()).await?;
    Ok(removed.rows_affected() > 0)
}
