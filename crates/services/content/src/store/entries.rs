use super::{personas::set_removed, ChangeTx, ContentStore};
use crate::domain::{EntryFields, Section, StoredWorkKind};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryRow {
    pub id: String,
    pub persona_id: String,
    #[sqlx(try_from = "String")]
    pub section: Section,
    pub author_id: String,
    #[sqlx(try_from = "Option<String>")]
    pub work_kind: StoredWorkKind,
    pub title: Option<String>,
    pub body: Option<String>,
    pub year: Option<i64>,
    pub occurred_on: Option<String>,
    pub role: Option<String>,
    pub issuer: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub removed_at: Option<i64>,
}

const COLUMNS: &str = "id, persona_id, section, author_id, work_kind, title, body, year, occurred_on, role, issuer, \
                       created_at, updated_at, removed_at";

impl ContentStore {
    pub async fn entry(&self, id: &str) -> sqlx::Result<Option<EntryRow>> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM persona_entries WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// The live entries of a persona, oldest first.
    pub async fn entries_of(&self, persona_id: &str) -> sqlx::Result<Vec<EntryRow>> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM persona_entries WHERE persona_id = ? AND removed_at IS NULL ORDER BY created_at, id"
        ))
        .bind(persona_id)
        .fetch_all(self.pool())
        .await
    }

    pub async fn insert_entry(
        &self,
        tx: &mut ChangeTx,
        id: &str,
        persona_id: &str,
        author_id: &str,
        fields: &EntryFields,
        now: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO persona_entries (id, persona_id, section, author_id, work_kind, title, body, year, occurred_on, \
             role, issuer, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(persona_id)
        .bind(fields.section.as_str())
        .bind(author_id)
        .bind(fields.work_kind.map(|kind| kind.as_str()))
        .bind(&fields.title)
        .bind(&fields.body)
        .bind(fields.year.map(i64::from))
        .bind(&fields.occurred_on)
        .bind(&fields.role)
        .bind(&fields.issuer)
        .bind(now)
        .bind(now)
        .execute(tx.conn())
        .await?;
        Ok(())
    }

    /// Rewrites an entry if `author_id` wrote it and it is live.
    pub async fn update_entry(
        &self,
        tx: &mut ChangeTx,
        id: &str,
        author_id: &str,
        fields: &EntryFields,
        now: i64,
    ) -> sqlx::Result<bool> {
        let updated = sqlx::query(
            "UPDATE persona_entries SET work_kind = ?, title = ?, body = ?, year = ?, occurred_on = ?, role = ?, issuer = ?, \
             updated_at = ? WHERE id = ? AND author_id = ? AND removed_at IS NULL",
        )
        .bind(fields.work_kind.map(|kind| kind.as_str()))
        .bind(&fields.title)
        .bind(&fields.body)
        .bind(fields.year.map(i64::from))
        .bind(&fields.occurred_on)
        .bind(&fields.role)
        .bind(&fields.issuer)
        .bind(now)
        .bind(id)
        .bind(author_id)
        .execute(tx.conn())
        .await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Deletes an entry if `author_id` wrote it and it is live.
    pub async fn delete_entry(&self, tx: &mut ChangeTx, id: &str, author_id: &str) -> sqlx::Result<bool> {
        let deleted = sqlx::query("DELETE FROM persona_entries WHERE id = ? AND author_id = ? AND removed_at IS NULL")
            .bind(id)
            .bind(author_id)
            .execute(tx.conn())
            .await?;
        Ok(deleted.rows_affected() == 1)
    }

    pub async fn set_entry_removed(
        &self,
        tx: &mut ChangeTx,
        id: &str,
        removal: Option<(&str, i64)>,
    ) -> sqlx::Result<bool> {
        set_removed(tx.conn(), "persona_entries", id, removal).await
    }
}
