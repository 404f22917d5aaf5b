use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use utoipa::IntoParams;
use yujie_kernel::{
    auth::CurrentUser,
    error::Problem,
    http::{ApiJson, ApiQuery},
    ApiError, ApiResult,
};

use crate::{
    personas::{NewPersona, PersonaUpdate},
    store::PersonaSort,
    views::{PersonaDetail, PersonaPage},
    Content,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub sort: Option<PersonaSort>,
    pub cursor: Option<String>,
    /// 1 to 50, default 20.
    pub limit: Option<i64>,
}

/// Personas, most popular or newest first, a page at a time.
#[utoipa::path(get, path = "/personas", tag = "content", params(ListQuery),
    responses((status = 200, body = PersonaPage), (status = 422, body = Problem)))]
pub async fn list_personas(
    State(content): State<Content>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<ApiJson<PersonaPage>> {
    let sort = query.sort.unwrap_or_default();
    let limit = query.limit.unwrap_or(20);
    if !(1..=50).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "must be between 1 and 50"));
    }
    Ok(ApiJson(content.list_personas(sort, query.cursor.as_deref(), limit).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Part of a name or alias: 「冰冰」 finds 「范冰冰」.
    pub q: String,
}

/// Personas whose name or an alias contains the query.
#[utoipa::path(get, path = "/personas/search", tag = "content", params(SearchQuery),
    responses((status = 200, body = PersonaPage), (status = 422, body = Problem)))]
pub async fn search_personas(
    State(content): State<Content>,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> ApiResult<ApiJson<PersonaPage>> {
    Ok(ApiJson(content.search_personas(&query.q).await?))
}

/// A persona with every section.
#[utoipa::path(get, path = "/personas/{persona_id}", tag = "content", params(("persona_id" = String, Path)),
    responses((status = 200, body = PersonaDetail), (status = 404, body = Problem)))]
pub async fn get_persona(
    State(content): State<Content>,
    Path(persona_id): Path<String>,
) -> ApiResult<ApiJson<PersonaDetail>> {
    Ok(ApiJson(content.persona_detail(&persona_id).await?))
}

/// Creates a persona; the caller becomes its creator.
#[utoipa::path(post, path = "/personas", tag = "content", security(("bearer" = [])), request_body = NewPersona,
    responses((status = 201, body = PersonaDetail), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_persona(
    State(content): State<Content>,
    user: CurrentUser,
    ApiJson(new): ApiJson<NewPersona>,
) -> ApiResult<(StatusCode, ApiJson<PersonaDetail>)> {
    Ok((StatusCode::CREATED, ApiJson(content.create_persona(&user.user_id, &new).await?)))
}

/// Changes the name, aliases or cover; only the creator may.
#[utoipa::path(patch, path = "/personas/{persona_id}", tag = "content", security(("bearer" = [])),
    params(("persona_id" = String, Path)), request_body = PersonaUpdate,
    responses((status = 200, body = PersonaDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_persona(
    State(content): State<Content>,
    user: CurrentUser,
    Path(persona_id): Path<String>,
    ApiJson(update): ApiJson<PersonaUpdate>,
) -> ApiResult<ApiJson<PersonaDetail>> {
    Ok(ApiJson(content.update_persona(&user.user_id, &persona_id, &update).await?))
}
