//! Billing test helpers: ordering, 「模拟支付」, reading membership.

use reqwest::StatusCode;
use serde_json::{json, Value};
use yujie_standins::payments::SimulatedPayment;

use crate::helpers::{Session, TestApp};

pub const DAY_MS: i64 = 24 * 3600 * 1000;

impl TestApp {
    pub async fn order(&self, session: &Session, channel: &str) -> Value {
        let response = self
            .post_json(
                "/api/v1/billing/orders",
                Some(&session.access_token),
                &json!({ "plan_id": "monthly", "channel": channel }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    pub async fn simulate_pay(&self, channel: &str, out_trade_no: &str, deliver: bool) -> SimulatedPayment {
        let body = json!({ "out_trade_no": out_trade_no, "deliver": deliver });
        let response = self.post_json(&format!("/_standin/{channel}/simulate-pay"), None, &body).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Delivers a WeChat Pay notification (headers and body) to our endpoint.
    pub async fn wechatpay_notify(&self, headers: &[(String, String)], body: &str) -> reqwest::Response {
        let mut request =
            self.http.post(self.url("/api/v1/billing/notify/wechatpay")).header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        request.body(body.to_owned()).send().await.unwrap()
    }

    pub async fn alipay_notify(&self, fields: &[(String, String)]) -> reqwest::Response {
        self.http.post(self.url("/api/v1/billing/notify/alipay")).form(fields).send().await.unwrap()
    }

    /// The user's member-until in UTC ms, straight from identity's table.
    pub async fn member_until(&self, user_id: &str) -> Option<i64> {
        use sqlx::Row as _;
        sqlx::query("SELECT member_until FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_one(self.platform.db.pool())
            .await
            .unwrap()
            .try_get("member_until")
            .unwrap()
    }

    /// Asserts the user is a member until `days` from now on the app's clock (which
    /// tests may have moved on), within a minute: one grant, not two.
    pub async fn assert_member_for_days(&self, user_id: &str, days: i64) {
        let until = self.member_until(user_id).await.expect("a member");
        let expected = self.platform.clock.now_ms() + days * DAY_MS;
        assert!((until - expected).abs() < 60_000, "member until {until}, expected about {expected}");
    }

    pub async fn order_state(&self, session: &Session, order_id: &str) -> Value {
        let response = self.get(&format!("/api/v1/billing/orders/{order_id}"), Some(&session.access_token)).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }
}

/// Asserts `until` is `days` from now, within a minute.
pub fn assert_days_from_now(until: Option<i64>, days: i64) {
    let now = chrono::Utc::now().timestamp_millis();
    let until = until.expect("a member");
    let expected = now + days * DAY_MS;
    assert!((until - expected).abs() < 60_000, "member until {until}, expected about {expected}");
}
