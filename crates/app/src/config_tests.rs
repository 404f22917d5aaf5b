use figment::{
    providers::{Format as _, Toml},
    Figment,
};
use yujie_billing::PlatformKey;
use yujie_companion::ProviderKind;
use yujie_identity::WechatMessageMode;
use yujie_kernel::{
    config::{local_defaults, RateRule},
    Mode, Secret,
};

use super::*;

fn all() -> ServiceSet {
    ServiceSet::all()
}

fn in_production(platform: PlatformConfig) -> Config {
    Config { platform: PlatformConfig { mode: Mode::Production, ..platform }, ..Config::default() }
}

#[test]
fn local_defaults_are_valid() {
    Config::default().validate(&all()).unwrap();
}

#[test]
fn production_refuses_defaults_and_says_why() {
    let config = in_production(PlatformConfig::default());
    let message = config.validate(&all()).unwrap_err().to_string();
    for key in [
        "auth.jwt_secret",
        "internal.token",
        "wechat.app_secret",
        "wechat.token",
        "standins.enabled",
        "billing.wechatpay.merchant_private_key",
        "billing.wechatpay.api_v3_key",
        "billing.wechatpay.mchid",
        "billing.wechatpay.merchant_serial",
        "billing.wechatpay.platform_keys",
        "billing.alipay.app_private_key",
        "billing.alipay.alipay_public_key",
        "public.base_url",
        "wechat.original_id",
        "billing.alipay.seller_id",
        "companion.provider",
        "companion.voice.app_key",
        "companion.voice.callback_secret",
    ] {
        assert!(message.contains(key), "{key} missing from: {message}");
    }
}

/// A production config that passes, to change one thing at a time. The sections check
/// that keys are present and not local defaults; whether they parse is billing's check
/// (`yujie_billing::key_problems`, run at start and by `check-config`), so the key
/// values here are placeholders.
fn production() -> Config {
    let mut config = in_production(PlatformConfig::default());
    config.auth.jwt_secret = Secret::new("x".repeat(40));
    config.internal.token = Secret::new("i".repeat(32));
    config.admin.oidc.issuer = "https://sso.example.com/realms/yujie".into();
    config.admin.oidc.client_secret = Secret::new("o".repeat(32));
    config.wechat.appid = "wx1234567890".into();
    config.wechat.app_secret = Secret::new("real-app-secret");
    config.wechat.token = Secret::new("realtoken");
    config.wechat.encoding_aes_key = Secret::new("a".repeat(43));
    config.wechat.original_id = "gh_0123456789ab".into();
    config.standins.enabled = false;
    config.public.base_url = "https://yujie.example.com".into();
    let billing = &mut config.billing;
    billing.wechatpay.appid = "wx2421b1c4370ec43b".into();
    billing.wechatpay.mchid = "1230000109".into();
    billing.wechatpay.merchant_serial = "3775B6A45ACD588826D15E583A95F5DD20D1CD45".into();
    billing.wechatpay.merchant_private_key = Secret::new("-----BEGIN PRIVATE KEY-----");
    billing.wechatpay.api_v3_key = Secret::new("b".repeat(32));
    billing.wechatpay.platform_keys = vec![PlatformKey { serial: "PUB_KEY_ID_01".into(), pem: "pem".into() }];
    billing.alipay.app_id = "2021004100000000".into();
    billing.alipay.seller_id = "2088102146225135".into();
    billing.alipay.app_private_key = Secret::new("MIIEv");
    billing.alipay.alipay_public_key = "MIIBI".into();
    let companion = &mut config.companion;
    companion.provider = ProviderKind::Dify;
    companion.dify.api_base = "https://dify.example.com/v1".into();
    companion.dify.dataset_key = Secret::new("dataset-real-key");
    companion.dify.app_key = Secret::new("app-real-key");
    companion.voice.api_base = "https://rtc.volcengineapi.com".into();
    companion.voice.app_id = "661e4fd0ab2c".into();
    companion.voice.app_key = Secret::new("real-rtc-app-key");
    companion.voice.access_key_id = "AKLTreal".into();
    companion.voice.secret_access_key = Secret::new("real-secret-access-key");
    companion.voice.callback_secret = Secret::new("real-callback-secret");
    config
}

fn refused(config: &Config, key: &str) {
    refused_for(config, &all(), key);
}

#[test]
fn production_starts_with_real_secrets() {
    production().validate(&all()).unwrap();
}

