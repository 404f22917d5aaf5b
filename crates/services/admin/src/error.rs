//! What the staff console refuses, by kind, and the one place where each kind becomes an
//! entry of the API's error table. A peer service's refusal passes through with its own
//! code and detail; a peer out of reach or answering nonsense is ours to report.

use yujie_kernel::{ApiError, ErrorCode};

use crate::roles::Role;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    SignedOut(&'static str),
    #[error("this needs the {} role", .0.as_str())]
    MissingRole(Role),
    #[error("missing or wrong CSRF token")]
    BadCsrf,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{field}: {message}")]
    InvalidField { field: &'static str, message: String },
    /// A peer service refused the call (a user it does not know, a conflict).
    #[error("{}: {}", code.code(), detail.as_deref().unwrap_or("refused"))]
    PeerRefused { code: ErrorCode, detail: Option<String> },
    #[error("a service the console needs is unreachable")]
    PeerUnreachable(#[source] reqwest::Error),
    #[error("{url} answered {status}")]
    PeerFailed { url: String, status: u16 },
    #[error("cannot read {what}")]
    PeerAnswerUnreadable {
        what: String,
        #[source]
        source: serde_json::Error,
    },
    #[error(transparent)]
    Platform(#[from] ApiError),
}

pub type Result<T, E = AdminError> = std::result::Result<T, E>;

impl AdminError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidField { field, message: message.into() }
    }

    /// True when a peer says the thing asked about does not exist.
    pub fn is_peer_not_found(&self) -> bool {
        matches!(self, AdminError::PeerRefused { code: ErrorCode::NotFound, .. })
    }
}

yujie_kernel::platform_failures!(AdminError);

impl From<AdminError> for ApiError {
    fn from(error: AdminError) -> Self {
        let detail = error.to_string();
        match error {
            AdminError::SignedOut(_) => ApiError::new(ErrorCode::Unauthenticated).with_detail(detail),
            AdminError::MissingRole(_) | AdminError::BadCsrf => ApiError::new(ErrorCode::Forbidden).with_detail(detail),
            AdminError::NotFound(_) => ApiError::new(ErrorCode::NotFound).with_detail(detail),
            AdminError::InvalidField { field, message } => ApiError::invalid_field(field, message),
            AdminError::PeerRefused { code, detail } => match detail {
                Some(detail) => ApiError::new(code).with_detail(detail),
                None => ApiError::new(code),
            },
            AdminError::PeerUnreachable(source) => {
                ApiError::new(ErrorCode::Unavailable).with_detail(detail).with_source(source)
            }
            error @ (AdminError::PeerFailed { .. } | AdminError::PeerAnswerUnreadable { .. }) => {
                ApiError::internal(error)
            }
            AdminError::Platform(error) => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_refusal_keeps_the_peer_code_and_detail() {
        let refused = AdminError::PeerRefused { code: ErrorCode::NotFound, detail: Some("user not found".into()) };
        assert!(refused.is_peer_not_found());
        let problem = ApiError::from(refused).to_problem();
        assert_eq!((problem.code.as_str(), problem.detail.as_deref()), ("not_found", Some("user not found")));
        let conflict = AdminError::PeerRefused { code: ErrorCode::Conflict, detail: None };
        assert!(!conflict.is_peer_not_found());
    }

    #[test]
    fn a_peer_that_fails_or_changed_its_shape_is_our_500_naming_it_in_the_log_only() {
        let failed = ApiError::from(AdminError::PeerFailed { url: "http://content/x".into(), status: 500 });
        assert_eq!(failed.code, ErrorCode::Internal);
        assert!(failed.to_problem().detail.is_none());
        let source = serde_json::from_str::<u8>("x").unwrap_err();
        let unreadable = ApiError::from(AdminError::PeerAnswerUnreadable { what: "a user".into(), source });
        assert!(format!("{:#}", std::error::Error::source(&unreadable).unwrap()).starts_with("cannot read a user"));
    }

    #[test]
    fn staff_refusals_keep_their_codes() {
        assert_eq!(ApiError::from(AdminError::SignedOut("staff sign-in required")).code, ErrorCode::Unauthenticated);
        assert_eq!(ApiError::from(AdminError::MissingRole(Role::Admin)).code, ErrorCode::Forbidden);
        assert_eq!(ApiError::from(AdminError::BadCsrf).code, ErrorCode::Forbidden);
    }
}
