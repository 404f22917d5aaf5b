//! What billing refuses to a member, by kind, and the one place where each kind becomes
//! an entry of the API's error table. A payment channel's notification is refused in the
//! channel's own format instead (`Refusal`).

use yujie_kernel::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{field}: {message}")]
    InvalidField { field: &'static str, message: String },
    #[error("an order for this plan is being created")]
    OrderBeingCreated,
    /// The payment channel failed or did not answer; the cause goes to the log only.
    #[error("the payment channel did not answer; try again")]
    ChannelFailed(#[source] anyhow::Error),
    #[error(transparent)]
    Platform(#[from] ApiError),
}

pub type Result<T, E = BillingError> = std::result::Result<T, E>;

impl BillingError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidField { field, message: message.into() }
    }
}

yujie_kernel::platform_failures!(BillingError);

impl From<BillingError> for ApiError {
    fn from(error: BillingError) -> Self {
        let detail = error.to_string();
        match error {
            BillingError::NotFound(_) => ApiError::new(ErrorCode::NotFound).with_detail(detail),
            BillingError::InvalidField { field, message } => ApiError::invalid_field(field, message),
            BillingError::OrderBeingCreated => ApiError::new(ErrorCode::Conflict).with_detail(detail),
            BillingError::ChannelFailed(source) => ApiError::upstream(source, detail),
            BillingError::Platform(error) => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_keeps_its_code() {
        let cases = [
            (BillingError::NotFound("order"), ErrorCode::NotFound),
            (BillingError::invalid("plan_id", "no such plan"), ErrorCode::InvalidField),
            (BillingError::OrderBeingCreated, ErrorCode::Conflict),
            (BillingError::ChannelFailed(anyhow::anyhow!("timed out")), ErrorCode::UpstreamFailed),
            (BillingError::from(sqlx::Error::PoolTimedOut), ErrorCode::Unavailable),
        ];
        for (error, code) in cases {
            assert_eq!(ApiError::from(error).code, code);
        }
    }

    #[test]
    fn a_channel_failure_tells_the_member_what_to_do_and_keeps_the_cause_for_the_log() {
        let error = ApiError::from(BillingError::ChannelFailed(anyhow::anyhow!("mchid=1900000109 refused")));
        let body = serde_json::to_string(&error.to_problem()).unwrap();
        assert!(body.contains("try again") && !body.contains("1900000109"), "{body}");
        assert!(format!("{:#}", std::error::Error::source(&error).unwrap()).contains("1900000109"));
    }
}
