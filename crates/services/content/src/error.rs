//! What the content service refuses, by kind, and the one place where each kind becomes
//! an entry of the API's error table. Failures of the platform underneath (the database,
//! the object store, stored values that do not decode) pass through as they came.

use yujie_kernel::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    /// The item does not exist, or the asker may not see it (deleted, removed, held).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A change only the item's owner may make: `owner` names who, `action` what.
    #[error("only its {owner} {action}")]
    NotOwner { owner: &'static str, action: &'static str },
    #[error("posting is for members (会员)")]
    MembersOnly,
    #[error("{field}: {message}")]
    InvalidField { field: &'static str, message: String },
    #[error("you already have an open report on this item")]
    ReportAlreadyOpen,
    #[error("this item has no open reports: another moderator resolved them")]
    NoOpenReports,
    #[error(transparent)]
    Platform(#[from] ApiError),
}

pub type Result<T, E = ContentError> = std::result::Result<T, E>;

impl ContentError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidField { field, message: message.into() }
    }

    /// Replaces "not found" with another refusal (a missing reference named as a field,
    /// say); every other error, a database failure above all, passes through unchanged.
    pub fn or_if_missing(self, replace: ContentError) -> Self {
        match self {
            ContentError::NotFound(_) => replace,
            other => other,
        }
    }
}

impl ContentError {
    /// Its entry in the API's error table.
    fn code(&self) -> ErrorCode {
        match self {
            ContentError::NotFound(_) => ErrorCode::NotFound,
            ContentError::NotOwner { .. } | ContentError::MembersOnly => ErrorCode::Forbidden,
            ContentError::ReportAlreadyOpen | ContentError::NoOpenReports => ErrorCode::Conflict,
            ContentError::InvalidField { .. } => ErrorCode::InvalidField,
            ContentError::Platform(error) => error.code,
        }
    }
}

yujie_kernel::platform_failures!(ContentError);

impl From<ContentError> for ApiError {
    fn from(error: ContentError) -> Self {
        match error {
            ContentError::Platform(error) => error,
            ContentError::InvalidField { field, message } => ApiError::invalid_field(field, message),
            refusal => ApiError::new(refusal.code()).with_detail(refusal.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_keeps_its_code_and_names_its_field() {
        let cases = [
            (ContentError::NotFound("post"), ErrorCode::NotFound, "post not found"),
            (
                ContentError::NotOwner { owner: "author", action: "edits a post" },
                ErrorCode::Forbidden,
                "only its author edits a post",
            ),
            (ContentError::ReportAlreadyOpen, ErrorCode::Conflict, "you already have an open report on this item"),
            (ContentError::invalid("images", "at most 9 images"), ErrorCode::InvalidField, "images: at most 9 images"),
        ];
        for (error, code, detail) in cases {
            let problem = ApiError::from(error).to_problem();
            assert_eq!(problem.code, code.code());
            assert_eq!(problem.detail.as_deref(), Some(detail));
        }
        let field = ApiError::from(ContentError::invalid("images", "at most 9 images"));
        assert_eq!(field.field_errors()[0].field, "images");
    }

    #[test]
    fn a_storage_failure_passes_through_as_a_server_error() {
        let error = ApiError::from(ContentError::from(sqlx::Error::PoolClosed));
        assert_eq!(error.code, ErrorCode::Unavailable);
        let error = ApiError::from(ContentError::from(sqlx::Error::RowNotFound));
        assert_eq!(error.code, ErrorCode::Internal);
    }
}
