//! The channels' notification endpoints, answered exactly as each channel expects.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;
use yujie_kernel::http::ApiBytes;

use crate::{notify::NotifyError, Billing};

/// WeChat Pay's payment notification: 204 when handled; otherwise 4xx/5xx with
/// `{"code":"FAIL","message":…}` so that WeChat Pay retries.
#[utoipa::path(post, path = "/billing/notify/wechatpay", tag = "billing",
    request_body(content = String, content_type = "application/json"),
    responses((status = 204), (status = 400), (status = 401), (status = 500)))]
pub async fn wechatpay_notify(
    State(billing): State<Billing>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Response {
    let body = String::from_utf8_lossy(&body);
    match billing.wechatpay_notification(&headers, &body).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(NotifyError::Rejected(reason)) => {
            tracing::warn!(channel = "wechatpay", reason, "payment notification refused");
            let status = if reason.contains("Signature") || reason.contains("Serial") || reason.contains("Timestamp") {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_REQUEST
            };
            (status, Json(json!({ "code": "FAIL", "message": "notification refused" }))).into_response()
        }
        Err(NotifyError::Failed(error)) => {
            tracing::error!(channel = "wechatpay", error = format!("{error:#}"), "payment notification failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "code": "FAIL", "message": "try again later" })))
                .into_response()
        }
    }
}

/// Alipay's asynchronous notification (a form POST): exactly `success` when handled,
/// `fail` otherwise, so that Alipay resends.
#[utoipa::path(post, path = "/billing/notify/alipay", tag = "billing",
    request_body(content = String, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, content_type = "text/plain", description = "`success` or `fail`")))]
pub async fn alipay_notify(State(billing): State<Billing>, ApiBytes(body): ApiBytes) -> Response {
    match billing.alipay_notification(&body).await {
        Ok(()) => (StatusCode::OK, "success").into_response(),
        Err(NotifyError::Rejected(reason)) => {
            tracing::warn!(channel = "alipay", reason, "payment notification refused");
            (StatusCode::BAD_REQUEST, "fail").into_response()
        }
        Err(NotifyError::Failed(error)) => {
            tracing::error!(channel = "alipay", error = format!("{error:#}"), "payment notification failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "fail").into_response()
        }
    }
}
