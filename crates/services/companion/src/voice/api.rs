//! The RTC conversational-AI OpenAPI: `StartVoiceChat` and `StopVoiceChat`, signed.

use serde_json::{json, Value};
use yujie_kernel::{upstream::Upstream, Clock, Secret};

use super::signing::{sign, Request};
use crate::config::VoiceConfig;
use crate::provider::{send, ProviderError, ProviderResult};

const VERSION: &str = "2024-12-01";

pub struct RtcApi {
    base: url::Url,
    app_id: String,
    access_key_id: String,
    secret_access_key: Secret,
    upstream: Upstream,
    clock: Clock,
}

/// What the agent in the room is told.
pub struct VoiceAgent<'a> {
    pub room_id: &'a str,
    pub task_id: &'a str,
    pub user_id: &'a str,
    pub persona_id: &'a str,
    pub character: &'a str,
    pub welcome: &'a str,
}

impl RtcApi {
    pub fn new(config: &VoiceConfig, base: &str, upstream: Upstream, clock: Clock) -> anyhow::Result<Self> {
        Ok(Self {
            base: url::Url::parse(&format!("{}/", base.trim_end_matches('/')))?,
            app_id: config.app_id.clone(),
            access_key_id: config.access_key_id.clone(),
            secret_access_key: config.secret_access_key.clone(),
            upstream,
            clock,
        })
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    async fn call(&self, action: &str, body: &Value) -> ProviderResult<Value> {
        let body = serde_json::to_vec(body).map_err(|error| ProviderError::Protocol(error.to_string()))?;
        let query = format!("Action={action}&Version={VERSION}");
        let host = match self.base.port() {
            Some(port) => format!("{}:{port}", self.base.host_str().unwrap_or_default()),
            None => self.base.host_str().unwrap_or_default().to_owned(),
        };
        let request = Request { host: &host, path: self.base.path(), query: &query, body: &body };
        let x_date = self.clock.now().format("%Y%m%dT%H%M%SZ").to_string();
        let signed = sign(&self.access_key_id, self.secret_access_key.expose(), &request, &x_date);
        let request = self
            .upstream
            .http()
            .post(format!("{}?{query}", self.base))
            .header("Content-Type", "application/json")
            .header("X-Date", signed.x_date)
            .header("X-Content-Sha256", signed.content_sha256)
            .header("Authorization", signed.authorization)
            .body(body);
        let answer: Value = send(&self.upstream, request)
            .await?
            .json()
            .await
            .map_err(|error| ProviderError::Protocol(error.to_string()))?;
        if let Some(error) = answer["ResponseMetadata"].get("Error").filter(|error| !error.is_null()) {
            return Err(ProviderError::Reported(format!("{} {}", error["Code"], error["Message"])));
        }
        Ok(answer)
    }

    pub async fn start(&self, agent: &VoiceAgent<'_>) -> ProviderResult<()> {
        let body = json!({
            "AppId": self.app_id,
            "RoomId": agent.room_id,
            "TaskId": agent.task_id,
            "Config": {
                "ASRConfig": { "Provider": "volcano" },
                "TTSConfig": { "Provider": "volcano" },
                "LLMConfig": { "Mode": "ArkV3", "SystemMessages": [agent.character], "HistoryLength": 10 },
            },
            "AgentConfig": {
                "TargetUserId": [agent.user_id],
                "UserId": format!("persona-{}", agent.persona_id),
                "WelcomeMessage": agent.welcome,
            },
        });
        self.call("StartVoiceChat", &body).await.map(|_| ())
    }

    pub async fn stop(&self, room_id: &str, task_id: &str) -> ProviderResult<()> {
        let body = json!({ "AppId": self.app_id, "RoomId": room_id, "TaskId": task_id });
        self.call("StopVoiceChat", &body).await.map(|_| ())
    }
}
