//! What the companion refuses, by kind, and the one place where each kind becomes an
//! entry of the API's error table. The user-facing details are in Chinese: the app shows
//! them as they are.

use chrono::{DateTime, Utc};
use yujie_kernel::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum CompanionError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("today's {} quota of {} is used up", .0.quota.as_str(), .0.limit)]
    QuotaUsedUp(QuotaRefusal),
    /// The quota's counter is out of reach: no message goes out uncounted.
    #[error("the quota store is out of reach")]
    QuotaUnavailable(#[source] anyhow::Error),
    #[error("a voice call is already in progress")]
    CallInProgress,
    #[error("the voice callback's signature does not verify")]
    CallbackRefused,
    #[error("the AI provider failed")]
    AiFailed(#[source] anyhow::Error),
    #[error("the voice provider failed")]
    VoiceFailed(#[source] anyhow::Error),
    #[error(transparent)]
    Platform(#[from] ApiError),
}

pub type Result<T, E = CompanionError> = std::result::Result<T, E>;

/// Which daily quota ran out, its limit, and when it resets.
#[derive(Debug)]
pub struct QuotaRefusal {
    pub quota: QuotaKind,
    pub limit: u64,
    pub member: bool,
    pub resets_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaKind {
    Messages,
    VoiceSecs,
}

impl QuotaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuotaKind::Messages => "messages",
            QuotaKind::VoiceSecs => "voice_secs",
        }
    }
}

impl QuotaRefusal {
    fn into_api_error(self) -> ApiError {
        let limit = self.limit;
        let detail = match (self.quota, self.member) {
            (QuotaKind::Messages, true) => format!("今日消息已达 {limit} 条上限，将于北京时间 0 点重置"),
            (QuotaKind::Messages, false) => {
                format!("今日 {limit} 条免费消息已用完，将于北京时间 0 点重置；开通会员可无限畅聊")
            }
            (QuotaKind::VoiceSecs, _) => "今日语音通话时长已用完，将于北京时间 0 点重置".to_owned(),
        };
        let wait = (self.resets_at - self.now).num_seconds().max(1);
        ApiError::new(ErrorCode::QuotaExceeded)
            .with_detail(detail)
            .with_context(serde_json::json!({
                "quota": self.quota.as_str(),
                "limit": limit,
                "resets_at": self.resets_at,
                "membership": "/api/v1/billing/plans",
            }))
            .with_retry_after(u64::try_from(wait).unwrap_or(1))
    }
}

yujie_kernel::platform_failures!(CompanionError);

impl From<CompanionError> for ApiError {
    fn from(error: CompanionError) -> Self {
        let detail = error.to_string();
        match error {
            CompanionError::NotFound(_) => ApiError::new(ErrorCode::NotFound).with_detail(detail),
            CompanionError::QuotaUsedUp(refusal) => refusal.into_api_error(),
            CompanionError::QuotaUnavailable(source) => ApiError::new(ErrorCode::Unavailable).with_source(source),
            CompanionError::CallInProgress => {
                ApiError::new(ErrorCode::Conflict).with_detail("已有进行中的语音通话，请先挂断")
            }
            CompanionError::CallbackRefused => ApiError::new(ErrorCode::InvalidSignature).with_detail(detail),
            CompanionError::AiFailed(source) => ApiError::upstream(source, "AI 服务暂时不可用，请稍后再试"),
            CompanionError::VoiceFailed(source) => ApiError::upstream(source, "语音服务暂时不可用，请稍后再试"),
            CompanionError::Platform(error) => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn used_up(quota: QuotaKind, member: bool) -> ApiError {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 15, 0, 0).unwrap();
        let resets_at = Utc.with_ymd_and_hms(2026, 12, 4, 16, 0, 0).unwrap();
        CompanionError::QuotaUsedUp(QuotaRefusal { quota, limit: 20, member, resets_at, now }).into()
    }

    #[test]
    fn a_used_up_quota_says_which_when_it_resets_and_how_long_to_wait() {
        let error = used_up(QuotaKind::Messages, false);
        let problem = error.to_problem();
        assert_eq!(problem.code, "quota_exceeded");
        assert!(problem.detail.as_deref().unwrap().contains("开通会员"), "{problem:?}");
        let context = problem.context.unwrap();
        assert_eq!(context["quota"], "messages");
        assert_eq!(context["limit"], 20);
        let response = axum::response::IntoResponse::into_response(error);
        assert_eq!(response.headers()["retry-after"], "3600");
        let member = used_up(QuotaKind::Messages, true).to_problem();
        assert!(!member.detail.unwrap().contains("开通会员"));
        assert_eq!(used_up(QuotaKind::VoiceSecs, true).to_problem().context.unwrap()["quota"], "voice_secs");
    }

    #[test]
    fn partner_and_store_failures_keep_their_codes() {
        let cases = [
            (CompanionError::AiFailed(anyhow::anyhow!("reset")), ErrorCode::UpstreamFailed),
            (CompanionError::VoiceFailed(anyhow::anyhow!("reset")), ErrorCode::UpstreamFailed),
            (CompanionError::QuotaUnavailable(anyhow::anyhow!("redis down")), ErrorCode::Unavailable),
            (CompanionError::CallInProgress, ErrorCode::Conflict),
            (CompanionError::CallbackRefused, ErrorCode::InvalidSignature),
            (CompanionError::from(sqlx::Error::PoolClosed), ErrorCode::Unavailable),
        ];
        for (error, code) in cases {
            assert_eq!(ApiError::from(error).code, code);
        }
    }
}
