//! The change feed under concurrent writers on MariaDB: a reader that always asks for
//! what follows the last number it saw must never see a number while a lower one is
//! still uncommitted, or it would skip that change for good.

use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use futures::{stream, StreamExt as _};
use serde_json::json;

use super::require_mariadb;
use crate::helpers::spawn_with;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reader_never_sees_a_number_before_a_lower_one_has_committed() {
    require_mariadb();
    let app = spawn_with(|config| {
        config.database.max_connections = 16;
        config.http.rate_limits.insert("content_write".into(), yujie_kernel::config::RateRule::new(1000, 3600));
    })
    .await;
    let user = app.sign_in().await;
    let persona = app.create_persona(&user.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let start = app.changes_after(0, 100).await["next_after"].as_i64().unwrap();

    let writing = AtomicBool::new(true);
    let writers = async {
        let writes = (0..200).map(|index| {
            let entry = json!({ "section": "achievement", "title": format!("奖项{index}"), "year": 2004 });
            app.add_entry(&user.access_token, persona_id, entry)
        });
        // Twenty at a time, so that the writes last long enough for many reads between.
        let responses: Vec<_> = stream::iter(writes).buffer_unordered(20).collect().await;
        let statuses: Vec<_> = responses.iter().map(reqwest::Response::status).collect();
        writing.store(false, Ordering::SeqCst);
        statuses
    };
    let reader = async {
        // How many reads found new changes while the writes were still running.
        let (mut after, mut seen, mut busy_reads) = (start, Vec::new(), 0);
        loop {
            let done = !writing.load(Ordering::SeqCst);
            let page = app.changes_after(after, 50).await;
            if !done && !page["changes"].as_array().unwrap().is_empty() {
                busy_reads += 1;
            }
            for change in page["changes"].as_array().unwrap() {
                let seq = change["seq"].as_i64().unwrap();
                assert_eq!(seq, after + 1, "after {after} the reader saw {seq}: a lower number was not committed yet");
                after = seq;
                seen.push(change["item_id"].as_str().unwrap().to_owned());
            }
            if done && page["changes"].as_array().unwrap().is_empty() {
                return (seen, busy_reads);
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    };
    let (statuses, (seen, busy_reads)) = tokio::join!(writers, reader);
    assert!(statuses.iter().all(|status| status.as_u16() == 201), "{statuses:?}");
    assert!(busy_reads >= 20, "only {busy_reads} reads found changes while the writes ran");
    assert_eq!(seen.len(), 200, "the reader saw every change once");
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), 200);
}
