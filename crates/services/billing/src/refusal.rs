//! Why a payment notification (or a channel's signed answer) was refused. A refusal
//! changes nothing; it is logged with its reason and answered in the channel's format.

/// The reasons, by kind: the first four mean the message may not come from the channel
/// at all (answered 401), the rest that it is malformed or not about an order of ours
/// (answered 400).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    #[error("unknown Wechatpay-Serial `{0}`")]
    UnknownSerial(String),
    #[error("missing or unreadable timestamp")]
    MissingTimestamp,
    #[error("the timestamp is {0} s away from our clock")]
    StaleTimestamp(i64),
    #[error("the signature does not verify")]
    BadSignature,
    #[error("malformed: {0}")]
    Malformed(String),
    #[error("parameter `{0}` is repeated")]
    RepeatedParameter(String),
    #[error("the resource cannot be decrypted")]
    Undecryptable,
    #[error("event {event} with trade_state {state}")]
    NotASuccess { event: String, state: String },
    #[error("not ours: {0}")]
    NotOurs(String),
}

impl Refusal {
    /// True when the sender is not shown to be the channel (signature, key, time).
    pub fn is_authentication(&self) -> bool {
        matches!(
            self,
            Refusal::UnknownSerial(_) | Refusal::MissingTimestamp | Refusal::StaleTimestamp(_) | Refusal::BadSignature
        )
    }
}
