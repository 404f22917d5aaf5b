//! The `[wechat]` section: the official account that signs people in (identity).

use serde::{Deserialize, Serialize};
use yujie_kernel::{config::PlatformConfig, Mode, Secret};

/// Values of the local-mode defaults; production refuses to start while one is in force.
pub mod local_defaults {
    pub const WECHAT_APPID: &str = "wxlocalstandin0001";
    pub const WECHAT_ORIGINAL_ID: &str = "gh_localstandin01";
    pub const WECHAT_APP_SECRET: &str = "local-only-wechat-app-secret";
    pub const WECHAT_TOKEN: &str = "localonlywechattoken";
    pub const WECHAT_AES_KEY: &str = "bG9jYWwtb25seS1hZXMta2V5LW5vdC1mb3ItcHJvZDA";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WechatMessageMode {
    /// Plain XML only.
    Plain,
    /// Plain or encrypted (WeChat's 兼容模式).
    Compatible,
    /// Encrypted only (安全模式): a plain push is refused.
    Safe,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WechatConfig {
    /// Empty: the official API, or the local stand-in when stand-ins are enabled.
    pub api_base: String,
    pub appid: String,
    pub app_secret: Secret,
    /// The callback token set in the official-account console (服务器配置 → Token).
    pub token: Secret,
    /// The 43-character EncodingAESKey, for safe and compatible modes.
    pub encoding_aes_key: Secret,
    pub message_mode: WechatMessageMode,
    /// Production refuses `plain` and `compatible` (a plain push's signature does not
    /// cover its body) unless this is set; it is logged loudly at start.
    pub allow_unencrypted: bool,
    /// The official account's original id (原始ID, `gh_…`) that pushes must be addressed
    /// to (`ToUserName`). Empty: not checked (local mode only; production requires it).
    pub original_id: String,
    /// Lifetime of a sign-in QR code and its scene.
    pub qr_expire_secs: u64,
}

impl Default for WechatConfig {
    fn default() -> Self {
        Self {
            api_base: String::new(),
            appid: local_defaults::WECHAT_APPID.into(),
            app_secret: Secret::new(local_defaults::WECHAT_APP_SECRET),
            token: Secret::new(local_defaults::WECHAT_TOKEN),
            encoding_aes_key: Secret::new(local_defaults::WECHAT_AES_KEY),
            message_mode: WechatMessageMode::Safe,
            allow_unencrypted: false,
            original_id: local_defaults::WECHAT_ORIGINAL_ID.into(),
            qr_expire_secs: 300,
        }
    }
}

impl WechatConfig {
    /// What this section gets wrong, in any mode and then in production.
    pub fn problems(&self, platform: &PlatformConfig, problems: &mut Vec<String>) {
        use local_defaults as d;
        if self.message_mode != WechatMessageMode::Plain && self.encoding_aes_key.expose().len() != 43 {
            problems.push(
                "wechat.encoding_aes_key must be the 43-character EncodingAESKey in safe or compatible mode".into(),
            );
        }
        if platform.mode != Mode::Production {
            return;
        }
        let mut refuse_default = |name: &str, value: &str, default: &str| {
            if value == default || value.is_empty() {
                problems.push(format!("{name} still has its local default or is empty; set a real secret"));
            }
        };
        refuse_default("wechat.appid", &self.appid, d::WECHAT_APPID);
        refuse_default("wechat.app_secret", self.app_secret.expose(), d::WECHAT_APP_SECRET);
        refuse_default("wechat.token", self.token.expose(), d::WECHAT_TOKEN);
        refuse_default("wechat.original_id", &self.original_id, d::WECHAT_ORIGINAL_ID);
        if self.message_mode != WechatMessageMode::Plain {
            refuse_default("wechat.encoding_aes_key", self.encoding_aes_key.expose(), d::WECHAT_AES_KEY);
        }
        if self.message_mode != WechatMessageMode::Safe && !self.allow_unencrypted {
            problems.push(
                "wechat.message_mode must be `safe` in production: plain pushes are signed without their body \
                 (set wechat.allow_unencrypted = true to accept that risk)"
                    .into(),
            );
        }
    }
}
