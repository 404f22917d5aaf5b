//! Voice calls: a signed RTC token, seconds accounted once, the server stopping a call
//! when the day's seconds run out, and verified provider callbacks.

use std::{sync::Arc, time::Duration};

use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Digest as _;
use yujie::Config;
use yujie::ServiceSet;
use yujie_kernel::Clock;

use crate::helpers::{assert_problem, eventually, spawn_on, Session, TestApp, TestBackend};

/// An app on an injectable clock whose persona the companion already knows.
async fn voice_app(customize: impl FnOnce(&mut Config)) -> (TestApp, Clock, Session, String) {
    let clock = Clock::system();
    let backend = Arc::new(TestBackend::new().await);
    let app = spawn_on(backend, clock.clone(), ServiceSet::all(), |config| {
        config.companion.sync_interval_secs = 1;
        config.companion.heartbeat_timeout_secs = 3600;
        customize(config);
    })
    .await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "范冰冰", &[]).await;
    (app, clock, creator, persona)
}

impl TestApp {
    async fn start_call(&self, token: &str, persona: &str) -> reqwest::Response {
        self.post_json("/api/v1/companion/calls", Some(token), &json!({ "persona_id": persona })).await
    }

    async fn call(&self, token: &str, call_id: &str) -> Value {
        self.get(&format!("/api/v1/companion/calls/{call_id}"), Some(token)).await.json().await.unwrap()
    }

    async fn hang_up(&self, token: &str, call_id: &str) -> reqwest::Response {
        self.post_json(&format!("/api/v1/companion/calls/{call_id}/hangup"), Some(token), &json!({})).await
    }

    async fn voice_callback(&self, body: &Value) -> reqwest::Response {
        self.post_json("/api/v1/companion/voice/callback", None, body).await
    }

    /// A provider callback, signed here from the protocol's description: the seven
    /// fields and the secret, sorted, joined, SHA-256 in hex.
    fn signed_callback(&self, event_id: &str, room: &str, task: &str, stage: &str, secret: &str) -> Value {
        let data = json!({ "RoomId": room, "TaskId": task, "RunStage": stage }).to_string();
        let app_id = self.config.companion.voice.app_id.clone();
        let fields = [
            "VoiceChat".to_owned(),
            data,
            "1764644400000".into(),
            event_id.into(),
            app_id,
            "2024-06-01".into(),
            "n0nce".into(),
        ];
        let mut sorted = fields.to_vec();
        sorted.push(secret.to_owned());
        sorted.sort();
        let signature = hex::encode(sha2::Sha256::digest(sorted.concat().as_bytes()));
        json!({ "EventType": fields[0], "EventData": fields[1], "EventTime": fields[2], "EventId": fields[3],
                "AppId": fields[4], "Version": fields[5], "Nonce": fields[6], "Signature": signature })
    }

    fn callback_secret(&self) -> String {
        self.config.companion.voice.callback_secret.expose().to_owned()
    }
}

