//! `yujie backup` copies SQLite only: on MySQL it refuses, names the tools to use, and
//! writes nothing.

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_backup_of_mysql_is_refused_with_its_procedure() {
    super::require_mariadb();
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    let refused = yujie::backup(&app.platform.config, &copy).await.unwrap_err();
    assert!(refused.to_string().contains("mysqldump"), "{refused}");
    assert!(!copy.exists(), "nothing was written");
}
