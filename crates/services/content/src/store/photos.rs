use yujie_kernel::{ApiError, ApiResult};

use std::collections::BTreeMap;

use super::{personas::set_removed, ChangeTx, ContentStore};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PhotoRow {
    pub id: String,
    pub persona_id: String,
    pub author_id: String,
    /// A JSON object: rendition name → object key.
    pub object_keys: String,
    pub width: i64,
    pub height: i64,
    pub created_at: i64,
    pub removed_at: Option<i64>,
}

impl PhotoRow {
    pub fn keys(&self) -> ApiResult<BTreeMap<String, String>> {
        ApiError::decode_stored("photos.object_keys", &self.object_keys)
    }
}

const COLUMNS: &str = "id, persona_id, author_id, object_keys, width, height, created_at, removed_at";

impl ContentStore {
    pub async fn photo(&self, id: &str) -> sqlx::Result<Option<PhotoRow>> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM persona_photos WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// The live photos of a persona, oldest first.
    pub async fn photos_of(&self, persona_id: &str) -> sqlx::Result<Vec<PhotoRow>> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM persona_photos WHERE persona_id = ? AND removed_at IS NULL ORDER BY created_at, id"
        ))
        .bind(persona_id)
        .fetch_all(self.pool())
        .await
    }

    /// Live photos by id (for list covers); removed ones are left out.
    pub async fn photos_by_ids(&self, ids: &[String]) -> sqlx::Result<Vec<PhotoRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM persona_photos WHERE removed_at IS NULL AND id IN ({})",
            yujie_db::placeholders(ids.len())
        );
        let mut query = sqlx::query_as(&sql);
        for id in ids {
            query = query.bind(id);
        }
        query.fetch_all(self.pool()).await
    }

    pub async fn insert_photo(&self, tx: &mut ChangeTx, row: &PhotoRow) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO persona_photos (id, persona_id, author_id, object_keys, width, height, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&row.id)
        .bind(&row.persona_id)
        .bind(&row.author_id)
        .bind(&row.object_keys)
        .bind(row.width)
        .bind(row.height)
        .bind(row.created_at)
        .execute(tx.conn())
        .await?;
        Ok(())
    }

    /// Deletes a photo if `author_id` uploaded it (live or not: an uploader may delete
    /// a photo staff removed), and unsets it as a cover.
    pub async fn delete_photo(&self, tx: &mut ChangeTx, id: &str, author_id: &str) -> sqlx::Result<bool> {
        let deleted = sqlx::query("DELETE FROM persona_photos WHERE id = ? AND author_id = ?")
            .bind(id)
            .bind(author_id)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if deleted == 1 {
            sqlx::query("UPDATE personas SET cover_photo_id = NULL WHERE cover_photo_id = ?")
                .bind(id)
                .execute(tx.conn())
                .await?;
        }
        Ok(deleted == 1)
    }

    pub async fn set_photo_removed(
        &self,
        tx: &mut ChangeTx,
        id: &str,
        removal: Option<(&str, i64)>,
    ) -> sqlx::Result<bool> {
        set_removed(tx.conn(), "persona_photos", id, removal).await
    }
}
