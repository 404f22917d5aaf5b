//! The one table of error codes for the whole API, and the problem+json body
//! (RFC 9457) every error becomes. A 5xx body is opaque; its cause is logged inside the
//! request span.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

macro_rules! error_codes {
    ($($variant:ident => ($code:literal, $status:ident, $title:literal),)*) => {
        /// Every error the API can answer with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode { $($variant,)* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The stable, machine-readable code clients switch on.
            pub fn code(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status,)* }
            }

            pub fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title,)* }
            }
        }
    };
}

error_codes! {
    MalformedBody => ("malformed_body", BAD_REQUEST, "The request body could not be parsed"),
    InvalidField => ("invalid_field", UNPROCESSABLE_ENTITY, "A field is invalid"),
    ContentRefused => ("content_refused", UNPROCESSABLE_ENTITY, "The text contains words that are not allowed here"),
    Unauthenticated => ("unauthenticated", UNAUTHORIZED, "Sign-in required"),
    TokenExpired => ("token_expired", UNAUTHORIZED, "The access token has expired"),
    RefreshTokenInvalid => ("refresh_token_invalid", UNAUTHORIZED, "The refresh token is invalid"),
    RefreshTokenReused => ("refresh_token_reused", UNAUTHORIZED, "The refresh token was already used; every session of this sign-in was revoked"),
    SessionRevoked => ("session_revoked", UNAUTHORIZED, "The session was signed out"),
    Forbidden => ("forbidden", FORBIDDEN, "Not allowed"),
    UserBanned => ("user_banned", FORBIDDEN, "The account is banned"),
    InvalidSignature => ("invalid_signature", FORBIDDEN, "The signature does not verify"),
    NotFound => ("not_found", NOT_FOUND, "Not found"),
    MethodNotAllowed => ("method_not_allowed", METHOD_NOT_ALLOWED, "Method not allowed"),
    Conflict => ("conflict", CONFLICT, "The request conflicts with the current state"),
    LoginExpired => ("login_expired", GONE, "The sign-in QR code has expired"),
    LoginAlreadyUsed => ("login_already_used", GONE, "The sign-in QR code was already used"),
    PayloadTooLarge => ("payload_too_large", PAYLOAD_TOO_LARGE, "The request body is too large"),
    UnsupportedMediaType => ("unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, "The content type is not supported"),
    UriTooLong => ("uri_too_long", URI_TOO_LONG, "The request URI is too long"),
    HeadersTooLarge => ("headers_too_large", REQUEST_HEADER_FIELDS_TOO_LARGE, "The request headers are too large"),
    RateLimited => ("rate_limited", TOO_MANY_REQUESTS, "Too many requests"),
    QuotaExceeded => ("quota_exceeded", TOO_MANY_REQUESTS, "The daily quota is used up"),
    Internal => ("internal", INTERNAL_SERVER_ERROR, "Internal error"),
    UpstreamFailed => ("upstream_failed", BAD_GATEWAY, "A partner service failed"),
    Unavailable => ("unavailable", SERVICE_UNAVAILABLE, "Temporarily unavailable"),
}

/// One invalid field, named by its path in the request (`nickname`, `items[2].title`).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The problem+json body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `/problems/<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    /// The stable code from the error table.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Extra facts for some codes, e.g. the ban's reason and end for `user_banned`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub context: Option<serde_json::Value>,
}

