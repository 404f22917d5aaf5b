//! What the identity service refuses, by kind, and the one place where each kind becomes
//! an entry of the API's error table. Failures of the platform underneath (the database,
//! the key-value store) and bans pass through as they came.

use yujie_kernel::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A WeChat push whose signature, timestamp or form we do not accept.
    #[error("{0}")]
    CallbackRefused(String),
    #[error("invalid XML: {0}")]
    MalformedMessage(String),
    #[error("{field}: {message}")]
    InvalidField { field: &'static str, message: String },
    #[error("the sign-in QR code has expired")]
    LoginExpired,
    #[error("the sign-in QR code was already used")]
    LoginAlreadyUsed,
    #[error("{0}")]
    RefreshTokenInvalid(&'static str),
    #[error("the session was signed out")]
    SessionRevoked,
    #[error("the refresh token was already used; every session of this sign-in was revoked")]
    RefreshTokenReused,
    #[error("WeChat did not create a QR code; try again")]
    WechatFailed(#[source] anyhow::Error),
    #[error(transparent)]
    Platform(#[from] ApiError),
}

pub type Result<T, E = IdentityError> = std::result::Result<T, E>;

impl IdentityError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidField { field, message: message.into() }
    }

    /// Its entry in the API's error table.
    fn code(&self) -> ErrorCode {
        match self {
            IdentityError::NotFound(_) => ErrorCode::NotFound,
            IdentityError::CallbackRefused(_) => ErrorCode::InvalidSignature,
            IdentityError::MalformedMessage(_) => ErrorCode::MalformedBody,
            IdentityError::InvalidField { .. } => ErrorCode::InvalidField,
            IdentityError::LoginExpired => ErrorCode::LoginExpired,
            IdentityError::LoginAlreadyUsed => ErrorCode::LoginAlreadyUsed,
            IdentityError::RefreshTokenInvalid(_) => ErrorCode::RefreshTokenInvalid,
            IdentityError::SessionRevoked => ErrorCode::SessionRevoked,
            IdentityError::RefreshTokenReused => ErrorCode::RefreshTokenReused,
            IdentityError::WechatFailed(_) => ErrorCode::UpstreamFailed,
            IdentityError::Platform(error) => error.code,
        }
    }
}

yujie_kernel::platform_failures!(IdentityError);

impl From<IdentityError> for ApiError {
    fn from(error: IdentityError) -> Self {
        match error {
            IdentityError::Platform(error) => error,
            IdentityError::InvalidField { field, message } => ApiError::invalid_field(field, message),
            IdentityError::WechatFailed(source) => {
                ApiError::upstream(source, "WeChat did not create a QR code; try again")
            }
            refusal => ApiError::new(refusal.code()).with_detail(refusal.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_keeps_its_code_and_says_what_was_refused() {
        let cases = [
            (IdentityError::CallbackRefused("the signature does not match".into()), ErrorCode::InvalidSignature),
            (IdentityError::MalformedMessage("no root".into()), ErrorCode::MalformedBody),
            (IdentityError::LoginExpired, ErrorCode::LoginExpired),
            (IdentityError::RefreshTokenInvalid("the session has expired"), ErrorCode::RefreshTokenInvalid),
            (IdentityError::RefreshTokenReused, ErrorCode::RefreshTokenReused),
        ];
        for (error, code) in cases {
            let detail = error.to_string();
            let problem = ApiError::from(error).to_problem();
            assert_eq!(problem.code, code.code());
            assert_eq!(problem.detail.as_deref(), Some(detail.as_str()));
        }
    }

    #[test]
    fn a_partner_failure_is_a_502_that_keeps_its_cause_for_the_log_only() {
        let error = ApiError::from(IdentityError::WechatFailed(anyhow::anyhow!("access_token=secret")));
        assert_eq!(error.code, ErrorCode::UpstreamFailed);
        let body = serde_json::to_string(&error.to_problem()).unwrap();
        assert!(body.contains("WeChat did not create a QR code") && !body.contains("secret"), "{body}");
        assert!(std::error::Error::source(&error).is_some());
    }

    #[test]
    fn a_storage_failure_passes_through_as_a_server_error() {
        assert_eq!(ApiError::from(IdentityError::from(sqlx::Error::PoolClosed)).code, ErrorCode::Unavailable);
    }
}
