use axum::extract::State;
use yujie_kernel::{
    auth::CurrentUser,
    error::Problem,
    http::{read_file_part, ApiJson, ApiMultipart},
    ApiResult,
};

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
    ApiMultipart(multipart): ApiMultipart,
) -> ApiResult<ApiJson<Me>> {
    let max_bytes = identity.inner.platform.config.media.max_bytes;
    let upload = read_file_part(multipart, max_bytes).await?;
    Ok(ApiJson(identity.set_avatar(&user.user_id, upload).await?))
}
