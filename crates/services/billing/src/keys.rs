//! Every payment key in the config must parse: a production deployment learns of a
//! mistyped or truncated key when it starts (or from `yujie check-config`), with every
//! bad key named at once, not from the first payment.

use crate::config::BillingConfig;

use crate::crypto::{RsaSigner, RsaVerifier};

/// One line per key that does not parse, naming its config key.
pub fn key_problems(config: &BillingConfig) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |name: String, result: anyhow::Result<()>| {
        if let Err(error) = result {
            problems.push(format!("billing.{name} does not parse: {error:#}"));
        }
    };
    let wechatpay = &config.wechatpay;
    check(
        "wechatpay.merchant_private_key".into(),
        RsaSigner::from_pem(wechatpay.merchant_private_key.expose()).map(drop),
    );
    for key in &wechatpay.platform_keys {
        check(format!("wechatpay.platform_keys[{}]", key.serial), RsaVerifier::from_pem(&key.pem).map(drop));
    }
    let alipay = &config.alipay;
    check("alipay.app_private_key".into(), RsaSigner::from_pem(alipay.app_private_key.expose()).map(drop));
    check("alipay.alipay_public_key".into(), RsaVerifier::from_pem(&alipay.alipay_public_key).map(drop));
    problems
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use yujie_kernel::Secret;

    use crate::config::PlatformKey;

    use super::*;
    use crate::crypto::generate_rsa_key_pair;

    #[test]
    fn every_key_that_does_not_parse_is_named() {
        let mut config = BillingConfig::default();
        config.wechatpay.merchant_private_key = Secret::new("-----BEGIN PRIVATE KEY-----");
        config.wechatpay.platform_keys = vec![PlatformKey { serial: "PUB_KEY_ID_01".into(), pem: "pem".into() }];
        config.alipay.app_private_key = Secret::new("MIIEv");
        config.alipay.alipay_public_key = "MIIBI".into();
        let problems = key_problems(&config).join("\n");
        for key in [
            "wechatpay.merchant_private_key",
            "wechatpay.platform_keys[PUB_KEY_ID_01]",
            "alipay.app_private_key",
            "alipay.alipay_public_key",
        ] {
            assert!(problems.contains(key), "{key} missing from {problems}");
        }

        let (private, public) = generate_rsa_key_pair().unwrap();
        config.wechatpay.merchant_private_key = Secret::new(private.clone());
        config.wechatpay.platform_keys = vec![PlatformKey { serial: "PUB_KEY_ID_01".into(), pem: public.clone() }];
        config.alipay.app_private_key = Secret::new(private);
        config.alipay.alipay_public_key = public;
        assert!(key_problems(&config).is_empty());
    }
}
