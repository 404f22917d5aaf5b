//! The persona projection (from content's change feed), the knowledge documents with
//! their sync state, and the feed cursor.

use sqlx::{any::AnyRow, Any, Row as _, Transaction};

use super::CompanionStore;

#[derive(Debug, Clone)]
pub struct PersonaRow {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub style_note: String,
    pub removed: i64,
}

/// `aliases` is stored as a JSON array; a value that does not decode fails the read.
impl sqlx::FromRow<'_, AnyRow> for PersonaRow {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        let aliases: String = row.try_get("aliases")?;
        let aliases = serde_json::from_str(&aliases)
            .map_err(|error| sqlx::Error::ColumnDecode { index: "aliases".into(), source: Box::new(error) })?;
        Ok(Self {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            aliases,
            style_note: row.try_get("style_note")?,
            removed: row.try_get("removed")?,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    pub doc_key: String,
    pub persona_id: String,
    pub kind: String,
    pub body: String,
    pub live: i64,
    pub version: i64,
    pub provider_doc_id: Option<String>,
    pub attempts: i64,
    pub changed_at: i64,
}

/// One persona's sync state, for staff.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SyncState {
    pub persona_id: String,
    pub name: String,
    /// The staff-written note in her character card; empty when none.
    pub style_note: String,
    pub documents: i64,
    pub pending: i64,
    pub failed: i64,
    /// The oldest unsynced change, if any.
    #[serde(serialize_with = "yujie_kernel::clock::serialize_optional_millis")]
    pub oldest_pending_at: Option<i64>,
    #[serde(serialize_with = "yujie_kernel::clock::serialize_optional_millis")]
    pub last_synced_at: Option<i64>,
}

pub type Tx = Transaction<'static, Any>;

/// A change to one document's content or visibility; `None` keeps what is stored.
pub struct DocumentChange<'a> {
    pub doc_key: &'a str,
    pub persona_id: &'a str,
    pub kind: &'a str,
    pub body: Option<&'a str>,
    pub live: Option<bool>,
    pub changed_at: i64,
}

