//! Tests that need MariaDB + Redis: several instances sharing one database and one
//! Redis, and MariaDB's own concurrency. They run only in the MariaDB pass, and the
//! test counts say so: the default nextest profile leaves every test under `mariadb::`
//! out (nextest lists them as skipped), the `mariadb` profile runs them (see
//! `.config/nextest.toml`). Started on SQLite by hand, they fail instead of passing.

mod backup_refusal;
mod change_feed;
mod companion;
mod db_outage;
mod multi_instance;
mod pool;
mod safety;
mod split_mode;
mod storage_outage;

/// Fails the test unless this is the MariaDB + Redis pass.
pub fn require_mariadb() {
    assert!(
        crate::helpers::is_mysql(),
        "this test needs MariaDB + Redis (YUJIE_TEST_BACKEND=mysql, nextest profile `mariadb`)"
    );
}
