//! The `[wechat]` section: the official account that signs people in (identity).

use serde::{Deserialize, Serialize};

use super::local_defaults;
use crate::Secret;

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
