//! Content's HTTP surface: public routes relative to `/api/v1`, internal ones to
//! `/internal/content` on the staff listener.

mod comments;
mod entries;
mod internal;
mod personas;
mod photos;
pub(crate) mod posts;
mod reports;

use axum::middleware::from_fn_with_state;
pub use internal::internal;
use utoipa_axum::{router::OpenApiRouter, routes};
use yujie_kernel::http::{
    rate_limit::{enforce, RateKey, RouteLimit},
    upload_body_limit,
};

use crate::{
    store::{FeedSort, PersonaSort},
    Content,
};

/// Schemas that only query parameters name: the routes' bodies do not bring them into
/// the document, so they are listed here (without them `$ref`s dangle).
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(FeedSort, PersonaSort, comments::CommentSort)))]
struct QuerySchemas;

pub fn public(content: &Content) -> OpenApiRouter {
    let platform = &content.inner.platform;
    let limited = |router: OpenApiRouter<Content>, rule: &'static str| {
        router.route_layer(from_fn_with_state(RouteLimit::new(platform, rule, RateKey::UserOrIp), enforce))
    };
    OpenApiRouter::with_openapi(<QuerySchemas as utoipa::OpenApi>::openapi())
        .routes(routes!(personas::list_personas))
        .routes(routes!(personas::search_personas))
        .routes(routes!(personas::get_persona))
        .merge(limited(
            OpenApiRouter::new()
                .routes(routes!(personas::create_persona))
                .routes(routes!(personas::update_persona))
                .routes(routes!(entries::add_entry))
                .routes(routes!(entries::update_entry, entries::delete_entry))
                .routes(routes!(photos::delete_photo)),
            "content_write",
        ))
        .merge(limited(
            OpenApiRouter::new()
                .routes(routes!(photos::add_photo))
                .route_layer(upload_body_limit(platform.config.media.max_bytes)),
            "photo_upload",
        ))
        .routes(routes!(posts::global_feed))
        .routes(routes!(posts::persona_feed))
        .routes(routes!(posts::get_post))
        .routes(routes!(posts::own_posts))
        .routes(routes!(comments::list_comments))
        .routes(routes!(comments::list_replies))
        .merge(limited(
            OpenApiRouter::new()
                .routes(routes!(posts::create_post))
                .route_layer(posts::post_body_limit(platform.config.media.max_bytes)),
            "post_create",
        ))
        .merge(limited(
            OpenApiRouter::new()
                .routes(routes!(posts::edit_post, posts::delete_post))
                .routes(routes!(comments::delete_comment)),
            "content_write",
        ))
        .merge(limited(OpenApiRouter::new().routes(routes!(comments::add_comment)), "comment_create"))
        .merge(limited(
            OpenApiRouter::new().routes(routes!(posts::react_to_post)).routes(routes!(comments::react_to_comment)),
            "reaction",
        ))
        .merge(limited(OpenApiRouter::new().routes(routes!(reports::file_report)), "report_create"))
        .with_state(content.clone())
}
