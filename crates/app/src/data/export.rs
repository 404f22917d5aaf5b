//! `yujie data export --to <folder>` (the format is in the module above).

use std::{
    fs,
    io::{BufWriter, Write as _},
    path::Path,
    time::Duration,
};

use anyhow::{bail, Context as _};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use futures::TryStreamExt as _;
use serde_json::{json, Value};
use yujie_blob::Blob;
use yujie_db::{
    sqlx::{
        self,
        any::{AnyRow, AnyTypeInfoKind},
        Column as _, Row as _, ValueRef as _,
    },
    Db,
};
use yujie_kernel::PlatformConfig;

use super::{backend_name, identifier, migrations, tables, Manifest, FORMAT};

pub async fn export(config: &PlatformConfig, to: &Path) -> anyhow::Result<()> {
    if to.exists() && fs::read_dir(to)?.next().is_some() {
        bail!("{} is not empty: an export never overwrites", to.display());
    }
    fs::create_dir_all(to.join("tables")).with_context(|| format!("cannot create {}", to.display()))?;
    let db = Db::connect(config.database.url.expose(), 2, Duration::from_secs(30)).await?;
    let blob = Blob::from_config(&config.storage.blob_config())?;

    let mut manifest = Manifest {
        format: FORMAT.into(),
        source: backend_name(db.backend()).into(),
        migrations: migrations(&db).await?,
        tables: Default::default(),
        objects: 0,
    };
    // One snapshot for every table, as of the first read.
    let mut snapshot = db.pool().begin().await?;
    for table in tables(&db).await? {
        let rows = export_table(&mut snapshot, &table, &to.join("tables").join(format!("{table}.jsonl"))).await?;
        manifest.tables.insert(table, rows);
    }
    snapshot.rollback().await?;

    for key in blob.keys().await? {
        let bytes = blob.get(&key).await?.with_context(|| format!("object {key} vanished during the export"))?;
        let path = to.join("objects").join(&key);
        fs::create_dir_all(path.parent().context("an object key names a file")?)?;
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        manifest.objects += 1;
    }
    fs::write(to.join("manifest.json"), serde_json::to_vec_pretty(&manifest)?)?;
    tracing::info!(tables = manifest.tables.len(), objects = manifest.objects, "export written");
    println!(
        "exported {} rows in {} tables and {} objects to {}",
        manifest.tables.values().sum::<u64>(),
        manifest.tables.len(),
        manifest.objects,
        to.display()
    );
    Ok(())
}

/// Writes one table: its column names, then one JSON array per row. Returns the rows.
async fn export_table(
    snapshot: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    path: &Path,
) -> anyhow::Result<u64> {
    let mut out = BufWriter::new(fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?);
    let sql = format!("SELECT * FROM {}", identifier(table)?);
    let mut rows = sqlx::query(&sql).fetch(&mut **snapshot);
    let mut count = 0;
    while let Some(row) = rows.try_next().await.with_context(|| format!("reading {table}"))? {
        if count == 0 {
            let columns: Vec<&str> = row.columns().iter().map(|column| column.name()).collect();
            serde_json::to_writer(&mut out, &columns)?;
            out.write_all(b"\n")?;
        }
        let values = (0..row.len()).map(|index| value(&row, index)).collect::<anyhow::Result<Vec<_>>>()?;
        serde_json::to_writer(&mut out, &values)?;
        out.write_all(b"\n")?;
        count += 1;
    }
    out.flush()?;
    Ok(count)
}

/// One column of a row as JSON, by the type the database reports for the value.
fn value(row: &AnyRow, index: usize) -> anyhow::Result<Value> {
    let raw = row.try_get_raw(index)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let kind = raw.type_info().kind();
    Ok(match kind {
        AnyTypeInfoKind::Null => Value::Null,
        AnyTypeInfoKind::Bool => row.try_get::<bool, _>(index)?.into(),
        AnyTypeInfoKind::SmallInt => row.try_get::<i16, _>(index)?.into(),
        AnyTypeInfoKind::Integer => row.try_get::<i32, _>(index)?.into(),
        AnyTypeInfoKind::BigInt => row.try_get::<i64, _>(index)?.into(),
        AnyTypeInfoKind::Real => f64::from(row.try_get::<f32, _>(index)?).into(),
        AnyTypeInfoKind::Double => row.try_get::<f64, _>(index)?.into(),
        AnyTypeInfoKind::Text => row.try_get::<String, _>(index)?.into(),
        AnyTypeInfoKind::Blob => json!({ "base64": STANDARD.encode(row.try_get::<Vec<u8>, _>(index)?) }),
    })
}
