//! The provider's call-status callbacks: verified by the signature over the sorted
//! fields and the secret, deduplicated by `EventId`.

use ring::digest;
use serde::Deserialize;
use serde_json::Value;

/// A callback as delivered. `EventTime` arrives as a string or a number.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Callback {
    pub event_type: String,
    pub event_data: String,
    pub event_time: Value,
    pub event_id: String,
    pub app_id: String,
    pub version: String,
    pub nonce: String,
    pub signature: String,
}

/// The part of `EventData` we act on.
#[derive(Debug, Deserialize)]
pub struct VoiceEvent {
    #[serde(rename = "RoomId")]
    pub room_id: String,
    #[serde(rename = "TaskId")]
    pub task_id: String,
    #[serde(rename = "RunStage", default)]
    pub run_stage: String,
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

impl Callback {
    /// The seven values and the secret, sorted, joined, SHA-256, lowercase hex.
    pub fn expected_signature(&self, secret: &str) -> String {
        let mut values = [
            self.event_type.clone(),
            self.event_data.clone(),
            as_text(&self.event_time),
            self.event_id.clone(),
            self.app_id.clone(),
            self.version.clone(),
            self.nonce.clone(),
            secret.to_owned(),
        ];
        values.sort();
        hex::encode(digest::digest(&digest::SHA256, values.concat().as_bytes()))
    }

    pub fn verifies(&self, secret: &str) -> bool {
        let expected = self.expected_signature(secret);
        yujie_kernel::service::constant_time_eq(expected.as_bytes(), self.signature.to_ascii_lowercase().as_bytes())
    }

    pub fn voice_event(&self) -> Option<VoiceEvent> {
        serde_json::from_str(&self.event_data).ok()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn callback(signature: &str) -> Callback {
        Callback {
            event_type: "VoiceChat".into(),
            event_data: r#"{"RoomId":"r","TaskId":"t","RunStage":"taskStop"}"#.into(),
            event_time: serde_json::json!(1_700_000_000_123_i64),
            event_id: "evt-1".into(),
            app_id: "appid".into(),
            version: "2024-06-01".into(),
            nonce: "nonce1".into(),
            signature: signature.into(),
        }
    }

    /// The digest was computed by a separate implementation (Python's hashlib).
    const VECTOR: &str = "08cba4d8ae4080e397ea13fa56e016c92cf960b43169bee79b6c0806fe520949";

    #[test]
    fn a_signed_callback_verifies_and_a_tampered_one_does_not() {
        assert!(callback(VECTOR).verifies("callback-secret"));
        assert!(callback(&VECTOR.to_uppercase()).verifies("callback-secret"));
        assert!(!callback(VECTOR).verifies("another-secret"));
        let mut tampered = callback(VECTOR);
        tampered.event_data = tampered.event_data.replace("taskStop", "taskStart");
        assert!(!tampered.verifies("callback-secret"));
        let event = callback(VECTOR).voice_event().unwrap();
        assert_eq!((event.room_id.as_str(), event.task_id.as_str(), event.run_stage.as_str()), ("r", "t", "taskStop"));
    }
}
