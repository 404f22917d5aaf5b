//! Every list query walks its index, on both databases: a test asks each database for
//! its plan over a seeded table and fails on a full scan of `posts` or `reactions`, or a sort.
//! Runs in the pass of `YUJIE_TEST_BACKEND` (SQLite by default, MariaDB with `mysql`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sqlx::Row as _;
use yujie_db::{Backend, Db};

use super::{
    posts::{feed_sql, FeedScope, FeedSort},
    reactions::{users_reactions_sql, users_span_sql},
};

/// The shape that made MariaDB drive from `personas` and sort every post: many personas,
/// and posts in the tens of thousands.
const PERSONAS: usize = 1000;
const POSTS: usize = 30_000;
/// Rows per INSERT while seeding.
const BATCH: usize = 500;
/// Reactions seeded: 100 users' on every 10th post.
const REACTION_USERS: usize = 100;

async fn seeded_database() -> (Db, Option<(String, String)>) {
    let name = format!("yujie_plans_{}", uuid::Uuid::new_v4().simple());
    let (url, mysql) = if std::env::var("YUJIE_TEST_BACKEND").as_deref() == Ok("mysql") {
        let server = std::env::var("YUJIE_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
        let url = yujie_db::create_mysql_database(&server, &name).await.expect("MariaDB for the plan test");
        (url.clone(), Some((url, name)))
    } else {
        (format!("sqlite://{}?mode=rwc", std::env::temp_dir().join(format!("{name}.db")).display()), None)
    };
    let db = Db::connect(&url, 4, std::time::Duration::from_secs(10)).await.unwrap();
    db.migrate(&[&crate::migrations()]).await.unwrap();
    let mut tx = db.pool().begin().await.unwrap();
    for start in (0..PERSONAS).step_by(BATCH) {
        let rows: Vec<String> = (start..(start + BATCH).min(PERSONAS))
            .map(|n| format!("('p{n:04}', 'persona {n}', '[]', 'u', 0, 0, 0)"))
            .collect();
        let sql = format!(
            "INSERT INTO personas (id, name, aliases, creator_id, popularity, created_at, updated_at) VALUES {}",
            rows.join(", ")
        );
        sqlx::query(&sql).execute(&mut *tx).await.unwrap();
    }
    for start in (0..POSTS).step_by(BATCH) {
        let rows: Vec<String> = (start..(start + BATCH).min(POSTS))
            .map(|n| {
                format!(
                    "('post{n:06}', 'p{:04}', 'u{:04}', 't', 'b', '[]', 0, 0, 0, {}, {n})",
                    n % PERSONAS,
                    n % 97,
                    n * 7919 % POSTS
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO posts (id, persona_id, author_id, title, body, images, like_count, dislike_count, \
             comment_count, hot_rank, created_at) VALUES {}",
            rows.join(", ")
        );
        sqlx::query(&sql).execute(&mut *tx).await.unwrap();
    }
    for user in 0..REACTION_USERS {
        let rows: Vec<String> =
            (0..POSTS).step_by(10).map(|n| format!("('post', 'post{n:06}', 'u{user:04}', 1, 0)")).collect();
        for chunk in rows.chunks(BATCH) {
            let sql = format!(
                "INSERT INTO reactions (target_kind, target_id, user_id, value, created_at) VALUES {}",
                chunk.join(", ")
            );
            sqlx::query(&sql).execute(&mut *tx).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    if db.backend() == Backend::MySql {
        sqlx::query("ANALYZE TABLE posts, personas, reactions").execute(db.pool()).await.unwrap();
    } else {
        sqlx::query("ANALYZE").execute(db.pool()).await.unwrap();
    }
    (db, mysql)
}

enum Bind {
    Text(&'static str),
    Int(i64),
}

/// The plan's lines that show a full scan (of `posts` or `reactions` on SQLite, of any
/// table on MariaDB), reactions read by kind alone, or a sort. (MariaDB reports a sort on the first table of the join
/// order, whichever that is.)
async fn plan_problems(db: &Db, sql: &str, binds: &[Bind]) -> Vec<String> {
    let mut problems = Vec::new();
    for line in plan(db, sql, binds).await {
        match line {
            PlanLine::MySql { table, access, key, extra } => {
                let sorts = extra.as_deref().is_some_and(|e| e.contains("filesort") || e.contains("temporary"));
                // The reactions' key is (kind, target, user): reading it by kind alone reads
                // every reaction of the kind.
                let by_kind_only = table.as_deref() == Some("reactions")
                    && access.as_deref() == Some("ref")
                    && key.as_deref() == Some("PRIMARY");
                if access.as_deref() == Some("ALL") || sorts || by_kind_only {
                    problems.push(format!("table={table:?} type={access:?} key={key:?} extra={extra:?}"));
                }
            }
            PlanLine::Sqlite(detail) => {
                let scans = ["SCAN posts", "SCAN reactions"].iter().any(|scan| detail.starts_with(scan));
                let by_user = detail.contains("reactions_by_user (user_id=? AND target_kind=?");
                let by_kind_only = detail.contains("reactions") && !detail.contains("target_id=?") && !by_user;
                if (scans && !detail.contains("USING INDEX")) || by_kind_only || detail.contains("TEMP B-TREE") {
                    problems.push(detail);
                }
            }
        }
    }
    problems
}

enum PlanLine {
    MySql { table: Option<String>, access: Option<String>, key: Option<String>, extra: Option<String> },
    Sqlite(String),
}

/// What the database says it will do for `sql`.
async fn plan(db: &Db, sql: &str, binds: &[Bind]) -> Vec<PlanLine> {
    let explain = match db.backend() {
        Backend::MySql => format!("EXPLAIN {sql}"),
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
    };
    let mut query = sqlx::query(&explain);
    for bind in binds {
        query = match bind {
            Bind::Text(text) => query.bind(*text),
            Bind::Int(number) => query.bind(*number),
        };
    }
    let rows = query.fetch_all(db.pool()).await.unwrap();
    rows.iter()
        .map(|row| match db.backend() {
            Backend::MySql => PlanLine::MySql {
                table: row.try_get("table").ok(),
                access: row.try_get("type").ok(),
                key: row.try_get("key").ok(),
                extra: row.try_get("Extra").ok(),
            },
            Backend::Sqlite => PlanLine::Sqlite(row.try_get("detail").unwrap()),
        })
        .collect()
}

/// Whether the plan reads `reactions` through `reactions_by_user` and nothing else.
async fn reads_reactions_by_user(db: &Db, sql: &str, binds: &[Bind]) -> bool {
    let lines = plan(db, sql, binds).await;
    !lines.is_empty()
        && lines.iter().all(|line| match line {
            PlanLine::MySql { key, access, .. } => {
                key.as_deref() == Some("reactions_by_user") && access.as_deref() == Some("range")
            }
            PlanLine::Sqlite(detail) => {
                detail.contains("COVERING INDEX reactions_by_user (user_id=? AND target_kind=?")
            }
        })
}

#[tokio::test]
async fn every_list_query_walks_its_index() {
    let (db, mysql) = seeded_database().await;
    let scopes = [
        (FeedScope::Global, FeedSort::New),
        (FeedScope::Global, FeedSort::Hot),
        (FeedScope::Persona, FeedSort::New),
        (FeedScope::Persona, FeedSort::Hot),
        (FeedScope::Author, FeedSort::New),
    ];
    for (scope, sort) in scopes {
        for after_cursor in [false, true] {
            let sql = feed_sql(scope, sort, after_cursor);
            let mut binds = Vec::new();
            match scope {
                FeedScope::Global => {}
                FeedScope::Persona => binds.push(Bind::Text("p0007")),
                FeedScope::Author => binds.push(Bind::Text("u0003")),
            }
            if after_cursor {
                binds.extend([Bind::Int(1500), Bind::Int(1500), Bind::Text("post001500")]);
            }
            binds.push(Bind::Int(21));
            let problems = plan_problems(&db, &sql, &binds).await;
            assert!(problems.is_empty(), "{sort:?}, {scope:?}, cursor: {after_cursor}: {problems:?}\n{sql}");
        }
    }
    // Signed-in readers' reactions: one viewer, and many viewers looked up together.
    for viewers in [1, 8] {
        let mut binds = vec![Bind::Text("post")];
        binds.extend((0..40).map(|_| Bind::Text("post000120")));
        binds.extend((0..viewers).map(|_| Bind::Text("u0042")));
        let sql = users_reactions_sql(viewers, 40);
        let problems = plan_problems(&db, &sql, &binds).await;
        assert!(problems.is_empty(), "{viewers} viewers' reactions: {problems:?}\n{sql}");
        let mut binds: Vec<Bind> = (0..viewers).map(|_| Bind::Text("u0042")).collect();
        binds.extend([Bind::Text("post"), Bind::Text("post000100"), Bind::Text("post000300"), Bind::Int(200)]);
        let sql = users_span_sql(viewers);
        let problems = plan_problems(&db, &sql, &binds).await;
        assert!(problems.is_empty(), "{viewers} viewers' reactions in a span: {problems:?}\n{sql}");
        assert!(reads_reactions_by_user(&db, &sql, &binds).await, "{viewers} viewers' span, not by user:\n{sql}");
    }
    drop(db);
    if let Some((url, name)) = mysql {
        use sqlx::Connection as _;
        let mut connection = sqlx::AnyConnection::connect(&url).await.unwrap();
        sqlx::query(&format!("DROP DATABASE `{name}`")).execute(&mut connection).await.unwrap();
    }
}
