//! Serves stored objects in local mode, where no object store has public URLs.

use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use yujie_blob::{content_type_of, is_valid_key, Blob};
use yujie_kernel::{ApiError, ApiResult};

pub async fn serve_object(State(blob): State<Blob>, Path(key): Path<String>) -> ApiResult<Response> {
    if !is_valid_key(&key) {
        return Err(ApiError::not_found("object"));
    }
    let bytes = blob.get(&key).await?.ok_or_else(|| ApiError::not_found("object"))?;
    let content_type = content_type_of(&key);
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            // Keys are never reused, so a stored object never changes.
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}
