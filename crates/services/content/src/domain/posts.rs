use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_kernel::ApiError;

use super::text;

/// A post's title: 1 to 80 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostTitle(pub String);

impl PostTitle {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        text("title", raw, 1, 80, false).map(Self)
    }
}

/// A post's text: 1 to 5,000 characters of plain text; line breaks are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostText(pub String);

impl PostText {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        text("text", raw, 1, 5000, true).map(Self)
    }
}

/// A comment or reply: 1 to 1,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentText(pub String);

impl CommentText {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        text("text", raw, 1, 1000, true).map(Self)
    }
}

/// The day of the event a post is about, `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDate(pub String);

impl EventDate {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map(|date| Self(date.format("%Y-%m-%d").to_string()))
            .map_err(|_| ApiError::invalid_field("event_date", "must be a date, YYYY-MM-DD"))
    }
}

/// 点赞 or 点踩.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReactionValue {
    Like,
    Dislike,
}

impl ReactionValue {
    pub fn stored(self) -> i64 {
        match self {
            ReactionValue::Like => 1,
            ReactionValue::Dislike => -1,
        }
    }

    pub fn from_stored(value: i64) -> Option<Self> {
        match value {
            1 => Some(ReactionValue::Like),
            -1 => Some(ReactionValue::Dislike),
            _ => None,
        }
    }
}

/// Why something is reported (举报).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spam,
    Abuse,
    Sexual,
    /// Photos of a private person without consent.
    Privacy,
    FalseInfo,
    Other,
}

impl ReportReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Spam => "spam",
            ReportReason::Abuse => "abuse",
            ReportReason::Sexual => "sexual",
            ReportReason::Privacy => "privacy",
            ReportReason::FalseInfo => "false_info",
            ReportReason::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_limits() {
        assert!(PostTitle::parse("").is_err());
        assert!(PostTitle::parse(&"标".repeat(80)).is_ok());
        assert_eq!(PostTitle::parse(&"标".repeat(81)).unwrap_err().field_errors()[0].field, "title");
        assert!(PostText::parse("第一行\n第二行").is_ok());
        assert!(EventDate::parse("2024-02-30").is_err());
    }
}
