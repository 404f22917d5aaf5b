//! Parsed, valid identity types: a request body becomes one of these at the boundary.

use yujie_kernel::{
    text::{user_text, TextKind},
    ApiError,
};

/// A user's chosen nickname: 1 to 20 characters, no control characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nickname(String);

impl Nickname {
    pub const MAX_CHARS: usize = 20;

    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        user_text("nickname", raw, 1, Self::MAX_CHARS, TextKind::Name).map(Self)
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
        user_text("reason", raw, 1, 500, TextKind::Multiline).map(Self)
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
