//! The stand-ins' view of our accounts with each party, from the services' sections:
//! what WeChat, the payment channels, the AI provider and the identity provider would
//! have on file for us.

use yujie_identity::WechatMessageMode;
use yujie_kernel::Platform;
use yujie_standins::{Accounts, AlipayAccount, DifyAccount, OidcClient, RtcAccount, WechatAccount, WechatPayAccount};

use crate::config::Config;

pub fn accounts(config: &Config, platform: &Platform) -> Accounts {
    let (wechat, wechatpay, alipay) = (&config.wechat, &config.billing.wechatpay, &config.billing.alipay);
    let (dify, voice, oidc) = (&config.companion.dify, &config.companion.voice, &config.admin.oidc);
    let standins = &config.standins;
    Accounts {
        wechat: WechatAccount {
            appid: wechat.appid.clone(),
            app_secret: wechat.app_secret.clone(),
            token: wechat.token.clone(),
            encoding_aes_key: (wechat.message_mode != WechatMessageMode::Plain)
                .then(|| wechat.encoding_aes_key.clone()),
            original_id: wechat.original_id.clone(),
        },
        wechatpay: WechatPayAccount {
            appid: wechatpay.appid.clone(),
            mchid: wechatpay.mchid.clone(),
            merchant_serial: wechatpay.merchant_serial.clone(),
            merchant_private_key: wechatpay.merchant_private_key.clone(),
            api_v3_key: wechatpay.api_v3_key.clone(),
            platform_serial: wechatpay.platform_keys.first().map(|key| key.serial.clone()).unwrap_or_default(),
            platform_private_key: standins.wechatpay_private_key.clone(),
        },
        alipay: AlipayAccount {
            app_id: alipay.app_id.clone(),
            seller_id: alipay.seller_id.clone(),
            app_private_key: alipay.app_private_key.clone(),
            platform_private_key: standins.alipay_private_key.clone(),
        },
        dify: DifyAccount {
            dataset_id: dify.dataset_id.clone(),
            dataset_key: dify.dataset_key.clone(),
            app_key: dify.app_key.clone(),
        },
        rtc: RtcAccount {
            app_id: voice.app_id.clone(),
            access_key_id: voice.access_key_id.clone(),
            secret_access_key: voice.secret_access_key.clone(),
            callback_secret: voice.callback_secret.clone(),
        },
        oidc: OidcClient {
            issuer: oidc.issuer(&platform.public_base_url),
            client_id: oidc.client_id.clone(),
            client_secret: oidc.client_secret.clone(),
            redirect_uri: oidc.redirect_url(&platform.staff_base_url),
            roles_claim: oidc.roles_claim.clone(),
            moderator_values: oidc.moderator_values.clone(),
            admin_values: oidc.admin_values.clone(),
        },
    }
}
