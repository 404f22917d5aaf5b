//! `yujie data import --from <folder>` (the format is in the module above).

use std::{
    fs,
    io::{BufRead as _, BufReader},
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{bail, ensure, Context as _};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use serde_json::Value;
use yujie_blob::{content_type_of, is_valid_key, Blob};
use yujie_db::{
    placeholders,
    sqlx::{self, any::AnyArguments, query::Query, Any},
    Db,
};
use yujie_kernel::PlatformConfig;

use super::{identifier, migrations, tables, Manifest, BATCH_ROWS, FORMAT};
use crate::ServiceSet;

pub async fn import(config: &PlatformConfig, from: &Path) -> anyhow::Result<()> {
    let manifest_path = from.join("manifest.json");
    let manifest: Manifest = serde_json::from_slice(
        &fs::read(&manifest_path).with_context(|| format!("cannot read {}", manifest_path.display()))?,
    )
    .context("manifest.json is not an export manifest")?;
    ensure!(manifest.format == FORMAT, "the export is {}; this build reads {FORMAT}", manifest.format);

    let db = Db::connect(config.database.url.expose(), 2, Duration::from_secs(30)).await?;
    if !tables(&db).await?.is_empty() {
        bail!("the target database has tables already: import into a new, empty database");
    }
    let services = ServiceSet::all();
    db.migrate(&services.migrations().iter().collect::<Vec<_>>()).await?;
    let applied = migrations(&db).await?;
    ensure!(
        applied == manifest.migrations,
        "the export's schema (migrations {:?}) is not this build's ({applied:?}): export and import with the same release",
        manifest.migrations
    );
    let here = tables(&db).await?;
    if let Some(missing) = manifest.tables.keys().find(|table| !here.contains(table)) {
        bail!("the export has a table {missing} that this database does not");
    }

    // Objects first: rows naming a missing object must never be visible.
    let blob = Blob::from_config(&config.storage.blob_config())?;
    let objects = object_files(&from.join("objects"))?;
    ensure!(
        objects.len() as u64 == manifest.objects,
        "the export lists {} objects, has {}",
        manifest.objects,
        objects.len()
    );
    for (key, path) in &objects {
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        blob.put(key, bytes.into(), content_type_of(key)).await.with_context(|| format!("storing {key}"))?;
    }

    let mut load = db.pool().begin().await?;
    for (table, expected) in &manifest.tables {
        // The rows the migrations seeded (counters, cursors) are replaced by the export's.
        sqlx::query(&format!("DELETE FROM {}", identifier(table)?)).execute(&mut *load).await?;
        let path = from.join("tables").join(format!("{table}.jsonl"));
        let loaded = load_table(&mut load, table, &path).await.with_context(|| format!("loading {table}"))?;
        ensure!(loaded == *expected, "{table}: {loaded} rows in the file, {expected} in the manifest");
    }
    load.commit().await?;
    println!(
        "imported {} rows in {} tables and {} objects from {}",
        manifest.tables.values().sum::<u64>(),
        manifest.tables.len(),
        objects.len(),
        from.display()
    );
    Ok(())
}

/// Inserts one table's rows in batches; returns how many.
async fn load_table(load: &mut sqlx::Transaction<'static, Any>, table: &str, path: &Path) -> anyhow::Result<u64> {
    let file = fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut lines = BufReader::new(file).lines();
    let Some(header) = lines.next() else { return Ok(0) };
    let columns: Vec<String> = serde_json::from_str(&header?).context("the first line names the columns")?;
    let names = columns.iter().map(|column| identifier(column)).collect::<anyhow::Result<Vec<_>>>()?;
    let insert = format!("INSERT INTO {} ({}) VALUES ", identifier(table)?, names.join(", "));
    let row_placeholders = format!("({})", placeholders(columns.len()));
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(BATCH_ROWS);
    let mut count = 0;
    for line in lines {
        let row: Vec<Value> = serde_json::from_str(&line?).with_context(|| format!("row {}", count + 1))?;
        ensure!(row.len() == columns.len(), "row {} has {} values for {} columns", count + 1, row.len(), columns.len());
        batch.push(row);
        count += 1;
        if batch.len() == BATCH_ROWS {
            insert_batch(load, &insert, &row_placeholders, &batch).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        insert_batch(load, &insert, &row_placeholders, &batch).await?;
    }
    Ok(count)
}

async fn insert_batch(
    load: &mut sqlx::Transaction<'static, Any>,
    insert: &str,
    row_placeholders: &str,
    rows: &[Vec<Value>],
) -> anyhow::Result<()> {
    let sql = format!("{insert}{}", vec![row_placeholders; rows.len()].join(", "));
    let mut query = sqlx::query(&sql);
    for value in rows.iter().flatten() {
        query = bind(query, value)?;
    }
    query.execute(&mut **load).await?;
    Ok(())
}

fn bind<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    value: &Value,
) -> anyhow::Result<Query<'q, Any, AnyArguments<'q>>> {
    Ok(match value {
        Value::Null => query.bind(None::<String>),
        Value::Bool(flag) => query.bind(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => query.bind(integer),
            None => query.bind(number.as_f64().context("a number out of range")?),
        },
        Value::String(text) => query.bind(text.clone()),
        Value::Object(object) => {
            let encoded = object.get("base64").and_then(Value::as_str).context("an object value is {\"base64\": …}")?;
            query.bind(STANDARD.decode(encoded).context("bytes that are not base64")?)
        }
        Value::Array(_) => bail!("a column value cannot be an array"),
    })
}

/// Every file under `root` with its object key (its path below `root`).
fn object_files(root: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    if !root.exists() {
        return Ok(found);
    }
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).with_context(|| format!("cannot list {}", folder.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let relative = path.strip_prefix(root)?;
            let key = relative.iter().map(|part| part.to_string_lossy()).collect::<Vec<_>>().join("/");
            ensure!(is_valid_key(&key), "{} is not an object key of ours", relative.display());
            found.push((key, path));
        }
    }
    found.sort();
    Ok(found)
}
