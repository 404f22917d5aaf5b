use axum::extract::{DefaultBodyLimit, Multipart, State};
use yujie_kernel::{auth::CurrentUser, error::Problem, http::ApiJson, ApiError, ApiResult, ErrorCode};

use crate::{
    domain::Nickname,
    profile::{Me, UpdateMe},
    Identity,
};

/// The signed-in user's account.
#[utoipa::path(get, path = "/me", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_me(State(identity): State<Identity>, user: CurrentUser) -> ApiResult<ApiJson<Me>> {
    Ok(ApiJson(identity.me_by_id(&user.user_id).await?))
}

/// Changes the nickname.
#[utoipa::path(patch, path = "/me", tag = "identity", security(("bearer" = [])), request_body = UpdateMe,
    responses((status = 200, body = Me), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn update_me(
    State(identity): State<Identity>,
    user: CurrentUser,
    ApiJson(update): ApiJson<UpdateMe>,
) -> ApiResult<ApiJson<Me>> {
    let nickname = Nickname::parse(&update.nickname)?;
    Ok(ApiJson(identity.set_nickname(&user.user_id, &nickname).await?))
}

/// Replaces the avatar: multipart with one `file` part holding a JPEG, PNG, WebP or GIF.
#[utoipa::path(put, path = "/me/avatar", tag = "identity", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "a `file` part"),
    responses((status = 200, body = Me), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn upload_avatar(
    State(identity): State<Identity>,
    user: CurrentUser,
    multipart: Multipart,
) -> ApiResult<ApiJson<Me>> {
    let max_bytes = identity.inner.platform.config.media.max_bytes;
    let upload = read_file_part(multipart, max_bytes).await?;
    Ok(ApiJson(identity.set_avatar(&user.user_id, upload).await?))
}

/// The body limit of the avatar route: the image limit plus room for multipart framing.
pub fn avatar_body_limit(max_bytes: usize) -> DefaultBodyLimit {
    DefaultBodyLimit::max(max_bytes + 64 * 1024)
}

/// Reads the `file` part, refusing it as soon as it passes `max_bytes`: memory never
/// holds more than the limit, whatever the upload's size.
async fn read_file_part(mut multipart: Multipart, max_bytes: usize) -> ApiResult<Vec<u8>> {
    let multipart_error = |error: axum::extract::multipart::MultipartError| {
        if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(ErrorCode::PayloadTooLarge).with_field("file", format!("must be at most {max_bytes} bytes"))
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
                return Err(ApiError::new(ErrorCode::PayloadTooLarge)
                    .with_detail(format!("file: must be at most {max_bytes} bytes"))
                    .with_field("file", format!("must be at most {max_bytes} bytes")));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(ApiError::invalid_field("file", "a multipart part named `file` is required"))
}
