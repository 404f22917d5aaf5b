use axum::{
    extract::{Multipart, Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::IntoParams;
use yujie_kernel::{
    auth::{CurrentUser, MaybeUser},
    error::Problem,
    http::{json_response, next_part, once, read_part, read_text_part, ApiJson, ApiMultipart, ApiQuery, Coding},
    ApiError, ApiResult,
};

use crate::{
    error::ContentError,
    posts::{NewPost, PostEdit, PostPage, PostView, MAX_POST_IMAGES},
    reactions::{Reactable, ReactionRequest, ReactionState},
    store::FeedSort,
    Content,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    pub sort: Option<FeedSort>,
    pub cursor: Option<String>,
    /// 1 to 50, default 20.
    pub limit: Option<i64>,
}

pub(super) fn page_limit(limit: Option<i64>) -> ApiResult<i64> {
    let limit = limit.unwrap_or(20);
    if (1..=50).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::invalid_field("limit", "must be between 1 and 50"))
    }
}

/// The global feed of posts. Pages are shared by every reader for up to a second: like,
/// dislike and comment counts may be that old; a new, edited, deleted or removed post
/// shows at once.
#[utoipa::path(get, path = "/posts", tag = "content", security((), ("bearer" = [])), params(FeedQuery),
    responses((status = 200, body = PostPage), (status = 422, body = Problem)))]
pub async fn global_feed(
    State(content): State<Content>,
    MaybeUser(viewer): MaybeUser,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<FeedQuery>,
) -> ApiResult<Response> {
    let sort = query.sort.unwrap_or_default();
    feed_answer(&content, None, sort, &query, viewer.as_ref(), &headers).await
}

