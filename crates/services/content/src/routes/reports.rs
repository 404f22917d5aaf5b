use axum::{extract::State, http::StatusCode};
use yujie_kernel::{auth::CurrentUser, error::Problem, http::ApiJson, ApiResult};

use crate::{
    reports::{NewReport, ReportReceipt},
    Content,
};

/// Reports a post, comment, persona, photo or entry. One open report per user per item.
#[utoipa::path(post, path = "/reports", tag = "content", security(("bearer" = [])), request_body = NewReport,
    responses((status = 201, body = ReportReceipt), (status = 401, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn file_report(
    State(content): State<Content>,
    user: CurrentUser,
    ApiJson(new): ApiJson<NewReport>,
) -> ApiResult<(StatusCode, ApiJson<ReportReceipt>)> {
    Ok((StatusCode::CREATED, ApiJson(content.file_report(&user, &new).await?)))
}
