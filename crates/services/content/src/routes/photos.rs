use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use yujie_kernel::{
    auth::CurrentUser,
    error::Problem,
    http::{read_file_part, ApiJson, ApiMultipart},
    ApiResult,
};

use crate::{views::PhotoView, Content};

/// Adds a photo: multipart with one `file` part (JPEG, PNG, WebP, or GIF as a still).
#[utoipa::path(post, path = "/personas/{persona_id}/photos", tag = "content", security(("bearer" = [])),
    params(("persona_id" = String, Path)), request_body(content_type = "multipart/form-data", description = "a `file` part"),
    responses((status = 201, body = PhotoView), (status = 404, body = Problem), (status = 413, body = Problem),
              (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn add_photo(
    State(content): State<Content>,
    user: CurrentUser,
    Path(persona_id): Path<String>,
    ApiMultipart(multipart): ApiMultipart,
) -> ApiResult<(StatusCode, ApiJson<PhotoView>)> {
    let upload = read_file_part(multipart, content.inner.platform.config.media.max_bytes).await?;
    Ok((StatusCode::CREATED, ApiJson(content.add_photo(&user.user_id, &persona_id, upload).await?)))
}

/// Deletes a photo and its stored files; only its uploader may.
#[utoipa::path(delete, path = "/personas/{persona_id}/photos/{photo_id}", tag = "content", security(("bearer" = [])),
    params(("persona_id" = String, Path), ("photo_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_photo(
    State(content): State<Content>,
    user: CurrentUser,
    Path((persona_id, photo_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    content.delete_photo(&user.user_id, &persona_id, &photo_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
