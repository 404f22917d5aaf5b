//! The WeChat official-account stand-in: `stable_token`, `token`, `qrcode/create`, and
//! 「模拟扫码」, which pushes a signed (and in safe mode encrypted) scan event to our
//! callback exactly as WeChat would.

mod peer;
mod routes;

pub use peer::{scan_event_xml, SignedPush, WechatPeer};
pub use routes::{router, SimulateScanRequest, SimulatedScan};
