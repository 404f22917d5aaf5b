//! Local-mode stand-ins for third parties. Each speaks its party's real wire protocol,
//! so the production client and verification code run unchanged against it. They are
//! mounted under `/_standin/` only when `standins.enabled` is set, which production
//! mode refuses, and production images are built without this crate.

mod accounts;
pub mod ai;
pub mod oidc;
pub mod payments;
pub mod wechat;

use axum::{routing::get, Json, Router};
use yujie_kernel::Platform;

pub use accounts::{Accounts, AlipayAccount, DifyAccount, OidcClient, RtcAccount, WechatAccount, WechatPayAccount};

/// The parties stood in for. `GET /_standin` lists them: the web app asks it to know
/// it runs in local mode and shows its 「模拟扫码」 and 「模拟支付」 buttons.
const PARTIES: [&str; 5] = ["wechat", "wechatpay", "alipay", "ai", "oidc"];

/// Every stand-in's routes, to nest under `/_standin`.
pub fn router(platform: &Platform, accounts: &Accounts) -> Router {
    Router::new()
        .route("/", get(|| async { Json(serde_json::json!({ "standins": PARTIES })) }))
        .nest("/wechat", wechat::router(platform, &accounts.wechat))
        .nest("/wechatpay", payments::wechatpay::router(platform, &accounts.wechatpay))
        .nest("/alipay", payments::alipay::router(platform, &accounts.alipay))
        .nest("/ai", ai::router(platform, accounts))
        .nest("/oidc", oidc::router(platform, &accounts.oidc))
}