/// An error on its way to becoming a problem+json response.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    detail: Option<String>,
    errors: Vec<FieldError>,
    context: Option<serde_json::Value>,
    retry_after_secs: Option<u64>,
    source: Option<anyhow::Error>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, detail: None, errors: Vec::new(), context: None, retry_after_secs: None, source: None }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_context(mut self, context: serde_json::Value) -> Self {
        self.context = Some(context);
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_secs = Some(seconds.max(1));
        self
    }

    /// Names the field at fault, keeping the code.
    pub fn with_field(mut self, field: impl Into<String>, message: impl Into<String>) -> Self {
        self.errors.push(FieldError { field: field.into(), message: message.into() });
        self
    }

    /// A 422 naming one field.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let error = FieldError { field: field.into(), message: message.into() };
        Self {
            detail: Some(format!("{}: {}", error.field, error.message)),
            errors: vec![error],
            ..Self::new(ErrorCode::InvalidField)
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound).with_detail(format!("{what} not found"))
    }

    /// An internal error: the cause is logged, never sent.
    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        Self { source: Some(source.into()), ..Self::new(ErrorCode::Internal) }
    }

    /// Decodes a JSON column we wrote. Unreadable JSON is a defect of ours: a 500 naming
    /// the column, never an empty value standing in for what was stored.
    pub fn decode_stored<T: serde::de::DeserializeOwned>(column: &str, json: &str) -> Result<T, Self> {
        serde_json::from_str(json)
            .map_err(|error| Self::internal(anyhow::Error::new(error).context(format!("stored {column}"))))
    }

    /// Keeps the cause for the log (a 5xx body never shows it).
    pub fn with_source(mut self, source: impl Into<anyhow::Error>) -> Self {
        self.source = Some(source.into());
        self
    }

    pub fn field_errors(&self) -> &[FieldError] {
        &self.errors
    }

    pub fn to_problem(&self) -> Problem {
        let status = self.code.status();
        Problem {
            problem_type: format!("/problems/{}", self.code.code()),
            title: self.code.title().to_owned(),
            status: status.as_u16(),
            code: self.code.code().to_owned(),
            // A 500's detail could name an internal cause; 502 and 503 details are ours,
            // written for the user (what did not happen, what to do).
            detail: if status == StatusCode::INTERNAL_SERVER_ERROR { None } else { self.detail.clone() },
            errors: self.errors.clone(),
            context: self.context.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code.code())?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        if let Some(source) = &self.source {
            write!(f, " ({source:#})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|source| source.as_ref() as &(dyn std::error::Error + 'static))
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

/// How long a client is told to wait when the database or the object store cannot be
/// reached.
const UNREACHABLE_RETRY_AFTER_SECS: u64 = 5;

/// Whether a database error says the database is out of reach (down, restarting, every
/// connection busy past the acquire timeout), not that the query was wrong.
fn database_unreachable(error: &sqlx::Error) -> bool {
    matches!(
        error,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed
    )
}

impl ApiError {
    /// A 503 with Retry-After when the database or the object store is out of reach,
    /// else a 500.
    fn from_failure(error: anyhow::Error) -> Self {
        let database = error.chain().any(|cause| cause.downcast_ref::<sqlx::Error>().is_some_and(database_unreachable));
        let storage = error.chain().any(|cause| cause.is::<yujie_blob::StorageUnavailable>());
        if !database && !storage {
            return Self::internal(error);
        }
        // It names no cause: the log has it.
        Self::new(ErrorCode::Unavailable).with_retry_after(UNREACHABLE_RETRY_AFTER_SECS).with_source(error)
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        Self::from_failure(error)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::from_failure(error.into())
    }
}

/// A service's error enum takes the platform's failures (a database error, anything
/// through anyhow) into its `Platform(ApiError)` variant as they came, so `?` works on
/// them: `yujie_kernel::platform_failures!(ContentError);`.
#[macro_export]
macro_rules! platform_failures {
    ($error:ty) => {
        impl From<sqlx::Error> for $error {
            fn from(error: sqlx::Error) -> Self {
                Self::Platform($crate::ApiError::from(error))
            }
        }

        impl From<anyhow::Error> for $error {
            fn from(error: anyhow::Error) -> Self {
                Self::Platform($crate::ApiError::from(error))
            }
        }
    };
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        if let Some(source) = &self.source {
            tracing::error!(code = self.code.code(), error = format!("{source:#}"), "request failed");
        } else if status.is_server_error() {
            tracing::error!(code = self.code.code(), detail = self.detail, "request failed");
        }
        let body = serde_json::to_vec(&self.to_problem()).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(seconds) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_statuses_are_errors() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.code()), "duplicate code {}", code.code());
            assert!(code.status().is_client_error() || code.status().is_server_error());
        }
    }

    #[test]
    fn server_errors_hide_their_cause() {
        let error = ApiError::internal(anyhow::anyhow!("password=hunter2 at db"));
        let body = serde_json::to_string(&error.to_problem()).unwrap();
        assert!(!body.contains("hunter2"));
        assert!(body.contains("\"code\":\"internal\""));
    }

    #[test]
    fn unreadable_stored_json_is_our_500_naming_the_column_never_an_empty_value() {
        let aliases: Vec<String> = ApiError::decode_stored("personas.aliases", r#"["冰冰"]"#).unwrap();
        assert_eq!(aliases, ["冰冰"]);
        let error = ApiError::decode_stored::<Vec<String>>("personas.aliases", "[\"冰冰\"").unwrap_err();
        assert_eq!(error.code, ErrorCode::Internal);
        let source = format!("{:#}", error.source.unwrap());
        assert!(source.starts_with("stored personas.aliases: "), "{source}");
    }

    #[test]
    fn partner_failures_say_what_did_not_happen_but_not_why() {
        let error = ApiError::new(ErrorCode::UpstreamFailed)
            .with_detail("WeChat did not create a QR code")
            .with_source(anyhow::anyhow!("access_token=secret"));
        let body = serde_json::to_string(&error.to_problem()).unwrap();
        assert!(body.contains("WeChat did not create a QR code"), "{body}");
        assert!(!body.contains("secret"), "{body}");
    }
}
