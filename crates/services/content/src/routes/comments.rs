use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::IntoParams;
use yujie_kernel::{
    auth::{CurrentUser, MaybeUser},
    error::Problem,
    http::{ApiJson, ApiQuery},
    ApiResult,
};

use super::posts::page_limit;
use crate::{
    comments::{CommentPage, CommentView, NewComment},
    reactions::{Reactable, ReactionRequest, ReactionState},
    Content,
};

/// How top-level comments are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CommentSort {
    /// By a stored, time-decayed score of reactions and replies.
    #[default]
    Hot,
    New,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentsQuery {
    pub sort: Option<CommentSort>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// A post's top-level comments, each with its first 3 replies and its reply count.
#[utoipa::path(get, path = "/posts/{post_id}/comments", tag = "content", security((), ("bearer" = [])), params(("post_id" = String, Path), CommentsQuery),
    responses((status = 200, body = CommentPage), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_comments(
    State(content): State<Content>,
    MaybeUser(viewer): MaybeUser,
    headers: HeaderMap,
    Path(post_id): Path<String>,
    ApiQuery(query): ApiQuery<CommentsQuery>,
) -> ApiResult<Response> {
    let hot = query.sort.unwrap_or_default() == CommentSort::Hot;
    let (cursor, limit) = (query.cursor.as_deref(), page_limit(query.limit)?);
    Ok(match viewer {
        Some(viewer) => {
            ApiJson(content.list_comments(&post_id, hot, cursor, limit, Some(&viewer)).await?).into_response()
        }
        None => {
            let key = format!("comments|{post_id}|{hot}|{}|{limit}", cursor.unwrap_or(""));
            let json =
                content.cached_discussion(key, content.list_comments(&post_id, hot, cursor, limit, None)).await?;
            json.respond(&headers)
        }
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RepliesQuery {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// All replies of a thread, oldest first.
#[utoipa::path(get, path = "/comments/{comment_id}/replies", tag = "content", security((), ("bearer" = [])), params(("comment_id" = String, Path), RepliesQuery),
    responses((status = 200, body = CommentPage), (status = 404, body = Problem)))]
pub async fn list_replies(
    State(content): State<Content>,
    MaybeUser(viewer): MaybeUser,
    Path(comment_id): Path<String>,
    ApiQuery(query): ApiQuery<RepliesQuery>,
) -> ApiResult<ApiJson<CommentPage>> {
    Ok(ApiJson(
        content.list_replies(&comment_id, query.cursor.as_deref(), page_limit(query.limit)?, viewer.as_ref()).await?,
    ))
}

/// Comments on a post, or replies when `reply_to` names a comment or reply.
#[utoipa::path(post, path = "/posts/{post_id}/comments", tag = "content", security(("bearer" = [])), params(("post_id" = String, Path)),
    request_body = NewComment, responses((status = 201, body = CommentView), (status = 401, body = Problem), (status = 404, body = Problem),
    (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn add_comment(
    State(content): State<Content>,
    user: CurrentUser,
    Path(post_id): Path<String>,
    ApiJson(new): ApiJson<NewComment>,
) -> ApiResult<(StatusCode, ApiJson<CommentView>)> {
    Ok((StatusCode::CREATED, ApiJson(content.add_comment(&user, &post_id, &new).await?)))
}

/// Deletes a comment; only its author may. A thread keeps its place as 「该评论已删除」.
#[utoipa::path(delete, path = "/comments/{comment_id}", tag = "content", security(("bearer" = [])), params(("comment_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_comment(
    State(content): State<Content>,
    user: CurrentUser,
    Path(comment_id): Path<String>,
) -> ApiResult<StatusCode> {
    content.delete_comment(&user, &comment_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/comments/{comment_id}/reaction", tag = "content", security(("bearer" = [])), params(("comment_id" = String, Path)),
    request_body = ReactionRequest, responses((status = 200, body = ReactionState), (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn react_to_comment(
    State(content): State<Content>,
    user: CurrentUser,
    Path(comment_id): Path<String>,
    ApiJson(request): ApiJson<ReactionRequest>,
) -> ApiResult<ApiJson<ReactionState>> {
    Ok(ApiJson(content.react(&user, Reactable::Comment, &comment_id, request.reaction).await?))
}
