//! What each party knows of our accounts with it: the ids, keys and secrets a stand-in
//! checks our requests against and signs its answers with. The product fills them from
//! its services' config sections; the stand-ins read no service's configuration and
//! depend on no service crate.

use yujie_kernel::Secret;

#[derive(Debug, Clone)]
pub struct Accounts {
    pub wechat: WechatAccount,
    pub wechatpay: WechatPayAccount,
    pub alipay: AlipayAccount,
    pub dify: DifyAccount,
    pub rtc: RtcAccount,
    pub oidc: OidcClient,
}

/// The official account as WeChat registered it.
#[derive(Debug, Clone)]
pub struct WechatAccount {
    pub appid: String,
    pub app_secret: Secret,
    /// The callback token (服务器配置 → Token).
    pub token: Secret,
    /// The EncodingAESKey, unless pushes go out in plain mode.
    pub encoding_aes_key: Option<Secret>,
    /// 原始ID, the `ToUserName` of pushes.
    pub original_id: String,
}

/// The merchant as WeChat Pay registered it, and WeChat Pay's own platform key.
#[derive(Debug, Clone)]
pub struct WechatPayAccount {
    pub appid: String,
    pub mchid: String,
    pub merchant_serial: String,
    /// The merchant's key: WeChat Pay holds its public half, derived from it here.
    pub merchant_private_key: Secret,
    pub api_v3_key: Secret,
    /// The serial under which WeChat Pay signs (the first key the merchant trusts).
    pub platform_serial: String,
    pub platform_private_key: Secret,
}

/// The application as Alipay registered it, and Alipay's own key.
#[derive(Debug, Clone)]
pub struct AlipayAccount {
    pub app_id: String,
    pub seller_id: String,
    /// The application's key: Alipay holds its public half, derived from it here.
    pub app_private_key: Secret,
    pub platform_private_key: Secret,
}

/// The AI provider's dataset and its two API keys.
#[derive(Debug, Clone)]
pub struct DifyAccount {
    pub dataset_id: String,
    pub dataset_key: Secret,
    pub app_key: Secret,
}

/// The RTC application and the key pair that signs its OpenAPI calls.
#[derive(Debug, Clone)]
pub struct RtcAccount {
    pub app_id: String,
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub callback_secret: Secret,
}

/// The staff console as a client of the company's identity provider.
#[derive(Debug, Clone)]
pub struct OidcClient {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// The one registered redirect URI.
    pub redirect_uri: String,
    /// The ID token claim that carries the roles, and its values for each role.
    pub roles_claim: String,
    pub moderator_values: Vec<String>,
    pub admin_values: Vec<String>,
}
