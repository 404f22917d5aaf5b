use yujie_kernel::{ApiError, ApiResult};

use super::{ChangeTx, ContentStore};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonaRow {
    pub id: String,
    pub name: String,
    /// A JSON array of strings.
    pub aliases: String,
    pub cover_photo_id: Option<String>,
    pub creator_id: String,
    pub popularity: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub removed_at: Option<i64>,
}

impl PersonaRow {
    pub fn alias_list(&self) -> ApiResult<Vec<String>> {
        ApiError::decode_stored("personas.aliases", &self.aliases)
    }
}

const COLUMNS: &str = "id, name, aliases, cover_photo_id, creator_id, popularity, created_at, updated_at, removed_at";

/// How personas are listed; clients name it in `?sort=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PersonaSort {
    /// By popularity, then newest.
    #[default]
    Popular,
    #[serde(rename = "new")]
    Newest,
}

impl ContentStore {
    pub async fn persona(&self, id: &str) -> sqlx::Result<Option<PersonaRow>> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM personas WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn personas_by_ids(&self, ids: &[String]) -> sqlx::Result<Vec<PersonaRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM personas WHERE removed_at IS NULL AND id IN ({}) ORDER BY popularity DESC, id DESC",
            yujie_db::placeholders(ids.len())
        );
        let mut query = sqlx::query_as(&sql);
        for id in ids {
            query = query.bind(id);
        }
        query.fetch_all(self.pool()).await
    }

    /// One page of live personas, `limit + 1` rows so the caller knows if more follow.
    pub async fn list_personas(
        &self,
        sort: PersonaSort,
        after: Option<&(i64, String)>,
        limit: i64,
    ) -> sqlx::Result<Vec<PersonaRow>> {
        let (key, order) = match sort {
            PersonaSort::Popular => ("popularity", "popularity DESC, id DESC"),
            PersonaSort::Newest => ("created_at", "created_at DESC, id DESC"),
        };
        let page = match after {
            Some(_) => format!("AND ({key} < ? OR ({key} = ? AND id < ?))"),
            None => String::new(),
        };
        let sql = format!("SELECT {COLUMNS} FROM personas WHERE removed_at IS NULL {page} ORDER BY {order} LIMIT ?");
        let mut query = sqlx::query_as(&sql);
        if let Some((key, id)) = after {
            query = query.bind(*key).bind(*key).bind(id.clone());
        }
        query.bind(limit + 1).fetch_all(self.pool()).await
    }

    pub async fn insert_persona(&self, tx: &mut ChangeTx, row: &PersonaRow, grams: &[String]) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO personas (id, name, aliases, cover_photo_id, creator_id, popularity, created_at, updated_at) \
             VALUES (?, ?, ?, NULL, ?, 0, ?, ?)",
        )
        .bind(&row.id)
        .bind(&row.name)
        .bind(&row.aliases)
        .bind(&row.creator_id)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(tx.conn())
        .await?;
        replace_grams(tx, &row.id, grams).await
    }

    /// Updates the base fields if `creator_id` still created a live persona `id`.
    pub async fn update_persona_base(
        &self,
        tx: &mut ChangeTx,
        row: &PersonaRow,
        grams: &[String],
    ) -> sqlx::Result<bool> {
        let updated = sqlx::query(
            "UPDATE personas SET name = ?, aliases = ?, cover_photo_id = ?, updated_at = ? \
             WHERE id = ? AND creator_id = ? AND removed_at IS NULL",
        )
        .bind(&row.name)
        .bind(&row.aliases)
        .bind(&row.cover_photo_id)
        .bind(row.updated_at)
        .bind(&row.id)
        .bind(&row.creator_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if updated == 1 {
            replace_grams(tx, &row.id, grams).await?;
        }
        Ok(updated == 1)
    }

    /// Adds `delta` to a persona's popularity within a write.
    pub async fn bump_popularity(&self, tx: &mut ChangeTx, persona_id: &str, delta: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE personas SET popularity = popularity + ? WHERE id = ?")
            .bind(delta)
            .bind(persona_id)
            .execute(tx.conn())
            .await?;
        Ok(())
    }

    /// Staff removal (`Some(reason)`) or restore (`None`); true if it changed state.
    pub async fn set_persona_removed(
        &self,
        tx: &mut ChangeTx,
        id: &str,
        removal: Option<(&str, i64)>,
    ) -> sqlx::Result<bool> {
        set_removed(tx.conn(), "personas", id, removal).await
    }
}

/// Sets or clears the staff-removal mark of a row of `table`; true if it changed.
pub(super) async fn set_removed(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    id: &str,
    removal: Option<(&str, i64)>,
) -> sqlx::Result<bool> {
    let result = match removal {
        Some((reason, now)) => {
            sqlx::query(&format!(
                "UPDATE {table} SET removed_at = ?, removal_reason = ? WHERE id = ? AND removed_at IS NULL"
            ))
            .bind(now)
            .bind(reason)
            .bind(id)
            .execute(&mut *conn)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "UPDATE {table} SET removed_at = NULL, removal_reason = NULL WHERE id = ? AND removed_at IS NOT NULL"
            ))
            .bind(id)
            .execute(&mut *conn)
            .await?
        }
    };
    Ok(result.rows_affected() == 1)
}

async fn replace_grams(tx: &mut ChangeTx, persona_id: &str, grams: &[String]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM persona_search_grams WHERE persona_id = ?").bind(persona_id).execute(tx.conn()).await?;
    for chunk in grams.chunks(200) {
        let values = vec!["(?, ?)"; chunk.len()].join(", ");
        let sql = format!("INSERT INTO persona_search_grams (gram, persona_id) VALUES {values}");
        let mut query = sqlx::query(&sql);
        for gram in chunk {
            query = query.bind(gram).bind(persona_id);
        }
        query.execute(tx.conn()).await?;
    }
    Ok(())
}
