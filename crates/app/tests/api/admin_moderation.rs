//! The report queue and staff actions from the console: moderators dismiss and remove,
//! admins ban and unban; concurrent actions on one target have one winner; every
//! action lands in the audit log; every route checks its caller's role.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, spawn_with, TestApp};

/// A member's post about a persona, reported by another user; returns (post id, author).
async fn reported_post(app: &TestApp) -> (String, crate::helpers::Session) {
    let author = app.member().await;
    let persona = app.create_persona(&author.access_token, "范冰冰", &[]).await;
    let post = app.post(&author.access_token, persona["id"].as_str().unwrap(), "广告帖").await;
    let reporter = app.sign_in().await;
    let report = json!({ "target_kind": "post", "target_id": post, "reason": "spam", "note": "发广告" });
    let filed = app.post_json("/api/v1/reports", Some(&reporter.access_token), &report).await;
    assert_eq!(filed.status(), StatusCode::CREATED);
    (post, author)
}

#[tokio::test]
async fn a_moderator_removes_a_reported_post_and_an_admin_bans_its_author_for_7_days() {
    let app = spawn_app().await;
    let (post, author) = reported_post(&app).await;
    let moderator = app.staff_sign_in("staff-moderator").await;
    let queue: Value = moderator.send(&app, Method::GET, "/reports", None, true).await.json().await.unwrap();
    assert_eq!(queue[0]["target_id"], post.as_str());
    assert_eq!(queue[0]["reports"][0]["note"], "发广告");

    let removal = json!({ "resolution": "remove", "reason": "垃圾广告" });
    let path = format!("/reports/post/{post}/resolution");
    let removed = moderator.send(&app, Method::POST, &path, Some(removal.clone()), true).await;
    assert_eq!(removed.status(), StatusCode::OK);
    assert_eq!(removed.json::<Value>().await.unwrap(), json!({ "reports": 1, "removed": true }));
    assert_eq!(app.get(&format!("/api/v1/posts/{post}"), None).await.status(), StatusCode::NOT_FOUND);
    let again = moderator.send(&app, Method::POST, &path, Some(removal), true).await;
    assert_problem(again, StatusCode::CONFLICT, "conflict").await;

    let ban = json!({ "days": 7, "reason": "多次发布广告", "remove_content": false });
    let refused =
        moderator.send(&app, Method::PUT, &format!("/users/{}/ban", author.user_id), Some(ban.clone()), true).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "only admins ban");
    let admin = app.staff_sign_in("staff-admin").await;
    let banned = admin.send(&app, Method::PUT, &format!("/users/{}/ban", author.user_id), Some(ban), true).await;
    assert_eq!(banned.status(), StatusCode::OK);

    let next = app.get("/api/v1/me/posts", Some(&author.access_token)).await;
    let problem = assert_problem(next, StatusCode::FORBIDDEN, "user_banned").await;
    assert_eq!(problem["context"]["reason"], "多次发布广告");
    let until = chrono::DateTime::parse_from_rfc3339(problem["context"]["banned_until"].as_str().unwrap()).unwrap();
    let days = (until.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours();
    assert!((167..=168).contains(&days), "7 days: {days} h");

    let audit: Value = admin.send(&app, Method::GET, "/audit", None, true).await.json().await.unwrap();
    let actions: Vec<(&str, &str, &str)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["action"].as_str().unwrap(),
                entry["actor_name"].as_str().unwrap(),
                entry["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(actions, [("ban", "管理员 王强", "多次发布广告"), ("remove", "审核员 李娜", "垃圾广告")]);
    assert_eq!(audit["items"][0]["target_id"], author.user_id.as_str());
    assert!(audit["items"][0]["before"].is_object() && audit["items"][0]["after"].is_object());

    let unban = json!({ "reason": "申诉通过" });
    let lifted = admin.send(&app, Method::DELETE, &format!("/users/{}/ban", author.user_id), Some(unban), true).await;
    assert_eq!(lifted.status(), StatusCode::OK);
    // The ban revoked the author's sessions; unbanned, they sign in again.
    assert_eq!(app.get("/api/v1/me", Some(&author.access_token)).await.status(), StatusCode::UNAUTHORIZED);
    let back = app.sign_in_as(Some(&author.openid)).await;
    assert_eq!(back.user_id, author.user_id);
    assert_eq!(app.get("/api/v1/me/posts", Some(&back.access_token)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_ban_that_removes_all_content_is_restored_as_one_batch() {
    let app = spawn_app().await;
    let (post, author) = reported_post(&app).await;
    let admin = app.staff_sign_in("staff-admin").await;
    let ban = json!({ "reason": "严重违规", "remove_content": true });
    let banned = admin.send(&app, Method::PUT, &format!("/users/{}/ban", author.user_id), Some(ban), true).await;
    let body: Value = banned.json().await.unwrap();
    assert!(body["banned_until"].is_null(), "permanent: {body}");
    assert_eq!(body["content_removed"], 1, "the post: {body}");
    assert_eq!(app.get(&format!("/api/v1/posts/{post}"), None).await.status(), StatusCode::NOT_FOUND);

    let unban = json!({ "reason": "误封", "restore_content": true });
    let lifted = admin.send(&app, Method::DELETE, &format!("/users/{}/ban", author.user_id), Some(unban), true).await;
    assert_eq!(lifted.status(), StatusCode::OK);
    assert_eq!(app.get(&format!("/api/v1/posts/{post}"), None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn two_moderators_acting_on_one_target_at_once_have_exactly_one_winner() {
    let app = spawn_app().await;
    let (post, _) = reported_post(&app).await;
    let (first, second) = (app.staff_sign_in("staff-moderator").await, app.staff_sign_in("staff-admin").await);
    let path = format!("/reports/post/{post}/resolution");
    let (a, b) = tokio::join!(
        first.send(&app, Method::POST, &path, Some(json!({ "resolution": "remove", "reason": "广告" })), true),
        second.send(&app, Method::POST, &path, Some(json!({ "resolution": "dismiss", "reason": "没问题" })), true),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let audit: Value = second.send(&app, Method::GET, "/audit", None, true).await.json().await.unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "one action recorded");
}

/// Filing takes the target's row before the report's, as resolving does: on MariaDB,
/// opposite orders deadlock and one side gets a 500.
#[tokio::test]
async fn reports_filed_while_moderators_dismiss_are_each_answered_and_counted() {
    let app = spawn_with(|config| {
        config.http.rate_limits.insert("login_qr".into(), yujie_kernel::config::RateRule::new(1000, 60));
    })
    .await;
    let (post, _) = reported_post(&app).await;
    let moderator = app.staff_sign_in("staff-moderator").await;
    let mut reporters = Vec::new();
    for _ in 0..24 {
        reporters.push(app.sign_in().await);
    }
    let report = json!({ "target_kind": "post", "target_id": post, "reason": "spam" });
    let path = format!("/reports/post/{post}/resolution");
    let dismiss = json!({ "resolution": "dismiss", "reason": "批量处理" });
    let (filed, dismissed) = tokio::join!(
        futures::future::join_all(reporters.iter().map(|reporter| app.post_json(
            "/api/v1/reports",
            Some(&reporter.access_token),
            &report
        ))),
        futures::future::join_all((0..6).map(|_| moderator.send(
            &app,
            Method::POST,
            &path,
            Some(dismiss.clone()),
            true
        ))),
    );
    for response in filed {
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    for response in dismissed {
        assert!(matches!(response.status(), StatusCode::OK | StatusCode::CONFLICT), "{}", response.status());
    }
    // Whatever is still open is counted exactly: the target's count is its open reports.
    let queue: Value = moderator.send(&app, Method::GET, "/reports", None, true).await.json().await.unwrap();
    for entry in queue.as_array().unwrap() {
        assert_eq!(entry["open_count"], entry["reports"].as_array().unwrap().len(), "{entry}");
    }
}

#[tokio::test]
async fn bad_actions_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let (post, author) = reported_post(&app).await;
    let admin = app.staff_sign_in("staff-admin").await;
    let path = format!("/reports/post/{post}/resolution");
    for (body, field) in [
        (json!({ "resolution": "delete", "reason": "x" }), "resolution"),
        (json!({ "resolution": "remove", "reason": " " }), "reason"),
    ] {
        let response = admin.send(&app, Method::POST, &path, Some(body), true).await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
        assert_eq!(problem["errors"][0]["field"], field);
    }
    let ban = json!({ "days": 3, "reason": "x" });
    let response = admin.send(&app, Method::PUT, &format!("/users/{}/ban", author.user_id), Some(ban), true).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert_eq!(problem["errors"][0]["field"], "days");
    let unknown = admin.send(&app, Method::PUT, "/users/nobody/ban", Some(json!({ "reason": "x" })), true).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_console_route_checks_the_callers_role() {
    use StatusCode as S;
    let app = spawn_app().await;
    let (post, author) = reported_post(&app).await;
    let moderator = app.staff_sign_in("staff-moderator").await;
    let admin = app.staff_sign_in("staff-admin").await;
    let ban = format!("/users/{}/ban", author.user_id);
    let resolve = format!("/reports/post/{post}/resolution");
    // (method, path, body, [no session, moderator, admin]); state-changing requests
    // carry the CSRF token, so what is tested is the role.
    let word = "/safety/words/%E8%B5%8C%E7%90%83";
    let user = format!("/users/{}", author.user_id);
    let style = "/personas/nobody/style";
    let cases: [(Method, &str, Option<Value>, [S; 3]); 19] = [
        (Method::GET, "/me", None, [S::UNAUTHORIZED, S::OK, S::OK]),
        (Method::GET, "/accounts", None, [S::UNAUTHORIZED, S::FORBIDDEN, S::OK]),
        (Method::DELETE, "/accounts/nobody/sessions", None, [S::UNAUTHORIZED, S::FORBIDDEN, S::NOT_FOUND]),
        (Method::GET, "/reports", None, [S::UNAUTHORIZED, S::OK, S::OK]),
        (Method::GET, "/audit", None, [S::UNAUTHORIZED, S::OK, S::OK]),
        (Method::PUT, &ban, Some(json!({ "reason": "x", "days": 1 })), [S::UNAUTHORIZED, S::FORBIDDEN, S::OK]),
        (Method::DELETE, &ban, Some(json!({ "reason": "x" })), [S::UNAUTHORIZED, S::FORBIDDEN, S::OK]),
        (
            Method::POST,
            &resolve,
            Some(json!({ "resolution": "dismiss", "reason": "x" })),
            [S::UNAUTHORIZED, S::OK, S::CONFLICT],
        ),
        (Method::GET, "/users?q=x", None, [S::UNAUTHORIZED, S::OK, S::OK]),
        (Method::GET, "/personas/sync", None, [S::UNAUTHORIZED, S::OK, S::OK]),
        (Method::GET, "/personas/nobody/feedback", None, [S::UNAUTHORIZED, S::OK, S::OK]),
        (Method::PUT, style, Some(json!({ "style_note": "x" })), [S::UNAUTHORIZED, S::FORBIDDEN, S::NOT_FOUND]),
        (Method::GET, &user, None, [S::UNAUTHORIZED, S::OK, S::OK]),
        (Method::GET, "/safety/words", None, [S::UNAUTHORIZED, S::OK, S::OK]),
        (Method::GET, "/safety/hits", None, [S::UNAUTHORIZED, S::OK, S::OK]),
        (
            Method::POST,
            "/safety/words",
            Some(json!({ "word": "赌球", "category": "gambling", "action": "mask" })),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::OK],
        ),
        (Method::POST, "/safety/words/import", None, [S::UNAUTHORIZED, S::FORBIDDEN, S::OK]),
        (Method::DELETE, word, None, [S::UNAUTHORIZED, S::FORBIDDEN, S::OK]),
        // Last: it ends the sessions the rows above use.
        (Method::POST, "/auth/logout", None, [S::UNAUTHORIZED, S::NO_CONTENT, S::NO_CONTENT]),
    ];
    let document: Value =
        reqwest::get(format!("{}/staff/admin/openapi.json", app.staff)).await.unwrap().json().await.unwrap();
    for (template, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let covered = cases.iter().any(|(case_method, path, _, _)| {
                case_method.as_str().eq_ignore_ascii_case(method) && matches_template(template, path)
            });
            assert!(covered, "{method} {template} has no row in this table");
        }
    }
    let mut failures = Vec::new();
    for (method, path, body, expected) in &cases {
        let anonymous = crate::admin_helpers::no_redirects()
            .request(method.clone(), format!("{}/staff/admin{path}", app.staff))
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .status();
        let as_moderator = moderator.send(&app, method.clone(), path, body.clone(), true).await.status();
        let as_admin = admin.send(&app, method.clone(), path, body.clone(), true).await.status();
        if [anonymous, as_moderator, as_admin] != *expected {
            failures
                .push(format!("{method} {path}: got {:?}, expected {expected:?}", [anonymous, as_moderator, as_admin]));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// "Also remove all their content" reaches the AI through the change feed: the banned
/// author's post leaves the provider's knowledge, and the restored batch comes back.
#[tokio::test]
async fn a_ban_with_content_removal_takes_the_posts_out_of_the_ais_knowledge() {
    let app = crate::companion_helpers::spawn_companion().await;
    let author = app.member().await;
    let persona = app.persona_with_profile(&author, "范冰冰", &[]).await;
    let text = "她穿着一袭青花瓷礼服亮相金鸡奖红毯。";
    assert_eq!(app.create_post(&author.access_token, &persona, "红毯", text, 0).await.status(), StatusCode::CREATED);
    let bound = std::time::Duration::from_secs(60);
    let known = || app.provider_knows("青花瓷礼服", "青花瓷礼服");
    assert!(crate::helpers::eventually(bound, known).await.is_some(), "the post reached the provider");

    let admin = app.staff_sign_in("staff-admin").await;
    let ban = json!({ "days": 30, "reason": "严重违规", "remove_content": true });
    let banned = admin.send(&app, Method::PUT, &format!("/users/{}/ban", author.user_id), Some(ban), true).await;
    assert_eq!(banned.status(), StatusCode::OK);
    let gone =
        crate::helpers::eventually(bound, || async { !app.provider_knows("青花瓷礼服", "青花瓷礼服").await });
    assert!(gone.await.is_some(), "the banned author's post is still at the provider");

    let unban = json!({ "reason": "误封", "restore_content": true });
    let lifted = admin.send(&app, Method::DELETE, &format!("/users/{}/ban", author.user_id), Some(unban), true).await;
    assert_eq!(lifted.status(), StatusCode::OK);
    assert!(crate::helpers::eventually(bound, known).await.is_some(), "the restored post is back at the provider");
}

/// Whether a concrete path (its query aside) fits an OpenAPI path template.
fn matches_template(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let (template, path): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template.iter().zip(&path).all(|(part, actual)| part.starts_with('{') || part == actual)
}
