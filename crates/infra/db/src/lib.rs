//! One SQL codebase for SQLite (the embedded default) and MySQL/MariaDB (production).
//!
//! Queries go through sqlx's `Any` driver, so each is written once with `?`
//! placeholders. Portable rules that every store follows: ids and timestamps are made by
//! the application (timestamps are UTC milliseconds in BIGINT columns), JSON is text,
//! no `RETURNING`, no database clock, and upserts are insert-then-catch-unique. Only the
//! DDL differs, so each service keeps one migration folder per backend.
//!
//! MySQL tables use `utf8mb4_bin` (exact comparison of ids, openids and tokens). Text
//! columns are `VARCHAR(n)`, never `TEXT`: sqlx's `Any` driver reports every MySQL
//! `TEXT`/`BLOB` column as a blob, which does not decode as a string. `VARCHAR` holds up
//! to 65,535 bytes per row, enough for every field we keep (bounded by validation).

use std::{str::FromStr, time::Duration};

use anyhow::Context as _;
use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
    AnyPool, Connection as _, Executor as _,
};

pub use sqlx;

/// The SQL backend in use, detected from the URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    MySql,
}

/// A service's migrations, one folder per backend. Version numbers are unique across
/// services (each service owns a range), so all of them can share one history table.
pub struct Migrations {
    pub service: &'static str,
    pub sqlite: Migrator,
    pub mysql: Migrator,
}

/// How long a connection that passed its release check is trusted without another.
/// (HikariCP's `aliveBypassWindowMs` is the same idea, at 500 ms.)
const RECENTLY_CHECKED: Duration = Duration::from_millis(500);

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Connects by URL: `sqlite://path?mode=rwc` or `mysql://user:pass@host/db`. A query
    /// waits at most `acquire_timeout` for a connection (also while the database is down).
    pub async fn connect(url: &str, max_connections: u32, acquire_timeout: Duration) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        if backend == Backend::Sqlite {
            create_sqlite_parent_dir(url)?;
        }
        let options = AnyConnectOptions::from_str(url).context("invalid database URL")?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            // sqlx pings every connection it takes back, and by default again before
            // handing it out: on MariaDB, three round trips per statement. A connection
            // back for less than `RECENTLY_CHECKED` is handed out as it is; an older one
            // is still pinged first, and replaced if it broke while idle (a restart).
            .test_before_acquire(false)
            .before_acquire(|connection, meta| {
                Box::pin(async move {
                    if meta.idle_for < RECENTLY_CHECKED {
                        return Ok(true);
                    }
                    Ok(connection.ping().await.is_ok())
                })
            })
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    let setup = match backend {
                        // WAL lets readers proceed during a write; the busy timeout makes
                        // concurrent writers queue instead of failing.
                        Backend::Sqlite => {
                            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 15000; \
                             PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                        }
                        Backend::MySql => "SET time_zone = '+00:00'",
                    };
                    connection.execute(setup).await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .context("cannot connect to the database")?;
        Ok(Self { pool, backend })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the given services' pending migrations.
    pub async fn migrate(&self, all: &[&Migrations]) -> anyhow::Result<()> {
        for migrations in all {
            let migrator = match self.backend {
                Backend::Sqlite => &migrations.sqlite,
                Backend::MySql => &migrations.mysql,
            };
            let mut migrator =
                Migrator { migrations: migrator.migrations.clone(), ignore_missing: true, ..Migrator::DEFAULT };
            migrator.set_locking(self.backend == Backend::MySql);
            migrator.run(&self.pool).await.with_context(|| format!("migrating {}", migrations.service))?;
            tracing::info!(service = migrations.service, "migrations applied");
        }
        Ok(())
    }

    /// Checks that the database answers (used by `/readyz`).
    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

pub fn backend_of(url: &str) -> anyhow::Result<Backend> {
    match url.split(':').next() {
        Some("sqlite") => Ok(Backend::Sqlite),
        Some("mysql" | "mariadb") => Ok(Backend::MySql),
        _ => anyhow::bail!("database.url must start with sqlite: or mysql:"),
    }
}

fn create_sqlite_parent_dir(url: &str) -> anyhow::Result<()> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the database folder {}", parent.display()))?;
    }
    Ok(())
}

/// A stored value that is none of an enum's names: stores decode enum columns with
/// `#[sqlx(try_from = "String")]` and refuse to read such a row rather than guess.
#[derive(Debug, thiserror::Error)]
#[error("unknown {column} `{value}` in the database")]
pub struct UnknownValue {
    column: &'static str,
    value: String,
}

impl UnknownValue {
    pub fn new(column: &'static str, value: String) -> Self {
        Self { column, value }
    }
}

/// `?, ?, …` for an `IN (…)` clause of `count` values; at least one, so the SQL stays
/// valid (callers skip empty lists before querying).
pub fn placeholders(count: usize) -> String {
    vec!["?"; count.max(1)].join(", ")
}

/// True when the error is a unique-key violation: how portable upserts detect "exists".
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|error| error.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// True when a transaction lost a lock race and may simply be run again: a MySQL
/// deadlock (SQLSTATE 40001, error 1213) or lock-wait timeout (1205), or SQLite's
/// `database is locked` (SQLITE_BUSY, 5, and its extended codes).
pub fn is_retryable_conflict(error: &sqlx::Error) -> bool {
    let Some(error) = error.as_database_error() else { return false };
    if let Some(mysql) = error.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return mysql.number() == 1213 || mysql.number() == 1205 || mysql.code() == Some("40001");
    }
    error.code().and_then(|code| code.parse::<u32>().ok()).is_some_and(|code| code & 0xff == 5)
}

/// Creates a fresh, uniquely named database on a MySQL server and returns its URL.
/// Each test gets its own, so tests never share state.
pub async fn create_mysql_database(server_url: &str, name: &str) -> anyhow::Result<String> {
    sqlx::any::install_default_drivers();
    let mut connection = sqlx::AnyConnection::connect(server_url).await?;
    sqlx::query(&format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"))
        .execute(&mut connection)
        .await?;
    let mut url = url::Url::parse(server_url)?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}
