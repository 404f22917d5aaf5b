//! What every OpenAPI document of ours shares: errors as problem+json, and the error
//! answers each kind of operation can give, documented once.

use utoipa::{
    openapi::{
        path::{Operation, ParameterIn},
        ContentBuilder, Ref, RefOr, Response, ResponseBuilder,
    },
    Modify,
};

/// Completes a document once every route is in it.
pub fn complete(openapi: &mut utoipa::openapi::OpenApi) {
    ProblemResponses.modify(openapi);
}

const PROBLEM_JSON: &str = "application/problem+json";

/// Error answers as the server sends them: every error documented with a `Problem` body
/// is `application/problem+json`, and the answers any operation of its shape can give
/// are documented once here rather than on each route: 400 (an unreadable query or
/// body), 429 and 503 (limits and a busy server, with Retry-After), 500 everywhere; 401
/// wherever a credential (a bearer token, a staff session) is accepted; 404 with a path parameter; 422 with a parameter
/// or a body; 413 and 415 with a body. A route's own answer for a status wins.
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
                &mut item.trace,
            ];
            for operation in operations.into_iter().flatten() {
                as_problem_json(operation);
                add_common_errors(operation);
            }
        }
    }
}

fn is_problem(response: &Response) -> bool {
    response
        .content
        .values()
        .any(|content| matches!(&content.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem")))
}

fn as_problem_json(operation: &mut Operation) {
    for response in operation.responses.responses.values_mut() {
        if let RefOr::T(response) = response {
            if is_problem(response) {
                if let Some(content) = response.content.shift_remove("application/json") {
                    response.content.insert(PROBLEM_JSON.to_owned(), content);
                }
            }
        }
    }
}

fn problem(description: &str) -> RefOr<Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
    RefOr::T(ResponseBuilder::new().description(description).content(PROBLEM_JSON, content).build())
}

fn add_common_errors(operation: &mut Operation) {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has_path_parameter = parameters.iter().any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let has_body = operation.request_body.is_some();
    let takes_bearer = operation.security.is_some();
    let mut common: Vec<(&str, &str)> = vec![
        ("400", "the query or body could not be read"),
        ("429", "too many requests or open waits; see Retry-After"),
        ("500", "internal error"),
        ("503", "temporarily unavailable; see Retry-After"),
    ];
    if takes_bearer {
        common.push(("401", "sign-in required, or the token is invalid or expired"));
        common.push(("403", "not allowed, or the account is banned"));
    }
    if has_path_parameter {
        common.push(("404", "not found"));
    }
    if has_body || !parameters.is_empty() {
        common.push(("422", "a field is invalid; `errors` names it"));
    }
    if has_body {
        common.push(("413", "the body is too large"));
        common.push(("415", "the Content-Type is not the one documented"));
    }
    for (status, description) in common {
        operation.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description));
    }
}
