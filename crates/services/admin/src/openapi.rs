//! The console API's OpenAPI document, from which the console's TypeScript types are
//! generated (`web/console/src/api/schema.ts`).

use utoipa::{
    openapi::{
        security::{ApiKey, ApiKeyValue, SecurityScheme},
        server::Server,
    },
    Modify, OpenApi,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Yujie Station staff console API",
        description = "御姐加油站管理后台: served on the staff listener only, under /staff/admin. A session cookie \
                       from the company sign-in authenticates; every state-changing request also carries the \
                       session's CSRF token (from /me) in X-CSRF-Token. Errors are problem+json."
    ),
    components(schemas(yujie_kernel::error::Problem, yujie_kernel::error::FieldError)),
    modifiers(&StaffSession),
)]
pub struct ConsoleApi;

struct StaffSession;

impl Modify for StaffSession {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "staff_session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::session::COOKIE))),
        );
        openapi.servers = Some(vec![Server::new("/staff/admin")]);
    }
}

/// The document with the shared error answers filled in.
pub fn complete(mut document: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    yujie_kernel::openapi::complete(&mut document);
    document
}
