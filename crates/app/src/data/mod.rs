//! `yujie data export` and `yujie data import`: moving an installation between backends,
//! e.g. from the embedded SQLite + local folder to MySQL + S3 (COS).
//!
//! An export is a folder:
//! - `manifest.json`: the format, the source backend, the applied migrations, and the
//!   row count of every table;
//! - `tables/<table>.jsonl`: one JSON array of column names, then one JSON array of
//!   values per row (numbers, strings, null; bytes as `{"base64": …}`);
//! - `objects/<key>`: every stored object.
//!
//! The rows are read in one transaction (one consistent snapshot, also while serving)
//! and the objects are listed after it: an object is stored before the row that names
//! it, so every object a row names is in the export. The import needs a new, empty
//! database: it creates the schema with the same migrations, copies the objects, then
//! loads every table in one transaction, so a failed import leaves nothing half-loaded.

mod export;
mod import;

use anyhow::{bail, Context as _};
use serde::{Deserialize, Serialize};
use yujie_db::{sqlx, Backend, Db};

pub use export::export;
pub use import::import;

/// The export format this build writes and reads.
const FORMAT: &str = "yujie-export/1";
/// Rows per INSERT statement on import.
const BATCH_ROWS: usize = 200;

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    /// `sqlite` or `mysql`.
    source: String,
    /// The schema the rows fit: the applied migration versions.
    migrations: Vec<i64>,
    /// Every table and its row count, by name.
    tables: std::collections::BTreeMap<String, u64>,
    objects: u64,
}

/// The tables of the connected database: ours, not the migration bookkeeping.
async fn tables(db: &Db) -> anyhow::Result<Vec<String>> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             AND name <> '_sqlx_migrations' ORDER BY name"
        }
        Backend::MySql => {
            "SELECT CAST(table_name AS CHAR) AS name FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' \
             ORDER BY table_name"
        }
    };
    let names: Vec<(String,)> = sqlx::query_as(sql).fetch_all(db.pool()).await.context("listing the tables")?;
    Ok(names.into_iter().map(|(name,)| name).collect())
}

/// The applied migration versions, in order.
async fn migrations(db: &Db) -> anyhow::Result<Vec<i64>> {
    let versions: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = 1 ORDER BY version")
            .fetch_all(db.pool())
            .await
            .context("reading the applied migrations")?;
    Ok(versions.into_iter().map(|(version,)| version).collect())
}

/// A table or column name as written in our migrations; anything else in an export is
/// refused rather than spliced into SQL.
fn identifier(name: &str) -> anyhow::Result<String> {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_');
    if !plain {
        bail!("{name:?} is not a table or column name of ours");
    }
    // Both SQLite and MySQL accept backquoted names.
    Ok(format!("`{name}`"))
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::MySql => "mysql",
    }
}