/// A feed page from the shared cache: its bytes (compressed once, when accepted) for
/// anonymous readers and for viewers who reacted to none of its posts, else with the
/// viewer's own reactions written in.
async fn feed_answer(
    content: &Content,
    persona_id: Option<&str>,
    sort: FeedSort,
    query: &FeedQuery,
    viewer: Option<&CurrentUser>,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let cached = content.cached_feed(persona_id, sort, query.cursor.as_deref(), page_limit(query.limit)?).await?;
    let mine = match viewer {
        Some(viewer) => content.with_reactions(&cached, viewer).await?,
        None => None,
    };
    Ok(match mine {
        Some(json) => json_response(json, Coding::Identity),
        None => cached.json.respond(headers),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnPostsQuery {
    pub cursor: Option<String>,
    /// 1 to 50, default 20.
    pub limit: Option<i64>,
}

/// The caller's own posts, newest first (those others can see: not deleted, not removed).
#[utoipa::path(get, path = "/me/posts", tag = "content", security(("bearer" = [])), params(OwnPostsQuery),
    responses((status = 200, body = PostPage), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn own_posts(
    State(content): State<Content>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<OwnPostsQuery>,
) -> ApiResult<ApiJson<PostPage>> {
    Ok(ApiJson(content.author_feed(&user, query.cursor.as_deref(), page_limit(query.limit)?).await?))
}

/// A persona's posts.
#[utoipa::path(get, path = "/personas/{persona_id}/posts", tag = "content", security((), ("bearer" = [])), params(("persona_id" = String, Path), FeedQuery),
    responses((status = 200, body = PostPage), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn persona_feed(
    State(content): State<Content>,
    MaybeUser(viewer): MaybeUser,
    headers: HeaderMap,
    Path(persona_id): Path<String>,
    ApiQuery(query): ApiQuery<FeedQuery>,
) -> ApiResult<Response> {
    let sort = query.sort.unwrap_or_default();
    content.live_persona(&persona_id).await?;
    feed_answer(&content, Some(&persona_id), sort, &query, viewer.as_ref(), &headers).await
}

#[utoipa::path(get, path = "/posts/{post_id}", tag = "content", security((), ("bearer" = [])), params(("post_id" = String, Path)),
    responses((status = 200, body = PostView), (status = 404, body = Problem)))]
pub async fn get_post(
    State(content): State<Content>,
    MaybeUser(viewer): MaybeUser,
    headers: HeaderMap,
    Path(post_id): Path<String>,
) -> ApiResult<Response> {
    Ok(match viewer {
        Some(viewer) => ApiJson(content.post_view(&post_id, Some(&viewer)).await?).into_response(),
        None => {
            let json = content.cached_discussion(format!("post|{post_id}"), content.post_view(&post_id, None)).await?;
            json.respond(&headers)
        }
    })
}

/// Publishes a post (members only): multipart with `persona_id`, `title`, `text`, an
/// optional `event_date` (YYYY-MM-DD) and up to 9 `images` parts.
#[utoipa::path(post, path = "/posts", tag = "content", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "persona_id, title, text, event_date?, images (0–9 files)"),
    responses((status = 201, body = PostView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 413, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn create_post(
    State(content): State<Content>,
    user: CurrentUser,
    ApiMultipart(multipart): ApiMultipart,
) -> ApiResult<(StatusCode, ApiJson<PostView>)> {
    if !user.is_member() {
        return Err(ContentError::MembersOnly.into());
    }
    let new = read_post_form(multipart, content.inner.platform.config.media.max_bytes).await?;
    Ok((StatusCode::CREATED, ApiJson(content.create_post(&user, new).await?)))
}

/// The body limit of post creation: nine images and the text fields.
pub fn post_body_limit(max_image_bytes: usize) -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(MAX_POST_IMAGES * max_image_bytes + (1 << 20))
}

/// Largest text part of the post form: 5,000 characters of up to 4 bytes, with room.
const MAX_TEXT_PART_BYTES: usize = 24 * 1024;

/// Reads the post form (also the `post_form` fuzz target's entry point).
pub async fn read_post_form(mut multipart: Multipart, max_image_bytes: usize) -> ApiResult<NewPost> {
    let mut form = NewPost {
        persona_id: String::new(),
        title: String::new(),
        text: String::new(),
        event_date: None,
        images: Vec::new(),
    };
    let mut seen = Vec::new();
    while let Some(mut field) = next_part(&mut multipart).await? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "images" {
            if form.images.len() == MAX_POST_IMAGES {
                return Err(ApiError::invalid_field("images", format!("at most {MAX_POST_IMAGES} images")));
            }
            let field_name = format!("images[{}]", form.images.len());
            form.images.push(read_part(&mut field, &field_name, max_image_bytes).await?);
            continue;
        }
        let slot = match name.as_str() {
            "persona_id" => &mut form.persona_id,
            "title" => &mut form.title,
            "text" => &mut form.text,
            "event_date" => form.event_date.get_or_insert_with(String::new),
            _ => continue,
        };
        once(&mut seen, &name)?;
        *slot = read_text_part(&mut field, &name, MAX_TEXT_PART_BYTES).await?;
    }
    Ok(form)
}

/// Edits the title, text or event date; only the author may. The post shows it was edited.
#[utoipa::path(patch, path = "/posts/{post_id}", tag = "content", security(("bearer" = [])), params(("post_id" = String, Path)),
    request_body = PostEdit, responses((status = 200, body = PostView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn edit_post(
    State(content): State<Content>,
    user: CurrentUser,
    Path(post_id): Path<String>,
    ApiJson(edit): ApiJson<PostEdit>,
) -> ApiResult<ApiJson<PostView>> {
    Ok(ApiJson(content.edit_post(&user, &post_id, &edit).await?))
}

#[utoipa::path(delete, path = "/posts/{post_id}", tag = "content", security(("bearer" = [])), params(("post_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_post(
    State(content): State<Content>,
    user: CurrentUser,
    Path(post_id): Path<String>,
) -> ApiResult<StatusCode> {
    content.delete_post(&user, &post_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Likes or dislikes a post: the other one switches, the same one again takes it back.
#[utoipa::path(put, path = "/posts/{post_id}/reaction", tag = "content", security(("bearer" = [])), params(("post_id" = String, Path)),
    request_body = ReactionRequest, responses((status = 200, body = ReactionState), (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn react_to_post(
    State(content): State<Content>,
    user: CurrentUser,
    Path(post_id): Path<String>,
    ApiJson(request): ApiJson<ReactionRequest>,
) -> ApiResult<ApiJson<ReactionState>> {
    Ok(ApiJson(content.react(&user, Reactable::Post, &post_id, request.reaction).await?))
}
