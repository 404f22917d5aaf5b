//! Parsed, valid identity types: a request body becomes one of these at the boundary.

use yujie_kernel::ApiError;

/// A user's chosen nickname: 1 to 20 characters, no control characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nickname(String);

impl Nickname {
    pub const MAX_CHARS: usize = 20;

    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let trimmed = raw.trim();
        let chars = trimmed.chars().count();
        if chars == 0 {
            return Err(ApiError::invalid_field("nickname", "must not be empty"));
        }
        if chars > Self::MAX_CHARS {
            return Err(ApiError::invalid_field("nickname", format!("must be at most {} characters", Self::MAX_CHARS)));
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{FEFF}'))
        {
            return Err(ApiError::invalid_field("nickname", "must not contain control or invisible characters"));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A ban's reason, shown to the banned user: 1 to 500 characters.
#[derive(Debug, Clone)]
pub struct BanReason(String);

impl BanReason {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let trimmed = raw.trim();
        match trimmed.chars().count() {
            0 => Err(ApiError::invalid_field("reason", "must not be empty")),
            1..=500 => Ok(Self(trimmed.to_owned())),
            _ => Err(ApiError::invalid_field("reason", "must be at most 500 characters")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The end of a permanent ban: the last millisecond of year 9999.
pub const PERMANENT_BAN_UNTIL: i64 = 253_402_300_799_999;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nickname_rules() {
        assert_eq!(Nickname::parse("  御姐粉丝  ").unwrap().as_str(), "御姐粉丝");
        assert!(Nickname::parse("   ").is_err());
        assert!(Nickname::parse(&"字".repeat(20)).is_ok());
        assert!(Nickname::parse(&"字".repeat(21)).is_err());
        assert!(Nickname::parse("a\u{0007}b").is_err());
        assert!(Nickname::parse("a\u{202E}b").is_err());
        assert_eq!(Nickname::parse("").unwrap_err().field_errors()[0].field, "nickname");
    }
}
