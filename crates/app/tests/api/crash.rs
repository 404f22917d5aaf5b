//! A crash between an order's paid update and its membership grant. An instance is
//! stopped at the fault point `billing.paid_not_granted` and killed with SIGKILL; after a
//! restart, its reconciliation worker grants the membership, exactly once, and the
//! channel's retried notification grants nothing more.
//!
//! The instances are this test binary run again as a child process (`child_instance`),
//! so the kill is real, and the fault point exists only in the test build.

use std::{
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

use reqwest::StatusCode;
use tokio::sync::mpsc;
use yujie::Config;
use yujie::{Application, ServiceSet};
use yujie_kernel::Clock;

use crate::helpers::{eventually, spawn_on, TestBackend};

const CHILD_CONFIG: &str = "YUJIE_TEST_CHILD_CONFIG";
const CHILD_FAULT: &str = "YUJIE_TEST_CHILD_FAULT";
const FAULT: &str = "billing.paid_not_granted";

/// An instance in a child process, killed with SIGKILL when dropped.
struct ChildInstance {
    process: Child,
    public: String,
    lines: mpsc::UnboundedReceiver<String>,
    _config: tempfile::NamedTempFile,
}

impl ChildInstance {
    async fn start(config: &Config, fault: Option<&str>) -> Self {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), serde_json::to_vec(config).unwrap()).unwrap();
        let mut process = Command::new(std::env::current_exe().unwrap())
            .args(["crash::child_instance", "--exact", "--ignored", "--nocapture"])
            .env(CHILD_CONFIG, file.path())
            .env(CHILD_FAULT, fault.unwrap_or_default())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (sender, mut lines) = mpsc::unbounded_channel();
        let stdout = process.stdout.take().unwrap();
        std::thread::spawn(move || {
            use std::io::BufRead as _;
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let public = loop {
            let line = tokio::time::timeout(Duration::from_secs(60), lines.recv())
                .await
                .expect("the child instance started")
                .expect("the child instance is running");
            if let Some(url) = line.strip_prefix("child instance listening on ") {
                break url.to_owned();
            }
        };
        Self { process, public, lines, _config: file }
    }

    async fn wait_for_line(&mut self, expected: &str) {
        let reached = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = self.lines.recv().await {
                if line == expected {
                    return true;
                }
            }
            false
        });
        assert!(reached.await.unwrap_or(false), "the child never printed {expected:?}");
    }

    fn kill(&mut self) {
        // `Child::kill` sends SIGKILL on Unix: no shutdown code runs.
        self.process.kill().unwrap();
        self.process.wait().unwrap();
    }
}

impl Drop for ChildInstance {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// The instance `ChildInstance::start` runs: a no-op unless started by it.
#[tokio::test]
#[ignore = "run as a child process by the crash tests"]
async fn child_instance() {
    let Ok(path) = std::env::var(CHILD_CONFIG) else { return };
    let config: Config = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    match std::env::var(CHILD_FAULT) {
        Ok(fault) if !fault.is_empty() => yujie_kernel::fault::arm(&fault),
        _ => {}
    }
    let app = Application::build(config, ServiceSet::all(), Clock::system()).await.unwrap();
    println!("child instance listening on http://127.0.0.1:{}", app.public_port());
    app.run_until_stopped().await.unwrap();
}

#[tokio::test]
async fn a_kill_between_paid_and_granted_is_granted_once_after_restart() {
    let backend = Arc::new(TestBackend::new().await);
    let quiet = |config: &mut Config| config.billing.reconcile_interval_secs = 3600;
    let app = spawn_on(backend.clone(), Clock::system(), ServiceSet::all(), quiet).await;
    let user = app.sign_in().await;
    let order = app.order(&user, "wechatpay").await;
    let order_id = order["id"].as_str().unwrap();
    let paid = app.simulate_pay("wechatpay", order["out_trade_no"].as_str().unwrap(), false).await;

    let mut config = backend.config();
    quiet(&mut config);
    let mut crashing = ChildInstance::start(&config, Some(FAULT)).await;
    let mut notification = app
        .http
        .post(format!("{}/api/v1/billing/notify/wechatpay", crashing.public))
        .header("content-type", "application/json");
    for (name, value) in &paid.fields {
        notification = notification.header(name.as_str(), value.as_str());
    }
    let delivery = tokio::spawn(notification.body(paid.body.clone()).send());
    crashing.wait_for_line(&format!("fault point reached: {FAULT}")).await;
    crashing.kill();
    let delivered = delivery.await.unwrap();
    assert!(delivered.is_err(), "the channel got no answer, so it will retry: {delivered:?}");
    assert_eq!(app.order_state(&user, order_id).await["state"], "paid");
    assert_eq!(app.member_until(&user.user_id).await, None, "killed before the grant");
    assert_eq!(app.count("membership_grants").await, 0);

    // Restarted with its worker on, the instance completes the order by itself.
    config.billing.reconcile_interval_secs = 1;
    let restarted = ChildInstance::start(&config, None).await;
    let granted = eventually(Duration::from_secs(20), || async { app.member_until(&user.user_id).await.is_some() });
    assert!(granted.await.is_some(), "the reconciliation worker fulfilled the order");
    app.assert_member_for_days(&user.user_id, 30).await;
    assert_eq!(app.order_state(&user, order_id).await["state"], "paid");

    // WeChat Pay's retry is acknowledged and grants nothing; nor do later passes.
    let retried = app.at(&restarted.public).wechatpay_notify(&paid.fields, &paid.body).await;
    assert_eq!(retried.status(), StatusCode::NO_CONTENT);
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(app.count("membership_grants").await, 1);
    app.assert_member_for_days(&user.user_id, 30).await;
}
