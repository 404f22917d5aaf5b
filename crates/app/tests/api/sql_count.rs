//! The number of SQL statements behind a post's detail and its comments page is
//! constant: it does not grow with the comments and replies shown (no N+1).
//!
//! Statements are counted from sqlx's own per-statement events (`sqlx::query`), so this
//! test installs its own tracing subscriber: it needs a process of its own, as
//! `cargo nextest` gives each test.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use reqwest::StatusCode;
use tracing_subscriber::{layer::SubscriberExt as _, util::SubscriberInitExt as _, EnvFilter, Layer};
use yujie::ServiceSet;
use yujie_kernel::Clock;

use crate::helpers::{spawn_on, TestApp, TestBackend};

/// Counts the statements sqlx runs.
struct Statements(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Statements run while `request` is answered.
async fn statements_of(counter: &AtomicUsize, request: impl std::future::Future<Output = reqwest::Response>) -> usize {
    let before = counter.load(Ordering::SeqCst);
    let response = request.await;
    assert_eq!(response.status(), StatusCode::OK);
    let _ = response.bytes().await;
    counter.load(Ordering::SeqCst) - before
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
    let counter = Arc::new(AtomicUsize::new(0));
    tracing_subscriber::registry()
        .with(EnvFilter::new("warn,sqlx::query=debug"))
        .with(Statements(counter.clone()))
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
            let (mut detail, mut comments) = (usize::MAX, usize::MAX);
            for _ in 0..tries {
                let path = format!("/api/v1/posts/{post}");
                detail = detail.min(statements_of(&counter, app.get(&path, token)).await);
                let path = format!("/api/v1/posts/{post}/comments?limit=20");
                comments = comments.min(statements_of(&counter, app.get(&path, token)).await);
            }
            counts.push((detail, comments));
        }
    }
    let [small_anonymous, small_signed_in, large_anonymous, large_signed_in] = counts[..] else { unreachable!() };
    assert_eq!(large_anonymous, small_anonymous, "1 comment vs 20 with 5 replies each, anonymous");
    assert_eq!(large_signed_in, small_signed_in, "the same, signed in");
    assert!(large_anonymous.0 <= 4 && large_anonymous.1 <= 6, "statements (detail, comments): {large_anonymous:?}");
    assert!(large_signed_in.0 <= 5 && large_signed_in.1 <= 7, "statements (detail, comments): {large_signed_in:?}");
}
