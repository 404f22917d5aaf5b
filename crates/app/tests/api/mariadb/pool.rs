//! The connection pool's checks on MariaDB: a connection back in the pool a moment ago
//! goes out again without a ping (sqlx already pinged it when it came back), and one
//! that sat idle is pinged first, so a connection the server dropped meanwhile is
//! replaced instead of failing the request.

use std::time::Duration;

use sqlx::Row as _;
use yujie_db::Db;

use super::require_mariadb;
use crate::helpers::TestBackend;

/// COM_PING and the other administrative commands this session has sent.
async fn admin_commands(db: &Db) -> i64 {
    let row = sqlx::query("SHOW SESSION STATUS LIKE 'Com_admin_commands'").fetch_one(db.pool()).await.unwrap();
    row.get::<String, _>(1).parse().unwrap()
}

async fn connection_id(db: &Db) -> i64 {
    let row = sqlx::query("SELECT CAST(CONNECTION_ID() AS SIGNED)").fetch_one(db.pool()).await.unwrap();
    row.get(0)
}

#[tokio::test]
async fn a_busy_connection_is_not_pinged_before_each_statement() {
    require_mariadb();
    let backend = TestBackend::new().await;
    let db = Db::connect(&backend.database_url, 1, Duration::from_secs(5)).await.unwrap();
    let before = admin_commands(&db).await;
    for _ in 0..50 {
        db.ping().await.unwrap();
    }
    let pings = admin_commands(&db).await - before;
    // One ping as each of the 51 statements comes back; with a ping before each
    // statement too it was 102.
    assert_eq!(pings, 51, "pings for 51 statements");
}

#[tokio::test]
async fn a_connection_dropped_while_idle_is_replaced_before_use() {
    require_mariadb();
    let backend = TestBackend::new().await;
    let db = Db::connect(&backend.database_url, 1, Duration::from_secs(5)).await.unwrap();
    let id = connection_id(&db).await;
    let admin = Db::connect(&backend.database_url, 1, Duration::from_secs(5)).await.unwrap();
    sqlx::query(&format!("KILL CONNECTION {id}")).execute(admin.pool()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    db.ping().await.expect("the dropped connection is replaced, not used");
    assert_ne!(connection_id(&db).await, id);
}