/// A process checks the sections of the services it runs: content alone needs the
/// shared secrets, not WeChat's, the channels', the AI provider's or the console's.
#[test]
fn a_process_needs_only_the_secrets_of_the_services_it_runs() {
    let shared_only = in_production(production().platform);
    let content = ServiceSet::parse(&["content".into()]).unwrap();
    shared_only.validate(&content).unwrap();
    shared_only.validate(&ServiceSet::none()).unwrap();
    for (service, key) in [
        ("identity", "wechat.app_secret"),
        ("billing", "billing.wechatpay.api_v3_key"),
        ("companion", "companion.voice.app_key"),
        ("admin", "admin.oidc.client_secret"),
    ] {
        let services = ServiceSet::parse(&["content".into(), service.into()]).unwrap();
        let message = shared_only.validate(&services).unwrap_err().to_string();
        assert!(message.contains(key), "{service}: {key} missing from: {message}");
        let others =
            ["wechat.", "billing.", "companion.", "admin."].into_iter().filter(|other| !key.starts_with(other));
        for other in others {
            assert!(!message.contains(other), "{service} was refused for {other}: {message}");
        }
    }
    let mut weak = shared_only.clone();
    weak.auth.jwt_secret = Secret::new("short");
    refused_for(&weak, &content, "auth.jwt_secret must be at least 32 bytes");
}

/// An unknown top-level key is refused, whichever section it was meant for.
#[test]
#[allow(clippy::result_large_err)] // figment's Jail closure returns figment::Error
fn a_misspelt_section_is_refused_at_load() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("yujie.toml", "[wechatt]\nappid = \"wx1\"\n")?;
        let error = Config::load(Some(Path::new("yujie.toml"))).unwrap_err().to_string();
        assert!(error.contains("wechatt"), "{error}");
        jail.create_file("yujie.toml", "[wechat]\nappidd = \"wx1\"\n")?;
        assert!(Config::load(Some(Path::new("yujie.toml"))).is_err(), "a section's unknown key");
        Ok(())
    });
}

fn refused_for(config: &Config, services: &ServiceSet, key: &str) {
    let message = config.validate(services).unwrap_err().to_string();
    assert!(message.contains(key), "{key} missing from: {message}");
}

#[test]
fn production_fails_closed_on_weak_trust_settings() {
    let mut short_token = production();
    short_token.internal.token = Secret::new("short-but-not-default");
    refused(&short_token, "internal.token must be at least 32 bytes");
    let mut local_oidc = production();
    local_oidc.admin.oidc.client_secret = Secret::new(yujie_admin::LOCAL_OIDC_CLIENT_SECRET);
    refused(&local_oidc, "admin.oidc.client_secret still has its local default");
    local_oidc.admin.oidc.issuer = String::new();
    refused(&local_oidc, "admin.oidc.issuer must be the company identity provider's https URL");
    for mode in [WechatMessageMode::Plain, WechatMessageMode::Compatible] {
        let mut unencrypted = production();
        unencrypted.wechat.message_mode = mode;
        refused(&unencrypted, "wechat.message_mode must be `safe`");
        unencrypted.wechat.allow_unencrypted = true;
        unencrypted.validate(&all()).unwrap();
    }
    let mut untrusted_header = production();
    untrusted_header.http.client_ip_header = "X-Forwarded-For".into();
    refused(&untrusted_header, "http.trusted_proxies");
    untrusted_header.http.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
    untrusted_header.validate(&all()).unwrap();
}

#[test]
fn a_key_accepted_during_a_rotation_must_be_a_real_secret() {
    let mut rotating = production();
    rotating.auth.accepted_jwt_secret = Secret::new("n".repeat(40));
    rotating.internal.accepted_token = Secret::new("m".repeat(32));
    rotating.validate(&all()).unwrap();
    rotating.auth.accepted_jwt_secret = Secret::new("too-short");
    refused(&rotating, "auth.accepted_jwt_secret must be empty or a real secret of at least 32 bytes");
    rotating.internal.accepted_token = Secret::new(PlatformConfig::default().internal.token.expose());
    refused(&rotating, "internal.accepted_token must be empty or a real secret");
}

#[test]
fn a_rate_rule_of_zero_is_refused() {
    let mut config = Config::default();
    config.http.rate_limits.insert("post_create".into(), RateRule::new(10, 0));
    refused(&config, "http.rate_limits.post_create needs a positive limit");
}

#[test]
fn local_mode_binds_loopback_only_unless_told() {
    let mut exposed = Config::default();
    exposed.public.bind = "0.0.0.0:8080".into();
    refused(&exposed, "public.bind `0.0.0.0:8080` is not a loopback address");
    exposed.public.bind = "127.0.0.1:8080".into();
    exposed.staff.bind = "[::]:8081".into();
    refused(&exposed, "staff.bind");
    exposed.staff.bind = "localhost:8081".into();
    exposed.validate(&all()).unwrap();
    exposed.public.bind = "0.0.0.0:8080".into();
    exposed.allow_public_bind = true;
    exposed.validate(&all()).unwrap();
}

