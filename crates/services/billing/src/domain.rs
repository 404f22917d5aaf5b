//! Parsed, valid billing types: money in integer fen, channels and order states.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_db::UnknownValue;

/// An amount of money in fen (分; 100 fen = 1 yuan). Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    /// Alipay's yuan string: 3990 → "39.90", 5 → "0.05".
    pub fn to_yuan(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// Parses a non-negative yuan string with at most two decimals, exactly:
    /// "39.90" → 3990, "39.9" → 3990, "39" → 3900. Anything else is refused.
    pub fn parse_yuan(text: &str) -> Option<Fen> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if whole.is_empty() || whole.len() > 12 || !digits(whole) || fraction.len() > 2 || !digits(fraction) {
            return None;
        }
        if text.contains('.') && fraction.is_empty() {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let fraction: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().ok()? * 10,
            _ => fraction.parse().ok()?,
        };
        whole.checked_mul(100)?.checked_add(fraction).map(Fen)
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} fen", self.0)
    }
}

/// A payment channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// WeChat Pay v3, Native (a `weixin://` QR payload).
    Wechatpay,
    /// Alipay face-to-face `alipay.trade.precreate`.
    Alipay,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Wechatpay => "wechatpay",
            Channel::Alipay => "alipay",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "wechatpay" => Some(Channel::Wechatpay),
            "alipay" => Some(Channel::Alipay),
            _ => None,
        }
    }
}

impl TryFrom<String> for Channel {
    type Error = UnknownValue;

    fn try_from(value: String) -> Result<Self, UnknownValue> {
        Channel::parse(&value).ok_or(UnknownValue::new("channel", value))
    }
}

impl TryFrom<String> for OrderState {
    type Error = UnknownValue;

    fn try_from(value: String) -> Result<Self, UnknownValue> {
        OrderState::parse(&value).ok_or(UnknownValue::new("order state", value))
    }
}

/// Where an order stands. `pending` is the only open state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OrderState {
    /// Waiting for the payment.
    Pending,
    /// Paid; membership is extended (or about to be, by the worker).
    Paid,
    /// Unpaid when its time ran out; closed at the channel.
    Expired,
    /// Closed by the channel.
    Closed,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Pending => "pending",
            OrderState::Paid => "paid",
            OrderState::Expired => "expired",
            OrderState::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(OrderState::Pending),
            "paid" => Some(OrderState::Paid),
            "expired" => Some(OrderState::Expired),
            "closed" => Some(OrderState::Closed),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn yuan_strings_convert_exactly() {
        assert_eq!(Fen(3990).to_yuan(), "39.90");
        assert_eq!(Fen(5).to_yuan(), "0.05");
        assert_eq!(Fen(100).to_yuan(), "1.00");
        assert_eq!(Fen(0).to_yuan(), "0.00");
        assert_eq!(Fen::parse_yuan("39.90"), Some(Fen(3990)));
        assert_eq!(Fen::parse_yuan("39.9"), Some(Fen(3990)));
        assert_eq!(Fen::parse_yuan("39"), Some(Fen(3900)));
        assert_eq!(Fen::parse_yuan("0.01"), Some(Fen(1)));
        assert_eq!(Fen::parse_yuan("0.1"), Some(Fen(10)));
        for bad in ["", ".", "39.", ".5", "39.901", "-1.00", "+1", "1e3", "39,90", " 39.90", "NaN", "1.0.0"] {
            assert_eq!(Fen::parse_yuan(bad), None, "{bad:?}");
        }
        for fen in [1, 9, 10, 99, 100, 101, 3990, 123_456_789] {
            assert_eq!(Fen::parse_yuan(&Fen(fen).to_yuan()), Some(Fen(fen)));
        }
    }
}
