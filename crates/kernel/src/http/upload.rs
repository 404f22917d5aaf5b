//! Multipart forms: every part read under its own streaming cap, text parts strictly
//! UTF-8, each named part at most once, and image-check failures as problems naming
//! their field.

use axum::extract::{
    multipart::{Field, MultipartError},
    DefaultBodyLimit, Multipart,
};
use yujie_media::{CheckedImage, ImagePool, MediaError, PoolError};

use crate::error::{ApiError, ErrorCode};

/// The body limit of an upload route: the file limit plus room for multipart framing.
pub fn upload_body_limit(max_file_bytes: usize) -> DefaultBodyLimit {
    DefaultBodyLimit::max(max_file_bytes + 64 * 1024)
}

fn too_large(field: &str, max_bytes: usize) -> ApiError {
    let message = format!("must be at most {max_bytes} bytes");
    ApiError::new(ErrorCode::PayloadTooLarge).with_detail(format!("{field}: {message}")).with_field(field, message)
}

/// A broken multipart stream: over the body limit, or malformed.
pub fn multipart_problem(error: MultipartError) -> ApiError {
    if error.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(ErrorCode::PayloadTooLarge).with_detail(error.body_text())
    } else {
        ApiError::new(ErrorCode::MalformedBody).with_detail(error.body_text())
    }
}

/// The next part, or `None` at the end.
pub async fn next_part<'a>(multipart: &'a mut Multipart) -> Result<Option<Field<'a>>, ApiError> {
    multipart.next_field().await.map_err(multipart_problem)
}

/// Reads one part's bytes, refusing it as soon as it passes `max_bytes`: memory never
/// holds more than the limit, whatever the size of the upload.
pub async fn read_part(field: &mut Field<'_>, name: &str, max_bytes: usize) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_problem)? {
        if bytes.len() + chunk.len() > max_bytes {
            return Err(too_large(name, max_bytes));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Reads a text part under a cap; invalid UTF-8 is refused, never repaired.
pub async fn read_text_part(field: &mut Field<'_>, name: &str, max_bytes: usize) -> Result<String, ApiError> {
    let bytes = read_part(field, name, max_bytes).await?;
    String::from_utf8(bytes).map_err(|_| ApiError::invalid_field(name, "must be valid UTF-8 text"))
}

/// Refuses a part that has already been given.
pub fn once(seen: &mut Vec<String>, name: &str) -> Result<(), ApiError> {
    if seen.iter().any(|known| known == name) {
        return Err(ApiError::invalid_field(name, "must be given once"));
    }
    seen.push(name.to_owned());
    Ok(())
}

/// Reads the one part named `file` (other parts are skipped; a second `file` is refused).
pub async fn read_file_part(mut multipart: Multipart, max_bytes: usize) -> Result<Vec<u8>, ApiError> {
    let mut file = None;
    while let Some(mut field) = next_part(&mut multipart).await? {
        if field.name() != Some("file") {
            continue;
        }
        if file.is_some() {
            return Err(ApiError::invalid_field("file", "must be given once"));
        }
        file = Some(read_part(&mut field, "file", max_bytes).await?);
    }
    file.ok_or_else(|| ApiError::invalid_field("file", "a multipart part named `file` is required"))
}

/// An image that failed its checks, as a problem naming its field (`file`, `images[2]`).
pub fn media_problem(field: &str, error: MediaError) -> ApiError {
    let code = match error {
        MediaError::TooLarge { .. } => ErrorCode::PayloadTooLarge,
        MediaError::UnsupportedType => ErrorCode::UnsupportedMediaType,
        MediaError::TooManyPixels { .. } | MediaError::OverBudget { .. } | MediaError::Corrupt => {
            ErrorCode::InvalidField
        }
    };
    ApiError::new(code).with_detail(format!("{field}: {error}")).with_field(field, error.to_string())
}

/// Checks and renders an uploaded image through the process-wide pool; a busy pool is
/// a 503 with Retry-After, a bad image a problem naming `field`.
pub async fn render_image(
    pool: &ImagePool,
    field: &str,
    bytes: Vec<u8>,
    sizes: &'static [(&'static str, u32)],
) -> Result<CheckedImage, ApiError> {
    pool.check_and_render(bytes, sizes).await.map_err(|error| match error {
        PoolError::Media(error) => media_problem(field, error),
        PoolError::Busy { retry_after_secs } => ApiError::new(ErrorCode::Unavailable)
            .with_detail("too many images are being processed")
            .with_retry_after(retry_after_secs),
        PoolError::Crashed => ApiError::internal(anyhow::anyhow!("image processing crashed")),
    })
}