impl CompanionStore {
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        self.pool().begin().await
    }

    pub async fn cursor(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT after_seq FROM companion_sync_cursor WHERE id = 1").fetch_one(self.pool()).await
    }

    /// Moves the cursor from `from` to `to`; false when another worker moved it first.
    pub async fn advance_cursor(&self, tx: &mut Tx, from: i64, to: i64) -> sqlx::Result<bool> {
        let done = sqlx::query("UPDATE companion_sync_cursor SET after_seq = ? WHERE id = 1 AND after_seq = ?")
            .bind(to)
            .bind(from)
            .execute(&mut **tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn persona(&self, id: &str) -> sqlx::Result<Option<PersonaRow>> {
        sqlx::query_as("SELECT id, name, aliases, style_note, removed FROM companion_personas WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// Creates or renames a persona (`name` given) and/or sets its removal.
    pub async fn put_persona(
        &self,
        tx: &mut Tx,
        id: &str,
        name_aliases: Option<(&str, &str)>,
        removed: Option<bool>,
        now: i64,
    ) -> sqlx::Result<()> {
        let (name, aliases) = name_aliases.unzip();
        let removed = removed.map(i64::from);
        let updated = sqlx::query(
            "UPDATE companion_personas SET name = COALESCE(?, name), aliases = COALESCE(?, aliases), \
             removed = COALESCE(?, removed), updated_at = ? WHERE id = ?",
        )
        .bind(name)
        .bind(aliases)
        .bind(removed)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() == 0 {
            sqlx::query(
                "INSERT INTO companion_personas (id, name, aliases, style_note, removed, updated_at) \
                 VALUES (?, ?, ?, '', ?, ?)",
            )
            .bind(id)
            .bind(name.unwrap_or_default())
            .bind(aliases.unwrap_or("[]"))
            .bind(removed.unwrap_or(0))
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    pub async fn set_style_note(&self, persona_id: &str, note: &str) -> sqlx::Result<bool> {
        let done = sqlx::query("UPDATE companion_personas SET style_note = ? WHERE id = ?")
            .bind(note)
            .bind(persona_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Creates or changes a profile entry (`body` given) and/or its visibility.
    pub async fn put_entry(
        &self,
        tx: &mut Tx,
        id: &str,
        persona_id: &str,
        body: Option<&str>,
        live: bool,
        now: i64,
    ) -> sqlx::Result<()> {
        let updated = sqlx::query("UPDATE companion_entries SET body = COALESCE(?, body), live = ? WHERE id = ?")
            .bind(body)
            .bind(i64::from(live))
            .bind(id)
            .execute(&mut **tx)
            .await?;
        if updated.rows_affected() == 0 {
            sqlx::query(
                "INSERT INTO companion_entries (id, persona_id, body, live, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(persona_id)
            .bind(body.unwrap_or("{}"))
            .bind(i64::from(live))
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// The live entries of a persona (JSON bodies), oldest first.
    pub async fn live_entries(&self, persona_id: &str) -> sqlx::Result<Vec<String>> {
        sqlx::query_scalar(
            "SELECT body FROM companion_entries WHERE persona_id = ? AND live = 1 ORDER BY created_at, id",
        )
        .bind(persona_id)
        .fetch_all(self.pool())
        .await
    }

    /// Marks a document changed: a new version to upload (or delete when not live).
    /// `changed_at` keeps the oldest unsynced change, for the lag.
    pub async fn touch_document(&self, tx: &mut Tx, change: &DocumentChange<'_>) -> sqlx::Result<()> {
        let live = change.live.map(i64::from);
        let updated = sqlx::query(
            "UPDATE companion_documents SET body = COALESCE(?, body), live = COALESCE(?, live), \
             version = version + 1, state = 'pending', attempts = 0, next_attempt_at = 0, \
             changed_at = CASE WHEN state = 'synced' THEN ? ELSE changed_at END WHERE doc_key = ?",
        )
        .bind(change.body)
        .bind(live)
        .bind(change.changed_at)
        .bind(change.doc_key)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() == 0 {
            sqlx::query(
                "INSERT INTO companion_documents (doc_key, persona_id, kind, body, live, version, state, changed_at) \
                 VALUES (?, ?, ?, ?, ?, 1, 'pending', ?)",
            )
            .bind(change.doc_key)
            .bind(change.persona_id)
            .bind(change.kind)
            .bind(change.body.unwrap_or_default())
            .bind(live.unwrap_or(1))
            .bind(change.changed_at)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Documents due for upload or deletion, oldest change first.
    pub async fn due_documents(&self, now: i64, limit: i64) -> sqlx::Result<Vec<DocumentRow>> {
        sqlx::query_as(
            "SELECT doc_key, persona_id, kind, body, live, version, provider_doc_id, attempts, changed_at \
             FROM companion_documents WHERE state IN ('pending', 'failed') AND next_attempt_at <= ? \
             ORDER BY changed_at LIMIT ?",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    /// Records a successful upload or deletion of `version`; the document stays pending
    /// when it changed again meanwhile.
    pub async fn document_synced(
        &self,
        doc: &DocumentRow,
        provider_doc_id: Option<&str>,
        now: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE companion_documents SET synced_version = ?, provider_doc_id = ?, attempts = 0, last_error = NULL, \
             synced_at = ?, state = CASE WHEN version = ? THEN 'synced' ELSE 'pending' END, \
             changed_at = CASE WHEN version = ? THEN changed_at ELSE ? END WHERE doc_key = ?",
        )
        .bind(doc.version)
        .bind(provider_doc_id)
        .bind(now)
        .bind(doc.version)
        .bind(doc.version)
        .bind(now)
        .bind(&doc.doc_key)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records a failed attempt: retried at `next_attempt_at`, `failed` once out of tries.
    pub async fn document_failed(
        &self,
        doc: &DocumentRow,
        failed: bool,
        next_attempt_at: i64,
        error: &str,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE companion_documents SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, \
             state = CASE WHEN version = ? AND ? = 1 THEN 'failed' ELSE state END WHERE doc_key = ?",
        )
        .bind(next_attempt_at)
        .bind(error.chars().take(500).collect::<String>())
        .bind(doc.version)
        .bind(i64::from(failed))
        .bind(&doc.doc_key)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Per-persona sync state, worst first.
    pub async fn sync_states(&self, limit: i64) -> sqlx::Result<Vec<SyncState>> {
        sqlx::query_as(
            "SELECT p.id AS persona_id, p.name, p.style_note, COALESCE(d.documents, 0) AS documents, \
             COALESCE(d.pending, 0) AS pending, COALESCE(d.failed, 0) AS failed, d.oldest_pending_at, \
             d.last_synced_at FROM companion_personas p LEFT JOIN (SELECT persona_id, COUNT(*) AS documents, \
             CAST(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS SIGNED) AS pending, \
             CAST(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS SIGNED) AS failed, \
             MIN(CASE WHEN state <> 'synced' THEN changed_at END) AS oldest_pending_at, \
             MAX(synced_at) AS last_synced_at FROM companion_documents GROUP BY persona_id) d \
             ON d.persona_id = p.id WHERE p.removed = 0 \
             ORDER BY failed DESC, pending DESC, p.id LIMIT ?",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    /// The oldest unsynced change (ms), for the lag gauge.
    pub async fn oldest_unsynced(&self) -> sqlx::Result<Option<i64>> {
        let row = sqlx::query("SELECT MIN(changed_at) AS oldest FROM companion_documents WHERE state <> 'synced'")
            .fetch_one(self.pool())
            .await?;
        row.try_get("oldest")
    }
}
