use sqlx::{Any, Transaction};
use yujie_db::{is_unique_violation, Backend};

use super::ContentStore;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub id: String,
    pub target_kind: String,
    pub target_id: String,
    pub reporter_id: String,
    pub reason: String,
    pub note: Option<String>,
    /// The content as it was when reported (JSON).
    pub snapshot: String,
    pub created_at: i64,
}

/// A reported item with its count of open reports: one row of the staff queue.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportGroupRow {
    pub target_kind: String,
    pub target_id: String,
    pub author_id: String,
    pub open_count: i64,
    pub first_reported_at: i64,
    pub last_reported_at: i64,
}

/// Which open reports the staff queue shows: `None` is any.
#[derive(Debug, Default, Clone, Copy)]
pub struct QueueFilter<'a> {
    pub kind: Option<&'a str>,
    pub reason: Option<&'a str>,
}

const COLUMNS: &str = "id, target_kind, target_id, reporter_id, reason, note, snapshot, created_at";

impl ContentStore {
    /// Files a report and counts it on its target; `false` if this user already has an
    /// open report on it (the open key is unique while the report is open), and then the
    /// caller rolls the transaction back. The target's row is written first, as resolving
    /// and reopening do, so the three never wait on each other in opposite orders (a
    /// deadlock on MariaDB).
    pub async fn insert_report(
        &self,
        tx: &mut Transaction<'static, Any>,
        row: &ReportRow,
        author_id: &str,
    ) -> sqlx::Result<bool> {
        // One statement that inserts or counts: an insert that fails on the existing row
        // and then updates it takes a shared lock before the exclusive one, and two
        // reports doing that at once deadlock on MariaDB.
        let count = match self.db.backend() {
            Backend::MySql => {
                "INSERT INTO report_targets (target_kind, target_id, author_id, open_count, last_reported_at) \
                 VALUES (?, ?, ?, 1, ?) \
                 ON DUPLICATE KEY UPDATE open_count = open_count + 1, last_reported_at = VALUES(last_reported_at)"
            }
            Backend::Sqlite => {
                "INSERT INTO report_targets (target_kind, target_id, author_id, open_count, last_reported_at) \
                 VALUES (?, ?, ?, 1, ?) \
                 ON CONFLICT (target_kind, target_id) \
                 DO UPDATE SET open_count = open_count + 1, last_reported_at = excluded.last_reported_at"
            }
        };
        sqlx::query(count)
            .bind(&row.target_kind)
            .bind(&row.target_id)
            .bind(author_id)
            .bind(row.created_at)
            .execute(&mut **tx)
            .await?;
        let open_key = format!("{}:{}:{}", row.target_kind, row.target_id, row.reporter_id);
        let inserted = sqlx::query(
            "INSERT INTO reports (id, target_kind, target_id, reporter_id, reason, note, snapshot, open_key, status, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)",
        )
        .bind(&row.id)
        .bind(&row.target_kind)
        .bind(&row.target_id)
        .bind(&row.reporter_id)
        .bind(&row.reason)
        .bind(&row.note)
        .bind(&row.snapshot)
        .bind(open_key)
        .bind(row.created_at)
        .execute(&mut **tx)
        .await;
        match inserted {
            Ok(_) => Ok(true),
            Err(error) if is_unique_violation(&error) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Targets with open reports, most reported first.
    /// Reported items, the one waiting longest first; with a reason, the items that have
    /// an open report giving it.
    pub async fn open_report_groups(&self, filter: QueueFilter<'_>, limit: i64) -> sqlx::Result<Vec<ReportGroupRow>> {
        let (kind, reason) = (filter.kind.unwrap_or_default(), filter.reason.unwrap_or_default());
        sqlx::query_as(
            "SELECT t.target_kind, t.target_id, t.author_id, t.open_count, MIN(r.created_at) AS first_reported_at, \
             t.last_reported_at FROM reports r JOIN report_targets t \
             ON t.target_kind = r.target_kind AND t.target_id = r.target_id \
             WHERE r.status = 'open' AND (? = '' OR r.target_kind = ?) AND (? = '' OR EXISTS (SELECT 1 FROM reports x \
             WHERE x.target_kind = r.target_kind AND x.target_id = r.target_id AND x.status = 'open' AND x.reason = ?)) \
             GROUP BY t.target_kind, t.target_id, t.author_id, t.open_count, t.last_reported_at \
             ORDER BY first_reported_at, t.target_kind, t.target_id LIMIT ?",
        )
        .bind(kind)
        .bind(kind)
        .bind(reason)
        .bind(reason)
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    pub async fn open_reports(&self, kind: &str, target_id: &str) -> sqlx::Result<Vec<ReportRow>> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM reports WHERE target_kind = ? AND target_id = ? AND status = 'open' ORDER BY created_at"
        ))
        .bind(kind)
        .bind(target_id)
        .fetch_all(self.pool())
        .await
    }
}

impl ContentStore {
    /// Resolves every open report on a target as `status` (`dismissed` or `removed`),
    /// in one transaction; returns the ids resolved, none when someone else resolved
    /// them first. The target's row is claimed first (`open_count > 0` → 0): a second
    /// resolver waits on that one row lock and then finds nothing to claim, so exactly one
    /// wins; filing and reopening also write the target's row first, so nobody waits on
    /// another in the opposite order (no deadlock on MariaDB).
    /// Each resolved report comes back as `(id, reporter_id)`.
    pub async fn resolve_reports(
        &self,
        kind: &str,
        id: &str,
        status: &str,
        now: i64,
    ) -> sqlx::Result<Vec<(String, String)>> {
        let mut tx = self.begin().await?;
        let claimed = sqlx::query(
            "UPDATE report_targets SET open_count = 0 WHERE target_kind = ? AND target_id = ? AND open_count > 0",
        )
        .bind(kind)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(Vec::new());
        }
        let resolved = sqlx::query(
            "UPDATE reports SET status = ?, resolved_at = ?, open_key = NULL \
             WHERE target_kind = ? AND target_id = ? AND status = 'open'",
        )
        .bind(status)
        .bind(now)
        .bind(kind)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if resolved.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(Vec::new());
        }
        let ids = sqlx::query_as(
            "SELECT id, reporter_id FROM reports WHERE target_kind = ? AND target_id = ? AND status = ? AND resolved_at = ?",
        )
        .bind(kind)
        .bind(id)
        .bind(status)
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Opens resolved reports again (the action they were resolved for failed).
    pub async fn reopen_reports(&self, kind: &str, id: &str, report_ids: &[(String, String)]) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE report_targets SET open_count = open_count + ? WHERE target_kind = ? AND target_id = ?")
            .bind(report_ids.len() as i64)
            .bind(kind)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for (report_id, reporter_id) in report_ids {
            sqlx::query("UPDATE reports SET status = 'open', resolved_at = NULL, open_key = ? WHERE id = ?")
                .bind(format!("{kind}:{id}:{reporter_id}"))
                .bind(report_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }
}
