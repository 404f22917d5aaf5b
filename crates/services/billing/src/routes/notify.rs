//! The channels' notification endpoints, answered exactly as each channel expects.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use yujie_kernel::http::ApiBytes;

use crate::{notify::NotifyError, Billing};

/// The main fields of Alipay's notification form, for the API document only: the
/// handler reads the form into one map (see `alipay::parse_notification_form`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AlipayNotification {
    pub notify_id: String,
    pub app_id: String,
    pub seller_id: String,
    pub out_trade_no: String,
    pub trade_no: Option<String>,
    pub trade_status: String,
    pub total_amount: String,
    pub sign_type: String,
    pub sign: String,
}

/// WeChat Pay's answer format for a notification it should resend.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ChannelFailure {
    /// Always `FAIL`.
    pub code: String,
    pub message: String,
}

impl ChannelFailure {
    fn new(message: &str) -> Self {
        Self { code: "FAIL".to_owned(), message: message.to_owned() }
    }
}

/// WeChat Pay's payment notification: 204 when handled; otherwise 4xx/5xx with
/// `{"code":"FAIL","message":…}` so that WeChat Pay retries.
#[utoipa::path(post, path = "/billing/notify/wechatpay", tag = "billing",
    request_body(content = String, content_type = "application/json"),
    responses((status = 204),
              (status = 400, description = "refused: `{\"code\":\"FAIL\"}`", content_type = "application/json", body = ChannelFailure),
              (status = 401, description = "signature refused", content_type = "application/json", body = ChannelFailure),
              (status = 500, description = "try again later", content_type = "application/json", body = ChannelFailure)))]
pub async fn wechatpay_notify(
    State(billing): State<Billing>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Response {
    let body = String::from_utf8_lossy(&body);
    let result = billing.wechatpay_notification(&headers, &body).await;
    billing.count_notification("wechatpay", &result);
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(NotifyError::Rejected(refusal)) => {
            tracing::warn!(channel = "wechatpay", reason = %refusal, "payment notification refused");
            let status = if refusal.is_authentication() { StatusCode::UNAUTHORIZED } else { StatusCode::BAD_REQUEST };
            (status, Json(ChannelFailure::new("notification refused"))).into_response()
        }
        Err(NotifyError::Failed(error)) => {
            tracing::error!(channel = "wechatpay", error = format!("{error:#}"), "payment notification failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Json(ChannelFailure::new("try again later"))).into_response()
        }
    }
}

/// Alipay's asynchronous notification (a form POST): exactly `success` when handled,
/// `fail` otherwise, so that Alipay resends.
#[utoipa::path(post, path = "/billing/notify/alipay", tag = "billing",
    request_body(content = AlipayNotification, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, content_type = "text/plain", body = String, description = "`success`"),
              (status = 400, content_type = "text/plain", body = String, description = "`fail`: refused"),
              (status = 500, content_type = "text/plain", body = String, description = "`fail`: try again later")))]
pub async fn alipay_notify(State(billing): State<Billing>, ApiBytes(body): ApiBytes) -> Response {
    let result = billing.alipay_notification(&body).await;
    billing.count_notification("alipay", &result);
    match result {
        Ok(()) => (StatusCode::OK, "success").into_response(),
        Err(NotifyError::Rejected(refusal)) => {
            tracing::warn!(channel = "alipay", reason = %refusal, "payment notification refused");
            (StatusCode::BAD_REQUEST, "fail").into_response()
        }
        Err(NotifyError::Failed(error)) => {
            tracing::error!(channel = "alipay", error = format!("{error:#}"), "payment notification failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "fail").into_response()
        }
    }
}
