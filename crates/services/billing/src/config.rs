//! The `[billing]` section: membership plans, order lifetimes, and the WeChat Pay and
//! Alipay merchant settings. In local mode empty keys are generated at first start
//! (see the billing crate's `local_keys`); production refuses to start without real ones.

use serde::{Deserialize, Serialize};

use yujie_kernel::{config::PlatformConfig, Mode, Secret};

/// The APIv3 key of local mode; production refuses it.
pub const LOCAL_WECHATPAY_API_V3_KEY: &str = "local0only0apiv3key0not0for0prod";
pub const LOCAL_WECHATPAY_MCHID: &str = "1900000001";
pub const LOCAL_WECHATPAY_APPID: &str = "wxlocalpay0000001";
pub const LOCAL_ALIPAY_APP_ID: &str = "2021000000000001";
pub const LOCAL_ALIPAY_SELLER_ID: &str = "2088000000000001";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BillingConfig {
    /// Membership plans by id. A client names a plan; the price never comes from it.
    pub plans: Vec<PlanConfig>,
    /// An unpaid order expires (and is closed at its channel) after this long.
    pub order_expire_secs: u64,
    /// Open orders older than this are queried at their channel by the reconciliation
    /// worker, in case their notification never comes.
    pub reconcile_grace_secs: u64,
    /// How often the reconciliation worker runs.
    pub reconcile_interval_secs: u64,
    /// Where local mode keeps the payment test keys it generated (never production).
    pub local_keys_file: String,
    pub wechatpay: WechatPayConfig,
    pub alipay: AlipayConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PlanConfig {
    pub id: String,
    pub name: String,
    /// Price in fen (1 yuan = 100 fen).
    pub price_fen: i64,
    pub period_days: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WechatPayConfig {
    /// Empty: `https://api.mch.weixin.qq.com`, or the stand-in while stand-ins are enabled.
    pub api_base: String,
    pub appid: String,
    pub mchid: String,
    /// Serial number of the merchant API certificate (商户API证书序列号).
    pub merchant_serial: String,
    /// The merchant API private key (`apiclient_key.pem`, PKCS#8 PEM).
    pub merchant_private_key: Secret,
    /// The 32-byte APIv3 key that decrypts notifications.
    pub api_v3_key: Secret,
    /// Keys that verify WeChat Pay's signatures, chosen by `Wechatpay-Serial`: platform
    /// certificates by their serial, or the WeChat Pay public key by `PUB_KEY_ID_…`.
    pub platform_keys: Vec<PlatformKey>,
    /// Empty: `<public.base_url>/api/v1/billing/notify/wechatpay`. HTTPS in production.
    pub notify_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PlatformKey {
    /// A platform certificate serial, or `PUB_KEY_ID_…` for the public-key mode.
    pub serial: String,
    /// A `CERTIFICATE` or `PUBLIC KEY` PEM.
    pub pem: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlipayConfig {
    /// Empty: `https://openapi.alipay.com/gateway.do`, or the stand-in locally.
    pub gateway_url: String,
    pub app_id: String,
    /// The merchant's PID (合作伙伴身份, `2088…`): a notification naming another seller
    /// is refused.
    pub seller_id: String,
    /// The application private key (PKCS#8 PEM, or its bare Base64).
    pub app_private_key: Secret,
    /// Alipay's public key (支付宝公钥; `PUBLIC KEY` PEM or bare Base64).
    pub alipay_public_key: String,
    /// Empty: `<public.base_url>/api/v1/billing/notify/alipay`. HTTPS in production.
    pub notify_url: String,
}

impl Default for BillingConfig {
    fn default() -> Self {
        Self {
            plans: vec![PlanConfig {
                id: "monthly".into(), name: "月度会员".into(), price_fen: 3990, period_days: 30
            }],
            order_expire_secs: 900,
            reconcile_grace_secs: 300,
            reconcile_interval_secs: 60,
            local_keys_file: "data/payment-local-keys.json".into(),
            wechatpay: WechatPayConfig::default(),
            alipay: AlipayConfig::default(),
        }
    }
}

impl Default for WechatPayConfig {
    fn default() -> Self {
        Self {
            api_base: String::new(),
            appid: LOCAL_WECHATPAY_APPID.into(),
            mchid: LOCAL_WECHATPAY_MCHID.into(),
            merchant_serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1".into(),
            merchant_private_key: Secret::default(),
            api_v3_key: Secret::new(LOCAL_WECHATPAY_API_V3_KEY),
            platform_keys: Vec::new(),
            notify_url: String::new(),
        }
    }
}

impl Default for AlipayConfig {
    fn default() -> Self {
        Self {
            gateway_url: String::new(),
            app_id: LOCAL_ALIPAY_APP_ID.into(),
            seller_id: LOCAL_ALIPAY_SELLER_ID.into(),
            app_private_key: Secret::default(),
            alipay_public_key: String::new(),
            notify_url: String::new(),
        }
    }
}

impl BillingConfig {
    pub fn plan(&self, id: &str) -> Option<&PlanConfig> {
        self.plans.iter().find(|plan| plan.id == id)
    }

    /// What this section gets wrong, in any mode and then in production.
    pub fn problems(&self, platform: &PlatformConfig, problems: &mut Vec<String>) {
        if self.plans.is_empty() {
            problems.push("billing.plans must list at least one plan".into());
        }
        for plan in &self.plans {
            if plan.id.is_empty() || plan.price_fen <= 0 || plan.period_days <= 0 {
                problems.push(format!("billing.plans `{}` needs an id, a positive price_fen and period_days", plan.id));
            }
        }
        if self.order_expire_secs < 60 {
            problems.push("billing.order_expire_secs must be at least 60".into());
        }
        if self.wechatpay.api_v3_key.expose().len() != 32 {
            problems.push("billing.wechatpay.api_v3_key must be 32 bytes".into());
        }
        if platform.mode == Mode::Production {
            self.production_problems(problems);
            let derived_notify = self.wechatpay.notify_url.is_empty() || self.alipay.notify_url.is_empty();
            if derived_notify && !platform.public.base_url.starts_with("https://") {
                problems
                    .push("public.base_url must be an https URL when billing notify URLs are derived from it".into());
            }
        }
    }

    /// What production refuses: local defaults, missing keys, plain-HTTP notify URLs.
    fn production_problems(&self, problems: &mut Vec<String>) {
        let wechatpay = &self.wechatpay;
        let alipay = &self.alipay;
        let mut require = |name: &str, value: &str, local: &str| {
            if value.is_empty() || value == local {
                problems.push(format!("billing.{name} is empty or still has its local default; set the real value"));
            }
        };
        require("wechatpay.appid", &wechatpay.appid, LOCAL_WECHATPAY_APPID);
        require("wechatpay.mchid", &wechatpay.mchid, LOCAL_WECHATPAY_MCHID);
        require("wechatpay.merchant_private_key", wechatpay.merchant_private_key.expose(), "");
        require("wechatpay.api_v3_key", wechatpay.api_v3_key.expose(), LOCAL_WECHATPAY_API_V3_KEY);
        require("alipay.app_id", &alipay.app_id, LOCAL_ALIPAY_APP_ID);
        require("alipay.seller_id", &alipay.seller_id, LOCAL_ALIPAY_SELLER_ID);
        require("alipay.app_private_key", alipay.app_private_key.expose(), "");
        require("alipay.alipay_public_key", &alipay.alipay_public_key, "");
        if wechatpay.merchant_serial == WechatPayConfig::default().merchant_serial {
            problems.push("billing.wechatpay.merchant_serial still has its local default".into());
        }
        if wechatpay.platform_keys.is_empty() {
            problems.push(
                "billing.wechatpay.platform_keys is empty: add the platform certificate or the PUB_KEY_ID_ public key"
                    .into(),
            );
        }
        for (name, url) in [("wechatpay.notify_url", &wechatpay.notify_url), ("alipay.notify_url", &alipay.notify_url)]
        {
            if !url.is_empty() && !url.starts_with("https://") {
                problems.push(format!("billing.{name} must be an https URL"));
            }
        }
    }
}
