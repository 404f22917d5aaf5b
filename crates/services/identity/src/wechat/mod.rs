//! Our side of the WeChat official-account protocol.

pub mod api;
pub mod crypto;
pub mod message;