#[test]
fn debug_output_redacts_secrets() {
    let printed = format!("{:?}", Config::default());
    assert!(!printed.contains(local_defaults::JWT_SECRET));
    assert!(!printed.contains(yujie_identity::config::local_defaults::WECHAT_APP_SECRET));
    assert!(!printed.contains("data/yujie.db"), "the database URL may hold a password");
}

#[test]
#[allow(clippy::result_large_err)] // figment's Jail closure returns figment::Error
fn environment_overrides_file_and_defaults() {
    figment::Jail::expect_with(|jail| {
        jail.create_file(
            "yujie.toml",
            "[wechat]\nqr_expire_secs = 60\n[http.rate_limits]\nlogin_qr = { limit = 5, window_secs = 10 }\n",
        )?;
        jail.set_env("YUJIE_WECHAT__QR_EXPIRE_SECS", "90");
        jail.set_env("YUJIE_TEST_MYSQL_URL", "ignored");
        let config = Config::load(Some(Path::new("yujie.toml"))).map_err(|e| e.to_string())?;
        assert_eq!(config.wechat.qr_expire_secs, 90);
        assert_eq!(config.rate_rule("login_qr"), RateRule::new(5, 10));
        assert_eq!(config.rate_rule("token_refresh").limit, 60, "defaults of other rules survive");
        Ok(())
    });
}

/// `config/example.toml` documents every key with its default: loading it changes nothing.
#[test]
fn the_example_file_is_the_defaults() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/example.toml");
    let loaded = Config::load(Some(&path)).unwrap();
    let as_json = |config: &Config| serde_json::to_value(config).unwrap();
    assert_eq!(as_json(&loaded), as_json(&Config::default()));
    // And every key is written out in it.
    let written: serde_json::Value = Figment::from(Toml::file(&path)).extract().unwrap();
    let mut missing = Vec::new();
    missing_keys(&as_json(&Config::default()), &written, "", &mut missing);
    assert!(missing.is_empty(), "config/example.toml lacks {missing:?}");
}

fn missing_keys(defaults: &serde_json::Value, written: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
    let Some(defaults) = defaults.as_object() else { return };
    for (key, value) in defaults {
        let path = format!("{prefix}{key}");
        match written.get(key) {
            None => out.push(path),
            Some(inner) => missing_keys(value, inner, &format!("{path}."), out),
        }
    }
}

/// The production template starts once the secrets it names come from the environment.
#[test]
#[allow(clippy::result_large_err)] // figment's Jail closure returns figment::Error
fn the_production_template_starts_with_secrets_from_the_environment() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/production.toml");
    figment::Jail::expect_with(|jail| {
        for (key, value) in [
            ("YUJIE_AUTH__JWT_SECRET", "j".repeat(40)),
            ("YUJIE_INTERNAL__TOKEN", "i".repeat(40)),
            ("YUJIE_WECHAT__APP_SECRET", "real-app-secret".to_owned()),
            ("YUJIE_WECHAT__TOKEN", "realtoken".to_owned()),
            ("YUJIE_WECHAT__ENCODING_AES_KEY", "a".repeat(43)),
            ("YUJIE_STORAGE__S3_SECRET_ACCESS_KEY", "s3-secret".to_owned()),
            ("YUJIE_BILLING__WECHATPAY__MERCHANT_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----".to_owned()),
            ("YUJIE_BILLING__WECHATPAY__API_V3_KEY", "b".repeat(32)),
            ("YUJIE_BILLING__ALIPAY__APP_PRIVATE_KEY", "MIIEv".to_owned()),
            ("YUJIE_COMPANION__DIFY__DATASET_KEY", "dataset-key".to_owned()),
            ("YUJIE_COMPANION__DIFY__APP_KEY", "app-key".to_owned()),
            ("YUJIE_COMPANION__VOICE__APP_KEY", "rtc-app-key".to_owned()),
            ("YUJIE_COMPANION__VOICE__SECRET_ACCESS_KEY", "rtc-secret".to_owned()),
            ("YUJIE_COMPANION__VOICE__CALLBACK_SECRET", "callback-secret".to_owned()),
            ("YUJIE_ADMIN__OIDC__CLIENT_SECRET", "oidc-client-secret".to_owned()),
        ] {
            jail.set_env(key, value);
        }
        let config = Config::load(Some(&path)).map_err(|error| error.to_string())?;
        config.validate(&all()).map_err(|error| error.to_string())?;
        Ok(())
    });
}
