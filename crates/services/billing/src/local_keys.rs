//! Local mode's payment test keys: generated at first start, kept in a file under the
//! data folder (never committed, never used in production), and filled into the config
//! wherever a key is empty. Production mode never reaches this: it refuses empty keys.

use std::{io::ErrorKind, path::Path};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use yujie_kernel::{config::StandinsConfig, ids::random_hex, Mode, Secret};

use crate::{
    config::{BillingConfig, PlatformKey},
    crypto::{generate_rsa_key_pair, public_key_pem_of},
};

/// The serials under which local mode registers the stand-in's platform key: one as
/// a platform certificate serial, one in the WeChat Pay public-key mode.
pub const LOCAL_CERT_SERIAL: &str = "6F2B4D1E0A9C8B7A6F5E4D3C2B1A09F8E7D6C5B4";
pub const LOCAL_PUB_KEY_ID: &str = "PUB_KEY_ID_0114000000000000000000000000";

/// Private keys (PKCS#8 PEM) of both sides of both channels.
#[derive(Serialize, Deserialize)]
struct LocalKeys {
    wechatpay_merchant: String,
    wechatpay_platform: String,
    alipay_app: String,
    alipay_platform: String,
}

/// Fills every empty payment key of a local-mode config (billing's, and the payment
/// stand-ins') from the local key file, creating it on first use.
pub fn fill_local_payment_keys(
    mode: Mode,
    billing: &mut BillingConfig,
    standins: &mut StandinsConfig,
) -> anyhow::Result<()> {
    if mode != Mode::Local {
        return Ok(());
    }
    let missing = billing.wechatpay.merchant_private_key.is_empty()
        || billing.wechatpay.platform_keys.is_empty()
        || billing.alipay.app_private_key.is_empty()
        || billing.alipay.alipay_public_key.is_empty()
        || standins.wechatpay_private_key.is_empty()
        || standins.alipay_private_key.is_empty();
    if !missing {
        return Ok(());
    }
    let keys = load_or_create(Path::new(&billing.local_keys_file))?;
    if billing.wechatpay.merchant_private_key.is_empty() {
        billing.wechatpay.merchant_private_key = Secret::new(keys.wechatpay_merchant.clone());
    }
    if billing.wechatpay.platform_keys.is_empty() {
        let pem = public_key_pem_of(&keys.wechatpay_platform)?;
        billing.wechatpay.platform_keys = vec![
            PlatformKey { serial: LOCAL_PUB_KEY_ID.into(), pem: pem.clone() },
            PlatformKey { serial: LOCAL_CERT_SERIAL.into(), pem },
        ];
    }
    if billing.alipay.app_private_key.is_empty() {
        billing.alipay.app_private_key = Secret::new(keys.alipay_app.clone());
    }
    if billing.alipay.alipay_public_key.is_empty() {
        billing.alipay.alipay_public_key = public_key_pem_of(&keys.alipay_platform)?;
    }
    if standins.wechatpay_private_key.is_empty() {
        standins.wechatpay_private_key = Secret::new(keys.wechatpay_platform);
    }
    if standins.alipay_private_key.is_empty() {
        standins.alipay_private_key = Secret::new(keys.alipay_platform);
    }
    Ok(())
}

fn load_or_create(path: &Path) -> anyhow::Result<LocalKeys> {
    match std::fs::read_to_string(path) {
        Ok(text) => return serde_json::from_str(&text).with_context(|| format!("unreadable {}", path.display())),
        Err(error) if error.kind() == ErrorKind::NotFound => {}
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
    tracing::warn!(file = %path.display(), "generating local payment test keys (local mode only)");
    let private = || generate_rsa_key_pair().map(|(private, _)| private);
    let keys = LocalKeys {
        wechatpay_merchant: private()?,
        wechatpay_platform: private()?,
        alipay_app: private()?,
        alipay_platform: private()?,
    };
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    // Written aside, then linked into place: a concurrent first start keeps one set.
    let staging = path.with_extension(format!("{}.tmp", random_hex(6)));
    std::fs::write(&staging, serde_json::to_string_pretty(&keys)?)?;
    let linked = std::fs::hard_link(&staging, path);
    let _ = std::fs::remove_file(&staging);
    match linked {
        Ok(()) => Ok(keys),
        Err(error) if error.kind() == ErrorKind::AlreadyExists => {
            Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
        }
        Err(error) => Err(error).with_context(|| format!("cannot write {}", path.display())),
    }
}
