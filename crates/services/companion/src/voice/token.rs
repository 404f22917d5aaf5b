//! The RTC AccessToken the browser presents to join the voice room (Volcengine's
//! algorithm): `"001" + AppId + base64(packed(message) + packed(HMAC-SHA256(AppKey,
//! message)))`, where the message is, little-endian: nonce u32, issued-at u32,
//! expire-at u32, room id and user id (u16 length + bytes), and the privileges
//! (u16 count, then u16 key and u32 expiry each, by key).

use base64::Engine as _;
use ring::hmac;

const VERSION: &str = "001";
/// Publish a stream, and subscribe to one.
pub const PRIVILEGE_PUBLISH: u16 = 0;
pub const PRIVILEGE_SUBSCRIBE: u16 = 4;

pub struct AccessToken<'a> {
    pub app_id: &'a str,
    pub room_id: &'a str,
    pub user_id: &'a str,
    pub nonce: u32,
    pub issued_at: u32,
    /// Seconds since the epoch; the privileges expire with it.
    pub expire_at: u32,
}

impl AccessToken<'_> {
    fn message(&self) -> Vec<u8> {
        let mut message = Vec::new();
        message.extend_from_slice(&self.nonce.to_le_bytes());
        message.extend_from_slice(&self.issued_at.to_le_bytes());
        message.extend_from_slice(&self.expire_at.to_le_bytes());
        pack(&mut message, self.room_id.as_bytes());
        pack(&mut message, self.user_id.as_bytes());
        let privileges = [(PRIVILEGE_PUBLISH, self.expire_at), (PRIVILEGE_SUBSCRIBE, self.expire_at)];
        message.extend_from_slice(&(privileges.len() as u16).to_le_bytes());
        for (key, expiry) in privileges {
            message.extend_from_slice(&key.to_le_bytes());
            message.extend_from_slice(&expiry.to_le_bytes());
        }
        message
    }

    pub fn serialize(&self, app_key: &[u8]) -> String {
        let message = self.message();
        let signature = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, app_key), &message);
        let mut content = Vec::new();
        pack(&mut content, &message);
        pack(&mut content, signature.as_ref());
        format!("{VERSION}{}{}", self.app_id, base64::engine::general_purpose::STANDARD.encode(content))
    }
}

/// A u16 length, little-endian, then the bytes (longer input is cut at 65,535 bytes).
fn pack(out: &mut Vec<u8>, bytes: &[u8]) {
    let bytes = &bytes[..bytes.len().min(usize::from(u16::MAX))];
    out.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
    out.extend_from_slice(bytes);
}
