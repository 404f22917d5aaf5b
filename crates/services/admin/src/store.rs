//! Staff accounts, staff sessions and the audit log.

use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use yujie_db::Db;

use crate::{roles::Role, session::LiveSince};

/// A staff member, registered on their first sign-in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct StaffAccount {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_sign_in_at: chrono::DateTime<chrono::Utc>,
    /// Sessions neither idle nor past their absolute lifetime.
    pub open_sessions: i64,
}

/// A live session as the request sees it.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub account_id: String,
    pub name: String,
    pub role: Role,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

#[derive(Clone)]
pub struct AdminStore {
    db: Db,
}

fn millis(at: i64) -> chrono::DateTime<chrono::Utc> {
    yujie_kernel::clock::millis_to_datetime(at)
}

impl AdminStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Registers the account on its first sign-in, or refreshes its name and role.
    pub async fn sign_in(
        &self,
        issuer: &str,
        subject: &str,
        name: &str,
        email: Option<&str>,
        role: Role,
        now: i64,
    ) -> anyhow::Result<String> {
        let pool = self.db.pool();
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM staff_accounts WHERE issuer = ? AND subject = ?")
                .bind(issuer)
                .bind(subject)
                .fetch_optional(pool)
                .await?;
        if let Some(id) = existing {
            sqlx::query("UPDATE staff_accounts SET name = ?, email = ?, role = ?, last_sign_in_at = ? WHERE id = ?")
                .bind(name)
                .bind(email)
                .bind(role.as_str())
                .bind(now)
                .bind(&id)
                .execute(pool)
                .await?;
            return Ok(id);
        }
        let id = yujie_kernel::ids::new_id();
        let inserted = sqlx::query(
            "INSERT INTO staff_accounts (id, issuer, subject, name, email, role, created_at, last_sign_in_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(issuer)
        .bind(subject)
        .bind(name)
        .bind(email)
        .bind(role.as_str())
        .bind(now)
        .bind(now)
        .execute(pool)
        .await;
        match inserted {
            Ok(_) => Ok(id),
            // Two first sign-ins at once: the other registered it.
            Err(error) if yujie_db::is_unique_violation(&error) => {
                Box::pin(self.sign_in(issuer, subject, name, email, role, now)).await
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Every account, with its sessions still live by `live` counted as open.
    pub async fn accounts(&self, live: LiveSince) -> anyhow::Result<Vec<StaffAccount>> {
        let rows = sqlx::query(
            "SELECT a.id, a.name, a.email, a.role, a.created_at, a.last_sign_in_at, \
             (SELECT COUNT(*) FROM staff_sessions s WHERE s.account_id = a.id AND s.last_seen_at >= ? \
              AND s.created_at >= ?) AS open_sessions \
             FROM staff_accounts a ORDER BY a.last_sign_in_at DESC",
        )
        .bind(live.seen)
        .bind(live.created)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StaffAccount {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    email: row.try_get("email")?,
                    role: row.try_get::<String, _>("role")?.parse()?,
                    created_at: millis(row.try_get("created_at")?),
                    last_sign_in_at: millis(row.try_get("last_sign_in_at")?),
                    open_sessions: row.try_get("open_sessions")?,
                })
            })
            .collect()
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        account_id: &str,
        role: Role,
        csrf_token: &str,
        now: i64,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO staff_sessions (token_hash, account_id, role, csrf_token, created_at, last_seen_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(account_id)
        .bind(role.as_str())
        .bind(csrf_token)
        .bind(now)
        .bind(now)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> anyhow::Result<Option<SessionRow>> {
        let row = sqlx::query(
            "SELECT s.account_id, a.name, s.role, s.csrf_token, s.created_at, s.last_seen_at \
             FROM staff_sessions s JOIN staff_accounts a ON a.id = s.account_id WHERE s.token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(self.db.pool())
        .await?;
        row.map(|row| {
            Ok(SessionRow {
                account_id: row.try_get("account_id")?,
                name: row.try_get("name")?,
                role: row.try_get::<String, _>("role")?.parse()?,
                csrf_token: row.try_get("csrf_token")?,
                created_at: row.try_get("created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
            })
        })
        .transpose()
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> anyhow::Result<()> {
        sqlx::query("UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = ?")
            .bind(now)
            .bind(token_hash)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    pub async fn account_name<'c>(
        &self,
        executor: impl sqlx::Executor<'c, Database = sqlx::Any>,
        account_id: &str,
    ) -> anyhow::Result<Option<String>> {
        let row = sqlx::query("SELECT name FROM staff_accounts WHERE id = ?")
            .bind(account_id)
            .fetch_optional(executor)
            .await?;
        Ok(row.map(|row| row.try_get("name")).transpose()?)
    }

    /// Ends every session of the account; how many there were.
    pub async fn end_sessions_of<'c>(
        &self,
        executor: impl sqlx::Executor<'c, Database = sqlx::Any>,
        account_id: &str,
    ) -> anyhow::Result<u64> {
        let done =
            sqlx::query("DELETE FROM staff_sessions WHERE account_id = ?").bind(account_id).execute(executor).await?;
        Ok(done.rows_affected())
    }

    pub async fn end_session(&self, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = ?").bind(token_hash).execute(self.db.pool()).await?;
        Ok(())
    }
}