#[tokio::test]
async fn a_call_starts_with_a_token_and_ends_with_its_seconds_accounted() {
    let (app, clock, _, persona) = voice_app(|_| {}).await;
    let fan = app.sign_in().await;
    let started = app.start_call(&fan.access_token, &persona).await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let started: Value = started.json().await.unwrap();
    let app_id = &app.config.companion.voice.app_id;
    assert!(started["rtc"]["token"].as_str().unwrap().starts_with(&format!("001{app_id}")));
    assert_eq!(started["rtc"]["user_id"], fan.user_id.as_str());
    assert_eq!(started["rtc"]["expires_at"], started["call"]["deadline_at"]);
    let call_id = started["call"]["id"].as_str().unwrap();
    let room = started["rtc"]["room_id"].as_str().unwrap();
    let seen = app.ai_standin().await;
    assert!(seen["voice_started"].to_string().contains(room), "the provider was asked to start: {seen}");

    // One call at a time.
    let second = app.start_call(&fan.access_token, &persona).await;
    assert_problem(second, StatusCode::CONFLICT, "conflict").await;

    clock.advance(Duration::from_secs(42));
    let ended: Value = app.hang_up(&fan.access_token, call_id).await.json().await.unwrap();
    assert_eq!(ended["state"], "ended");
    assert_eq!(ended["end_reason"], "hangup");
    let used = ended["used_secs"].as_i64().unwrap();
    assert!((42..=43).contains(&used), "{used}");
    assert_eq!(app.quota(&fan.access_token).await["voice_secs_left"], 600 - used);
    assert!(app.ai_standin().await["voice_stopped"].to_string().contains(room));
    // Hanging up again changes nothing; a new call may start.
    let again: Value = app.hang_up(&fan.access_token, call_id).await.json().await.unwrap();
    assert_eq!(again["used_secs"], used);
    let metrics = app.metrics().await;
    assert!(metrics.contains(&format!("yujie_companion_voice_seconds_total {used}\n")), "{metrics}");
    assert_eq!(app.start_call(&fan.access_token, &persona).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_user_with_30_seconds_left_is_stopped_at_30_seconds_by_the_server() {
    let (app, clock, _, persona) = voice_app(|config| config.companion.daily_voice_secs = 30).await;
    let fan = app.sign_in().await;
    let started: Value = app.start_call(&fan.access_token, &persona).await.json().await.unwrap();
    let call_id = started["call"]["id"].as_str().unwrap();
    let task = started["rtc"]["room_id"].as_str().unwrap();
    // The clock moves on in real time too: 27 s ahead plus the pause stays short of 30.
    clock.advance(Duration::from_secs(27));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(app.call(&fan.access_token, call_id).await["state"], "running", "not before its deadline");
    clock.advance(Duration::from_secs(3));
    let ended =
        eventually(Duration::from_secs(5), || async { app.call(&fan.access_token, call_id).await["state"] == "ended" })
            .await;
    assert!(ended.is_some(), "the server did not end the call at its deadline");
    let call = app.call(&fan.access_token, call_id).await;
    assert_eq!((call["end_reason"].clone(), call["used_secs"].clone()), (json!("quota"), json!(30)));
    assert!(app.ai_standin().await["voice_stopped"].to_string().contains(task), "stopped through the provider");
    let refused = app.start_call(&fan.access_token, &persona).await;
    let problem = assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "quota_exceeded").await;
    assert_eq!(problem["context"]["quota"], "voice_secs");
}

#[tokio::test]
async fn a_missed_heartbeat_ends_the_call() {
    let (app, clock, _, persona) = voice_app(|config| config.companion.heartbeat_timeout_secs = 30).await;
    let fan = app.sign_in().await;
    let started: Value = app.start_call(&fan.access_token, &persona).await.json().await.unwrap();
    assert_eq!(started["heartbeat_secs"], 10);
    let call_id = started["call"]["id"].as_str().unwrap();
    clock.advance(Duration::from_secs(20));
    let beat = app
        .post_json(&format!("/api/v1/companion/calls/{call_id}/heartbeat"), Some(&fan.access_token), &json!({}))
        .await;
    assert_eq!(beat.status(), StatusCode::OK);
    clock.advance(Duration::from_secs(20));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.call(&fan.access_token, call_id).await["state"], "running", "the heartbeat kept it");
    clock.advance(Duration::from_secs(15));
    let ended =
        eventually(Duration::from_secs(5), || async { app.call(&fan.access_token, call_id).await["state"] == "ended" })
            .await;
    assert!(ended.is_some());
    let call = app.call(&fan.access_token, call_id).await;
    assert_eq!(call["end_reason"], "heartbeat");
    let used = call["used_secs"].as_i64().unwrap();
    assert!((50..=51).contains(&used), "billed until the heartbeat was missed, not until noticed: {used}");
}

#[tokio::test]
async fn hang_up_and_callback_together_count_once() {
    let (app, clock, _, persona) = voice_app(|_| {}).await;
    let fan = app.sign_in().await;
    let started: Value = app.start_call(&fan.access_token, &persona).await.json().await.unwrap();
    let call_id = started["call"]["id"].as_str().unwrap();
    let (room, task) = (started["rtc"]["room_id"].as_str().unwrap(), started["call"]["id"].as_str().unwrap());
    let task_id = app.ai_standin().await["voice_started"][0].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    assert_ne!(task_id, task);
    clock.advance(Duration::from_secs(10));
    let callback = app.signed_callback("evt-stop", room, &task_id, "taskStop", &app.callback_secret());
    let (hung_up, called_back) = tokio::join!(app.hang_up(&fan.access_token, call_id), app.voice_callback(&callback));
    assert_eq!((hung_up.status(), called_back.status()), (StatusCode::OK, StatusCode::OK));
    let call = app.call(&fan.access_token, call_id).await;
    let used = call["used_secs"].as_i64().unwrap();
    assert!((10..=11).contains(&used));
    assert_eq!(app.quota(&fan.access_token).await["voice_secs_left"], 600 - used, "counted once");
}

