//! `yujie backup --to <file>`: an online copy of an SQLite database, consistent while the
//! service keeps serving (SQLite's `VACUUM INTO` reads one snapshot). To restore, stop
//! the service, put the copy in place of `database.url`'s file, start it again. MySQL is
//! backed up with its own tools (see the operations section of the README).

use std::{path::Path, time::Duration};

use anyhow::{bail, Context as _};
use yujie_db::{Backend, Db};
use yujie_kernel::PlatformConfig;

pub async fn backup(config: &PlatformConfig, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        bail!("{} exists already: a backup never overwrites a file", to.display());
    }
    let db = Db::connect(config.database.url.expose(), 1, Duration::from_secs(30)).await?;
    if db.backend() != Backend::Sqlite {
        bail!(
            "`yujie backup` copies SQLite databases; back MySQL up with mysqldump or mariabackup (README, Operations)"
        );
    }
    let target = to.to_str().context("the backup path is not UTF-8")?;
    yujie_db::sqlx::query("VACUUM INTO ?").bind(target).execute(db.pool()).await.context("the online copy failed")?;
    Ok(())
}
