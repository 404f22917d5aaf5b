//! Image uploads: a multipart `file` part read under a streaming cap, and image-check
//! failures as problems naming the `file` field.

use axum::extract::{multipart::MultipartError, DefaultBodyLimit, Multipart};
use yujie_media::MediaError;

use crate::error::{ApiError, ErrorCode};

/// The body limit of an upload route: the file limit plus room for multipart framing.
pub fn upload_body_limit(max_file_bytes: usize) -> DefaultBodyLimit {
    DefaultBodyLimit::max(max_file_bytes + 64 * 1024)
}

fn too_large(max_bytes: usize) -> ApiError {
    let message = format!("must be at most {max_bytes} bytes");
    ApiError::new(ErrorCode::PayloadTooLarge).with_detail(format!("file: {message}")).with_field("file", message)
}

/// Reads the part named `file`, refusing it as soon as it passes `max_bytes`: memory
/// never holds more than the limit, whatever the size of the upload.
pub async fn read_file_part(mut multipart: Multipart, max_bytes: usize) -> Result<Vec<u8>, ApiError> {
    let multipart_error = |error: MultipartError| {
        if error.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
            too_large(max_bytes)
        } else {
            ApiError::new(ErrorCode::MalformedBody).with_detail(error.body_text())
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if bytes.len() + chunk.len() > max_bytes {
                return Err(too_large(max_bytes));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(ApiError::invalid_field("file", "a multipart part named `file` is required"))
}

/// An image that failed its checks, as a problem naming its field (`file`, `images[2]`).
pub fn media_problem(field: &str, error: MediaError) -> ApiError {
    let code = match error {
        MediaError::TooLarge { .. } => ErrorCode::PayloadTooLarge,
        MediaError::UnsupportedType => ErrorCode::UnsupportedMediaType,
        MediaError::TooManyPixels { .. } | MediaError::Corrupt => ErrorCode::InvalidField,
    };
    ApiError::new(code).with_detail(format!("{field}: {error}")).with_field(field, error.to_string())
}