#[tokio::test]
async fn a_restart_keeps_the_deadline() {
    let clock = Clock::system();
    let backend = Arc::new(TestBackend::new().await);
    let customize = |config: &mut Config| {
        config.companion.sync_interval_secs = 1;
        config.companion.daily_voice_secs = 30;
        config.companion.heartbeat_timeout_secs = 3600;
    };
    let first = spawn_on(backend.clone(), clock.clone(), ServiceSet::all(), customize).await;
    let creator = first.sign_in().await;
    let persona = first.persona_with_profile(&creator, "周迅", &[]).await;
    let started: Value = first.start_call(&creator.access_token, &persona).await.json().await.unwrap();
    let call_id = started["call"]["id"].as_str().unwrap().to_owned();
    first.platform.shutdown.cancel();

    let second = spawn_on(backend, clock.clone(), ServiceSet::all(), customize).await;
    clock.advance(Duration::from_secs(31));
    let ended = eventually(Duration::from_secs(5), || async {
        second.call(&creator.access_token, &call_id).await["state"] == "ended"
    })
    .await;
    assert!(ended.is_some(), "the restarted instance did not end the call at its stored deadline");
    let call = second.call(&creator.access_token, &call_id).await;
    assert_eq!((call["end_reason"].clone(), call["used_secs"].clone()), (json!("quota"), json!(30)));
}

#[tokio::test]
async fn forged_tampered_or_replayed_callbacks_change_nothing() {
    let (app, _, _, persona) = voice_app(|_| {}).await;
    let fan = app.sign_in().await;
    let started: Value = app.start_call(&fan.access_token, &persona).await.json().await.unwrap();
    let call_id = started["call"]["id"].as_str().unwrap();
    let room = started["rtc"]["room_id"].as_str().unwrap();
    let seen = app.ai_standin().await;
    let task = seen["voice_started"][0].as_str().unwrap().rsplit('/').next().unwrap().to_owned();

    let forged = app.signed_callback("evt-1", room, &task, "taskStop", "not-the-secret");
    assert_problem(app.voice_callback(&forged).await, StatusCode::FORBIDDEN, "invalid_signature").await;
    let mut tampered = app.signed_callback("evt-2", room, &task, "taskStart", &app.callback_secret());
    tampered["EventData"] = json!(json!({ "RoomId": room, "TaskId": task, "RunStage": "taskStop" }).to_string());
    assert_problem(app.voice_callback(&tampered).await, StatusCode::FORBIDDEN, "invalid_signature").await;
    let malformed = app.post_json("/api/v1/companion/voice/callback", None, &json!({ "EventType": 1 })).await;
    assert_problem(malformed, StatusCode::BAD_REQUEST, "malformed_body").await;
    assert_eq!(app.call(&fan.access_token, call_id).await["state"], "running");

    // A genuine `taskStart`, then a `taskStop` that reuses its EventId: a replay.
    let start = app.signed_callback("evt-3", room, &task, "taskStart", &app.callback_secret());
    assert_eq!(app.voice_callback(&start).await.status(), StatusCode::OK);
    let replayed = app.signed_callback("evt-3", room, &task, "taskStop", &app.callback_secret());
    assert_eq!(app.voice_callback(&replayed).await.status(), StatusCode::OK);
    assert_eq!(app.call(&fan.access_token, call_id).await["state"], "running", "a repeated EventId is ignored");

    let stop = app.signed_callback("evt-4", room, &task, "taskStop", &app.callback_secret());
    assert_eq!(app.voice_callback(&stop).await.status(), StatusCode::OK);
    let call = app.call(&fan.access_token, call_id).await;
    assert_eq!((call["state"].clone(), call["end_reason"].clone()), (json!("ended"), json!("provider")));
}
