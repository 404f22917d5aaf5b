//! Billing: membership plans, orders, WeChat Pay and Alipay, exactly-once fulfilment (F0).
//!
//! A client names a plan and a channel; the order is stored first (with an opaque,
//! unique `out_trade_no`), then the channel is asked for a payment QR. The client waits
//! (long-poll or SSE) until the order is paid, expired or closed. The channel's
//! notification, verified completely, or a reconciliation query marks it paid, and
//! identity extends the membership once per order (see `orders`). Unpaid orders expire
//! after `billing.order_expire_secs` and are closed at their channel.

pub mod alipay;
pub mod config;
pub mod crypto;
pub mod domain;
mod error;
mod keys;
mod local_keys;
mod metrics;
mod notify;
mod orders;
mod reconcile;
pub mod refusal;
mod routes;
mod store;
pub mod wechatpay;

pub use config::{AlipayConfig, BillingConfig, PlanConfig, PlatformKey, WechatPayConfig};
pub use error::BillingError;
pub use keys::key_problems;

use std::sync::Arc;

use axum::extract::FromRef;
use yujie_db::Migrations;
use yujie_identity::IdentityClient;
use yujie_kernel::{auth::Authenticator, config::STANDIN_PATH, wait::SharedPoll, Platform, ServiceRoutes};

pub use local_keys::{fill_local_payment_keys, LOCAL_CERT_SERIAL, LOCAL_PUB_KEY_ID};
pub use orders::{OrderView, StaffOrderView};
pub use reconcile::ReconcileReport;

use crate::{
    alipay::Alipay,
    metrics::BillingMetrics,
    store::{BillingStore, OrderRow},
    wechatpay::WechatPay,
};

pub fn migrations() -> Migrations {
    Migrations {
        service: "billing",
        sqlite: sqlx::migrate!("migrations/sqlite"),
        mysql: sqlx::migrate!("migrations/mysql"),
    }
}

/// The notification paths on the public listener, relative to `/api/v1`.
pub const WECHATPAY_NOTIFY_PATH: &str = "/billing/notify/wechatpay";
pub const ALIPAY_NOTIFY_PATH: &str = "/billing/notify/alipay";

/// What other services ask of billing, in process or over its internal API.
#[async_trait::async_trait]
pub trait BillingClient: Send + Sync {
    /// A user's orders, newest first.
    async fn orders_of(&self, user_id: &str, limit: i64) -> anyhow::Result<Vec<StaffOrderView>>;
}

/// The billing service; the state of its routes.
#[derive(Clone)]
pub struct Billing {
    inner: Arc<Inner>,
}

struct Inner {
    platform: Platform,
    config: BillingConfig,
    store: BillingStore,
    identity: Arc<dyn IdentityClient>,
    authenticator: Authenticator,
    wechatpay: WechatPay,
    alipay: Alipay,
    metrics: BillingMetrics,
    /// Every waiter on one order shares one reader.
    order_polls: SharedPoll<String, OrderRow>,
}

impl FromRef<Billing> for Authenticator {
    fn from_ref(billing: &Billing) -> Self {
        billing.inner.authenticator.clone()
    }
}

impl Billing {
    pub fn build(
        platform: &Platform,
        config: &BillingConfig,
        authenticator: Authenticator,
        identity: Arc<dyn IdentityClient>,
    ) -> anyhow::Result<Self> {
        let standins = platform.config.standins.enabled;
        let standin = |name: &str| format!("{}{STANDIN_PATH}/{name}", platform.public_base_url);
        let notify = |configured: &str, path: &str| match configured {
            "" => format!("{}/api/v1{path}", platform.public_base_url),
            url => url.to_owned(),
        };
        let wechatpay_base = match (config.wechatpay.api_base.as_str(), standins) {
            ("", true) => standin("wechatpay"),
            ("", false) => "https://api.mch.weixin.qq.com".to_owned(),
            (configured, _) => configured.to_owned(),
        };
        let alipay_gateway = match (config.alipay.gateway_url.as_str(), standins) {
            ("", true) => format!("{}/gateway.do", standin("alipay")),
            ("", false) => "https://openapi.alipay.com/gateway.do".to_owned(),
            (configured, _) => configured.to_owned(),
        };
        let wechatpay = WechatPay::new(
            &config.wechatpay,
            wechatpay_base,
            notify(&config.wechatpay.notify_url, WECHATPAY_NOTIFY_PATH),
            platform.upstreams.partner("wechatpay", platform.http_client.clone()),
            platform.clock.clone(),
        )?;
        let alipay = Alipay::new(
            &config.alipay,
            alipay_gateway,
            notify(&config.alipay.notify_url, ALIPAY_NOTIFY_PATH),
            platform.upstreams.partner("alipay", platform.http_client.clone()),
            platform.clock.clone(),
        )?;
        Ok(Self {
            inner: Arc::new(Inner {
                platform: platform.clone(),
                config: config.clone(),
                store: BillingStore::new(platform.db.clone()),
                identity,
                authenticator,
                wechatpay,
                alipay,
                metrics: BillingMetrics::register(&platform.metrics),
                order_polls: SharedPoll::new(platform.kv.clone(), orders::WAIT_POLL),
            }),
        })
    }

    pub fn routes(&self) -> ServiceRoutes {
        ServiceRoutes {
            name: "billing",
            public: routes::public(self),
            internal: routes::internal(self),
            staff: axum::Router::new(),
            workers: vec![Box::pin(reconcile::worker(self.clone()))],
        }
    }

    /// The in-process client other services of this process use.
    pub fn client(&self) -> Arc<dyn BillingClient> {
        Arc::new(self.clone())
    }

    fn now_ms(&self) -> i64 {
        self.inner.platform.clock.now_ms()
    }
}

#[async_trait::async_trait]
impl BillingClient for Billing {
    async fn orders_of(&self, user_id: &str, limit: i64) -> anyhow::Result<Vec<StaffOrderView>> {
        let orders = self.inner.store.history(user_id, None, limit.clamp(1, 1000)).await?;
        Ok(orders.iter().map(orders::staff_view).collect())
    }
}

/// The billing client of a process that does not run billing.
pub struct HttpBillingClient {
    internal: yujie_kernel::service::InternalClient,
}

impl HttpBillingClient {
    pub fn new(internal: yujie_kernel::service::InternalClient) -> Arc<Self> {
        Arc::new(Self { internal })
    }
}

#[async_trait::async_trait]
impl BillingClient for HttpBillingClient {
    async fn orders_of(&self, user_id: &str, limit: i64) -> anyhow::Result<Vec<StaffOrderView>> {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("user_id", user_id)
            .append_pair("limit", &limit.clamp(1, 1000).to_string())
            .finish();
        Ok(self.internal.get(&format!("/orders?{query}")).await?.unwrap_or_default())
    }
}
