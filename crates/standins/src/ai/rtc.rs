//! The RTC conversational-AI OpenAPI (`StartVoiceChat`, `StopVoiceChat`) as Volcengine
//! answers it, with its request signature checked, and the provider's signed callback
//! sent on request (`POST /_standin/ai/rtc/simulate-stop`), as when the agent ends.

use axum::{
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    routing::post,
    Json, Router,
};
use ring::{digest, hmac};
use serde::Deserialize;
use serde_json::{json, Value};
use yujie_kernel::{ids::new_id, Platform};

use super::{Observed, Shared};
use crate::RtcAccount;

#[derive(Clone)]
struct Rtc {
    platform: Platform,
    account: RtcAccount,
    observed: Shared<Observed>,
}

pub fn router(platform: &Platform, account: &RtcAccount, observed: Shared<Observed>) -> Router {
    // The OpenAPI is served at the root of its host, `…/rtc/` here (with the slash).
    Router::new().route("/rtc/", post(openapi)).route("/rtc/simulate-stop", post(simulate_stop)).with_state(Rtc {
        platform: platform.clone(),
        account: account.clone(),
        observed,
    })
}

#[derive(Deserialize)]
struct ActionQuery {
    #[serde(rename = "Action")]
    action: String,
    #[serde(rename = "Version")]
    version: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(digest::digest(&digest::SHA256, bytes))
}

fn hmac_sha256(key: &[u8], data: &str) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data.as_bytes()).as_ref().to_vec()
}

/// Recomputes the request signature (HMAC-SHA256 over the canonical request, with a
/// key derived from the secret, date, region and service) and compares.
fn signature_valid(rtc: &Rtc, headers: &HeaderMap, path: &str, query: &str, body: &[u8]) -> bool {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let voice = &rtc.account;
    let (x_date, authorization) = (header("x-date"), header("authorization"));
    if x_date.len() < 8 || sha256_hex(body) != header("x-content-sha256") {
        return false;
    }
    let date = &x_date[..8];
    let scope = format!("{date}/cn-north-1/rtc/request");
    let signed_headers = "content-type;host;x-content-sha256;x-date";
    let canonical = format!(
        "POST\n{path}\n{query}\ncontent-type:{}\nhost:{}\nx-content-sha256:{}\nx-date:{x_date}\n\n{signed_headers}\n{}",
        header("content-type"),
        header("host"),
        header("x-content-sha256"),
        sha256_hex(body)
    );
    let to_sign = format!("HMAC-SHA256\n{x_date}\n{scope}\n{}", sha256_hex(canonical.as_bytes()));
    let mut key = voice.secret_access_key.expose().as_bytes().to_vec();
    for part in [date, "cn-north-1", "rtc", "request"] {
        key = hmac_sha256(&key, part);
    }
    let expected = format!(
        "HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={}",
        voice.access_key_id,
        hex::encode(hmac_sha256(&key, &to_sign))
    );
    authorization == expected
}

fn answer(action: &str, version: &str, error: Option<(&str, &str)>) -> Json<Value> {
    let mut metadata = json!({ "RequestId": new_id(), "Action": action, "Version": version, "Service": "rtc",
                               "Region": "cn-north-1" });
    if let Some((code, message)) = error {
        metadata["Error"] = json!({ "Code": code, "Message": message });
    }
    Json(json!({ "ResponseMetadata": metadata, "Result": if error.is_none() { json!("ok") } else { Value::Null } }))
}

async fn openapi(
    State(rtc): State<Rtc>,
    Query(query): Query<ActionQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let (action, version) = (query.action.as_str(), query.version.as_str());
    let raw_query = format!("Action={action}&Version={version}");
    let path = format!("{}/ai/rtc/", yujie_kernel::config::STANDIN_PATH);
    if !signature_valid(&rtc, &headers, &path, &raw_query, &body) {
        return (StatusCode::UNAUTHORIZED, answer(action, version, Some(("SignatureDoesNotMatch", "bad signature"))));
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, answer(action, version, Some(("InvalidParameter", "body is not JSON"))));
    };
    if request["AppId"].as_str() != Some(rtc.account.app_id.as_str()) {
        return (StatusCode::BAD_REQUEST, answer(action, version, Some(("InvalidParameter.AppId", "unknown AppId"))));
    }
    let task = format!(
        "{}/{}",
        request["RoomId"].as_str().unwrap_or_default(),
        request["TaskId"].as_str().unwrap_or_default()
    );
    match action {
        "StartVoiceChat" => rtc.observed.with(|seen| seen.voice_started.push(task)),
        "StopVoiceChat" => rtc.observed.with(|seen| seen.voice_stopped.push(task)),
        _ => return (StatusCode::BAD_REQUEST, answer(action, version, Some(("InvalidAction", "unknown Action")))),
    }
    (StatusCode::OK, answer(action, version, None))
}

#[derive(Deserialize)]
struct SimulateStop {
    room_id: String,
    task_id: String,
}

/// Sends the `taskStop` callback a real provider sends when its agent ends.
async fn simulate_stop(State(rtc): State<Rtc>, Json(request): Json<SimulateStop>) -> (StatusCode, Json<Value>) {
    let callback = signed_callback(&rtc.platform, &rtc.account, &request.room_id, &request.task_id, "taskStop");
    let url = format!("{}/api/v1/companion/voice/callback", rtc.platform.public_base_url);
    match rtc.platform.http_client.post(url).json(&callback).send().await {
        Ok(response) => (StatusCode::OK, Json(json!({ "delivered": response.status().as_u16() }))),
        Err(error) => (StatusCode::BAD_GATEWAY, Json(json!({ "error": error.to_string() }))),
    }
}

/// A callback signed as the provider signs it: the seven fields and the secret,
/// sorted, joined, SHA-256 in hex.
pub fn signed_callback(platform: &Platform, voice: &RtcAccount, room_id: &str, task_id: &str, stage: &str) -> Value {
    let event_data = json!({ "RoomId": room_id, "TaskId": task_id, "RunStage": stage,
                             "EventTime": platform.clock.now_ms() })
    .to_string();
    let fields = [
        "VoiceChat".to_owned(),
        event_data.clone(),
        platform.clock.now_ms().to_string(),
        new_id(),
        voice.app_id.clone(),
        "2024-06-01".to_owned(),
        yujie_kernel::ids::random_hex(8),
    ];
    let mut sorted: Vec<String> = fields.to_vec();
    sorted.push(voice.callback_secret.expose().to_owned());
    sorted.sort();
    json!({
        "EventType": fields[0], "EventData": fields[1], "EventTime": fields[2], "EventId": fields[3],
        "AppId": fields[4], "Version": fields[5], "Nonce": fields[6], "Signature": sha256_hex(sorted.concat().as_bytes()),
    })
}
