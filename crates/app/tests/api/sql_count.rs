//! The number of SQL statements behind a post's detail and its comments page is
//! constant: it does not grow with the comments and replies shown (no N+1).
//!
//! Statements are counted from sqlx's own per-statement events (`sqlx::query`), so this
//! test installs its own tracing subscriber: it needs a process of its own, as
//! `cargo nextest` gives each test. Only statements run inside a request's span count
//! (sqlx carries the span to SQLite's worker thread too): the background workers poll
//! the database on their own clocks, and a slow machine let one of their statements
//! land inside a measured request. The setup of a connection the pool opens meanwhile
//! (`SET …`, `PRAGMA …`) is not a statement of the page either.

use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use tracing::field::{Field, Visit};
use tracing_subscriber::{
    layer::SubscriberExt as _, registry::LookupSpan, util::SubscriberInitExt as _, EnvFilter, Layer,
};
use yujie::ServiceSet;
use yujie_kernel::Clock;

use crate::helpers::{spawn_on, TestApp, TestBackend};

/// Collects the summary of each statement sqlx runs while answering a request.
#[derive(Clone, Default)]
struct Statements(Arc<Mutex<Vec<String>>>);

impl Statements {
    fn seen(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl<S> Layer<S> for Statements
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_event(&self, event: &tracing::Event<'_>, context: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let in_request = context.event_scope(event).is_some_and(|mut scope| scope.any(|span| span.name() == "request"));
        let mut summary = Summary::default();
        event.record(&mut summary);
        let setup = ["SET ", "PRAGMA "].iter().any(|prefix| summary.0.to_uppercase().starts_with(prefix));
        if in_request && !setup {
            self.0.lock().unwrap().push(summary.0);
        }
    }
}

/// The `summary` field of a `sqlx::query` event: the statement's first words.
#[derive(Default)]
struct Summary(String);

impl Visit for Summary {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "summary" {
            self.0 = value.to_owned();
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = format!("{value:?}");
        }
    }
}

/// Statements run while `request` is answered.
async fn statements_of(
    statements: &Statements,
    request: impl std::future::Future<Output = reqwest::Response>,
) -> Vec<String> {
    let before = statements.seen().len();
    let response = request.await;
    assert_eq!(response.status(), StatusCode::OK);
    let _ = response.bytes().await;
    statements.seen().split_off(before)
}

/// A post with `threads` top-level comments, each with `replies` replies.
async fn discussed_post(app: &TestApp, threads: usize, replies: usize) -> String {
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, &format!("明星{threads}"), &[]).await;
    let post = app.post(&member.access_token, persona["id"].as_str().unwrap(), "讨论").await;
    for thread in 0..threads {
        let comment = app.comment(&member.access_token, &post, &format!("楼{thread}"), None).await;
        for reply in 0..replies {
            app.comment(&member.access_token, &post, &format!("回复{reply}"), comment["id"].as_str()).await;
        }
    }
    post
}

#[tokio::test]
async fn a_post_with_its_comments_takes_the_same_statements_however_many_there_are() {
    let statements = Statements::default();
    tracing_subscriber::registry()
        .with(EnvFilter::new("warn,sqlx::query=debug,yujie_kernel::http=info"))
        .with(statements.clone())
        .try_init()
        .expect("this test counts statements through its own subscriber: run it in its own process (cargo nextest)");
    let backend = Arc::new(TestBackend::new().await);
    let services = ServiceSet::parse(&["identity".into(), "content".into()]).unwrap();
    let app = spawn_on(backend, Clock::system(), services, |config| {
        config.http.rate_limits.insert("comment_create".into(), yujie_kernel::config::RateRule::new(1000, 3600));
    })
    .await;
    let small = discussed_post(&app, 1, 1).await;
    let large = discussed_post(&app, 20, 5).await;
    let viewer = app.sign_in().await;

    // Anonymous pages are counted once, when they are rendered (then they are cached).
    // Signed-in ones are rendered for each request: the least of three tries is counted,
    // because the viewer's cached session state (1 s) can expire between two of them.
    let mut counts = Vec::new();
    for post in [&small, &large] {
        for token in [None, Some(viewer.access_token.as_str())] {
            let tries = if token.is_some() { 3 } else { 1 };
            let (mut detail, mut comments): (Option<Vec<String>>, Option<Vec<String>>) = (None, None);
            for _ in 0..tries {
                let path = format!("/api/v1/posts/{post}");
                detail = fewest(detail, statements_of(&statements, app.get(&path, token)).await);
                let path = format!("/api/v1/posts/{post}/comments?limit=20");
                comments = fewest(comments, statements_of(&statements, app.get(&path, token)).await);
            }
            counts.push((detail.unwrap(), comments.unwrap()));
        }
    }
    let [small_anonymous, small_signed_in, large_anonymous, large_signed_in] = &counts[..] else { unreachable!() };
    let sizes = |(detail, comments): &(Vec<String>, Vec<String>)| (detail.len(), comments.len());
    assert!(sizes(small_anonymous).0 > 0 && sizes(small_anonymous).1 > 0, "no statement was seen: {small_anonymous:?}");
    assert_eq!(
        sizes(large_anonymous),
        sizes(small_anonymous),
        "1 comment vs 20 with 5 replies each, anonymous: {large_anonymous:#?} vs {small_anonymous:#?}"
    );
    assert_eq!(
        sizes(large_signed_in),
        sizes(small_signed_in),
        "the same, signed in: {large_signed_in:#?} vs {small_signed_in:#?}"
    );
    let (detail, comments) = sizes(large_anonymous);
    assert!(detail <= 4 && comments <= 6, "statements (detail, comments): {large_anonymous:#?}");
    let (detail, comments) = sizes(large_signed_in);
    assert!(detail <= 5 && comments <= 7, "statements (detail, comments): {large_signed_in:#?}");
}

/// The shorter of two tries' statements.
fn fewest(so_far: Option<Vec<String>>, this_try: Vec<String>) -> Option<Vec<String>> {
    match so_far {
        Some(fewer) if fewer.len() <= this_try.len() => Some(fewer),
        _ => Some(this_try),
    }
}
