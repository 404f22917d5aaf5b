//! The audit log in the console: newest first, paged without a gap or a repeat, and
//! filtered by actor, action and target.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{admin_helpers::StaffBrowser, helpers::spawn_app};

/// Every entry the query reaches, following `next_before` page by page.
async fn all_pages(app: &crate::helpers::TestApp, staff: &StaffBrowser, query: &str) -> (Vec<Value>, usize) {
    let (mut entries, mut pages, mut before) = (Vec::new(), 0, String::new());
    loop {
        let path = format!("/audit?limit=2&before={before}{query}");
        let page: Value = staff.send(app, Method::GET, &path, None, true).await.json().await.unwrap();
        pages += 1;
        entries.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_before"].as_str() {
            Some(next) => before = next.to_owned(),
            None => return (entries, pages),
        }
    }
}

async fn account_id(app: &crate::helpers::TestApp, staff: &StaffBrowser) -> String {
    let me: Value = staff.send(app, Method::GET, "/me", None, true).await.json().await.unwrap();
    me["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_audit_log_pages_newest_first_and_filters_by_actor_action_and_target() {
    let app = spawn_app().await;
    let admin = app.staff_sign_in("staff-admin").await;
    let words = ["代开发票", "私服外挂", "刷单返利", "网赌平台", "裸聊"];
    for word in words {
        let body = json!({ "word": word, "category": "advert", "action": "block" });
        assert!(admin.send(&app, Method::POST, "/safety/words", Some(body), true).await.status().is_success());
    }
    let removed =
        format!("/safety/words/{}", url::form_urlencoded::byte_serialize("裸聊".as_bytes()).collect::<String>());
    assert!(admin.send(&app, Method::DELETE, &removed, None, true).await.status().is_success());
    let moderator = app.staff_sign_in("staff-moderator").await;

    let (entries, pages) = all_pages(&app, &moderator, "").await;
    assert_eq!(pages, 3, "six entries in pages of two, and no empty page after the last");
    let ids: Vec<&str> = entries.iter().map(|entry| entry["id"].as_str().unwrap()).collect();
    let mut newest_first = ids.clone();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    newest_first.dedup();
    assert_eq!(ids, newest_first, "newest first, no entry twice");
    let targets: Vec<&str> = entries.iter().map(|entry| entry["target_id"].as_str().unwrap()).collect();
    assert_eq!(targets, ["裸聊", "裸聊", "网赌平台", "刷单返利", "私服外挂", "代开发票"]);
    assert_eq!(entries[0]["action"], "lexicon_remove");

    let (added, _) = all_pages(&app, &moderator, "&action=lexicon_add").await;
    assert_eq!(added.len(), 5);
    assert!(added.iter().all(|entry| entry["action"] == "lexicon_add"));
    let (by_admin, _) = all_pages(&app, &moderator, &format!("&actor_id={}", account_id(&app, &admin).await)).await;
    assert_eq!(by_admin.len(), 6);
    let (by_moderator, _) =
        all_pages(&app, &moderator, &format!("&actor_id={}", account_id(&app, &moderator).await)).await;
    assert!(by_moderator.is_empty(), "reading the log is not an action");
    let target = url::form_urlencoded::byte_serialize("裸聊".as_bytes()).collect::<String>();
    let (of_word, _) = all_pages(&app, &moderator, &format!("&target_kind=word&target_id={target}")).await;
    let actions: Vec<&str> = of_word.iter().map(|entry| entry["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["lexicon_remove", "lexicon_add"]);
}
