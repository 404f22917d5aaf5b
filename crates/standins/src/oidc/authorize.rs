//! The authorization endpoint: `GET` validates the request and shows the identity
//! chooser; `POST` (the chooser's form) validates again and redirects back with a
//! one-time code, or with an error (RFC 6749 §4.1.2.1).

use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Form,
};
use serde::Deserialize;

use super::{grants, identities, page, pkce, IssuedCode, Provider};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuthorizeRequest {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
    /// The chosen identity's `sub` (`POST` only).
    identity: String,
    /// Set when the staff member cancels on the chooser (`POST` only).
    cancel: String,
}

impl AuthorizeRequest {
    /// The request parameters the chooser carries in hidden fields.
    fn carried(&self) -> [(&'static str, &str); 8] {
        [
            ("response_type", &self.response_type),
            ("client_id", &self.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("scope", &self.scope),
            ("state", &self.state),
            ("nonce", &self.nonce),
            ("code_challenge", &self.code_challenge),
            ("code_challenge_method", &self.code_challenge_method),
        ]
    }
}

/// Why a request is refused.
enum Refusal {
    /// The client or redirect URI is not the registered one: never redirect.
    NoRedirect(&'static str),
    /// Sent back to the (registered) redirect URI.
    Redirect { error: &'static str, description: &'static str },
}

fn validate(provider: &Provider, request: &AuthorizeRequest) -> Result<(), Refusal> {
    let settings = &provider.settings;
    if request.client_id.is_empty() || request.client_id != settings.client_id {
        return Err(Refusal::NoRedirect("未知的应用（client_id 不是已登记的员工控制台）。"));
    }
    if request.redirect_uri != settings.redirect_uri {
        return Err(Refusal::NoRedirect("回调地址（redirect_uri）与登记的不一致。"));
    }
    let refuse = |error, description| Err(Refusal::Redirect { error, description });
    if request.response_type != "code" {
        return refuse("unsupported_response_type", "only response_type=code is supported");
    }
    if !request.scope.split_ascii_whitespace().any(|scope| scope == "openid") {
        return refuse("invalid_scope", "scope must include openid");
    }
    if request.code_challenge.is_empty() {
        return refuse("invalid_request", "code_challenge required (PKCE)");
    }
    if request.code_challenge_method != "S256" {
        return refuse("invalid_request", "code_challenge_method must be S256");
    }
    if !pkce::well_formed(&request.code_challenge) {
        return refuse("invalid_request", "malformed code_challenge");
    }
    Ok(())
}

/// `302` to the registered redirect URI with the given parameters, `state` and `iss`
/// (RFC 9207) added.
fn redirect_back(provider: &Provider, request: &AuthorizeRequest, params: &[(&str, &str)]) -> Response {
    let Ok(mut target) = url::Url::parse(&provider.settings.redirect_uri) else {
        return page::invalid_request("登记的回调地址不是合法的 URL。");
    };
    {
        let mut query = target.query_pairs_mut();
        for (name, value) in params {
            query.append_pair(name, value);
        }
        if !request.state.is_empty() {
            query.append_pair("state", &request.state);
        }
        query.append_pair("iss", &provider.settings.issuer);
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string()), (header::CACHE_CONTROL, "no-store".to_owned())])
        .into_response()
}

fn refused(provider: &Provider, request: &AuthorizeRequest, refusal: Refusal) -> Response {
    match refusal {
        Refusal::NoRedirect(reason) => page::invalid_request(reason),
        Refusal::Redirect { error, description } => {
            redirect_back(provider, request, &[("error", error), ("error_description", description)])
        }
    }
}

/// `GET /authorize`: the identity chooser.
pub async fn show(State(provider): State<Provider>, Query(request): Query<AuthorizeRequest>) -> Response {
    if let Err(refusal) = validate(&provider, &request) {
        return refused(&provider, &request, refusal);
    }
    let identities: Vec<_> =
        identities::IDENTITIES.iter().map(|identity| (identity, identity.groups(&provider.settings))).collect();
    page::chooser(&request.client_id, &request.carried(), &identities)
}

/// `POST /authorize`: the chosen identity; answered with a code.
pub async fn choose(State(provider): State<Provider>, Form(request): Form<AuthorizeRequest>) -> Response {
    if let Err(refusal) = validate(&provider, &request) {
        return refused(&provider, &request, refusal);
    }
    if !request.cancel.is_empty() {
        provider.observed.with(|seen| seen.cancelled += 1);
        return redirect_back(
            &provider,
            &request,
            &[("error", "access_denied"), ("error_description", "the staff member cancelled the sign-in")],
        );
    }
    let Some(identity) = identities::find(&request.identity) else {
        let description = "unknown staff identity";
        return refused(&provider, &request, Refusal::Redirect { error: "invalid_request", description });
    };
    let now_ms = provider.clock.now_ms();
    let nonce = Some(request.nonce.clone()).filter(|nonce| !nonce.is_empty());
    let grant = grants::CodeGrant {
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        code_challenge: request.code_challenge.clone(),
        nonce: nonce.clone(),
        sub: identity.sub,
        scope: request.scope.clone(),
        auth_time: now_ms.div_euclid(1000),
        expires_ms: now_ms + grants::CODE_LIFETIME_MS,
    };
    let code = provider.grants.with(|grants| grants.issue_code(grant, now_ms));
    provider.observed.with(|seen| {
        let client_id = request.client_id.clone();
        seen.codes_issued.push(IssuedCode { sub: identity.sub.to_owned(), client_id, nonce, issued_at_ms: now_ms });
    });
    redirect_back(&provider, &request, &[("code", &code)])
}
