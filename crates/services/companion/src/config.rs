//! The `[companion]` section: the AI provider, quotas, knowledge sync and voice calls.

use serde::{Deserialize, Serialize};

use yujie_kernel::{config::PlatformConfig, Mode, Secret};

/// Values of the local-mode defaults; production refuses to start while one is in force.
pub mod local_defaults {
    pub const DIFY_DATASET_KEY: &str = "local-only-dify-dataset-key";
    pub const DIFY_APP_KEY: &str = "local-only-dify-app-key";
    pub const VOICE_APP_ID: &str = "localrtcapp0001";
    pub const VOICE_ACCESS_KEY_ID: &str = "AKLTlocalstandin";
    pub const VOICE_SECRET_ACCESS_KEY: &str = "local-only-rtc-secret-access-key";
    pub const VOICE_APP_KEY: &str = "local-only-rtc-app-key";
    pub const VOICE_CALLBACK_SECRET: &str = "local-only-rtc-callback-secret";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// The local stand-in (local mode): the `dify` adapter against `/_standin/ai`.
    Local,
    /// A Dify-shaped provider ("company B"): its knowledge base, its chat with retrieval.
    Dify,
    /// Any OpenAI-compatible chat endpoint; retrieval is ours.
    Openai,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompanionConfig {
    pub provider: ProviderKind,
    /// Messages a day for a signed-in user who is not a member.
    pub daily_messages: u64,
    /// A member's anti-abuse ceiling of messages a day.
    pub member_daily_messages: u64,
    /// Voice seconds a day.
    pub daily_voice_secs: u64,
    pub member_daily_voice_secs: u64,
    /// How many tokens of earlier turns go upstream with a message (newest first).
    pub history_token_budget: usize,
    /// A message's maximum length in characters.
    pub max_message_chars: usize,
    /// A call with no heartbeat for this long is ended.
    pub heartbeat_timeout_secs: u64,
    /// How often the knowledge-sync worker polls the content change feed.
    pub sync_interval_secs: u64,
    /// After this many failed uploads a document is marked failed (retried hourly).
    pub sync_max_attempts: u32,
    pub dify: DifyConfig,
    pub openai: OpenaiConfig,
    pub voice: VoiceConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DifyConfig {
    /// e.g. `https://api.dify.ai/v1`. Empty: the local stand-in (local mode).
    pub api_base: String,
    /// The one dataset that holds every persona's documents (see docs/companion.md).
    pub dataset_id: String,
    /// The knowledge API key (`Authorization: Bearer` for `/datasets`).
    pub dataset_key: Secret,
    /// The chat app's API key (`/chat-messages`, `/messages/{id}/feedbacks`).
    pub app_key: Secret,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpenaiConfig {
    /// e.g. `https://api.deepseek.com/v1`, `http://ollama:11434/v1`.
    pub base_url: String,
    pub api_key: Secret,
    pub model: String,
    /// Passages of the persona's knowledge put into the prompt.
    pub retrieved_passages: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VoiceConfig {
    /// The RTC OpenAPI (`StartVoiceChat`, `StopVoiceChat`). Empty: the local stand-in.
    pub api_base: String,
    pub app_id: String,
    /// The OpenAPI access key pair that signs StartVoiceChat / StopVoiceChat.
    pub access_key_id: String,
    pub secret_access_key: Secret,
    /// Signs the browser's RTC AccessToken.
    pub app_key: Secret,
    /// Verifies the provider's callbacks.
    pub callback_secret: Secret,
}

impl Default for CompanionConfig {
    fn default() -> Self {
        Self {
            provider: ProviderKind::Local,
            daily_messages: 20,
            member_daily_messages: 2000,
            daily_voice_secs: 600,
            member_daily_voice_secs: 10_800,
            history_token_budget: 2000,
            max_message_chars: 1000,
            heartbeat_timeout_secs: 30,
            sync_interval_secs: 5,
            sync_max_attempts: 5,
            dify: DifyConfig::default(),
            openai: OpenaiConfig::default(),
            voice: VoiceConfig::default(),
        }
    }
}

impl Default for DifyConfig {
    fn default() -> Self {
        Self {
            api_base: String::new(),
            dataset_id: "yujie-personas".into(),
            dataset_key: Secret::new(local_defaults::DIFY_DATASET_KEY),
            app_key: Secret::new(local_defaults::DIFY_APP_KEY),
        }
    }
}

impl Default for OpenaiConfig {
    fn default() -> Self {
        Self { base_url: String::new(), api_key: Secret::default(), model: String::new(), retrieved_passages: 4 }
    }
}

impl Default for VoiceConfig {
    fn default() -> Self {
        Self {
            api_base: String::new(),
            app_id: local_defaults::VOICE_APP_ID.into(),
            access_key_id: local_defaults::VOICE_ACCESS_KEY_ID.into(),
            secret_access_key: Secret::new(local_defaults::VOICE_SECRET_ACCESS_KEY),
            app_key: Secret::new(local_defaults::VOICE_APP_KEY),
            callback_secret: Secret::new(local_defaults::VOICE_CALLBACK_SECRET),
        }
    }
}

impl CompanionConfig {
    /// What this section gets wrong, in any mode and then in production.
    pub fn problems(&self, platform: &PlatformConfig, problems: &mut Vec<String>) {
        if self.daily_messages == 0 && self.member_daily_messages == 0 {
            problems.push("companion.daily_messages and member_daily_messages cannot both be 0".into());
        }
        if self.heartbeat_timeout_secs == 0 || self.sync_interval_secs == 0 || self.sync_max_attempts == 0 {
            problems.push(
                "companion.heartbeat_timeout_secs, sync_interval_secs and sync_max_attempts must be positive".into(),
            );
        }
        if self.provider == ProviderKind::Openai && (self.openai.base_url.is_empty() || self.openai.model.is_empty()) {
            problems.push(
                "companion.openai.base_url and companion.openai.model are required for provider = \"openai\"".into(),
            );
        }
        if platform.mode == Mode::Production {
            self.production_problems(problems);
        }
    }

    fn production_problems(&self, problems: &mut Vec<String>) {
        use local_defaults as d;
        if self.provider == ProviderKind::Local {
            problems.push("companion.provider = \"local\" is the stand-in; choose dify or openai in production".into());
        }
        let mut refuse = |name: &str, value: &str, default: &str| {
            if value == default || value.is_empty() {
                problems.push(format!("{name} still has its local default or is empty; set a real value"));
            }
        };
        if self.provider == ProviderKind::Dify {
            refuse("companion.dify.api_base", &self.dify.api_base, "");
            refuse("companion.dify.dataset_key", self.dify.dataset_key.expose(), d::DIFY_DATASET_KEY);
            refuse("companion.dify.app_key", self.dify.app_key.expose(), d::DIFY_APP_KEY);
        }
        refuse("companion.voice.api_base", &self.voice.api_base, "");
        refuse("companion.voice.app_id", &self.voice.app_id, d::VOICE_APP_ID);
        refuse("companion.voice.access_key_id", &self.voice.access_key_id, d::VOICE_ACCESS_KEY_ID);
        refuse("companion.voice.secret_access_key", self.voice.secret_access_key.expose(), d::VOICE_SECRET_ACCESS_KEY);
        refuse("companion.voice.app_key", self.voice.app_key.expose(), d::VOICE_APP_KEY);
        refuse("companion.voice.callback_secret", self.voice.callback_secret.expose(), d::VOICE_CALLBACK_SECRET);
    }
}
