use std::{
    net::{Ipv4Addr, Ipv6Addr},
    sync::Arc,
    time::Duration,
};

use anyhow::Context as _;
use axum::{routing::get, Json, Router};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use yujie_blob::Blob;
use yujie_db::Db;
use yujie_kernel::{
    auth::TokenKeys,
    http::{finish, not_found, HttpMetrics, Listener},
    safety::{self, Safety},
    service::{InternalTokens, Worker},
    upstream::Upstreams,
    wait::WaitSlots,
    Clock, Metrics, Platform, PlatformConfig, ServiceRoutes,
};

use crate::{
    config::Config,
    media::serve_object,
    openapi::PublicApi,
    registry::{Peers, SERVICES},
    serve::{serve, ConnectionLimits},
    services::ServiceSet,
    web::{serve_app, WebApp},
};

/// The running product: two bound listeners with their routers, and the workers.
pub struct Application {
    public_listener: TcpListener,
    staff_listener: TcpListener,
    public_router: Router,
    staff_router: Router,
    workers: Vec<Worker>,
    platform: Platform,
    config: Arc<Config>,
}

impl Application {
    /// Binds both listeners first (port 0 picks a free port), then builds everything
    /// on top, so URLs derived from the bound addresses are known to every service.
    pub async fn build(mut config: Config, services: ServiceSet, clock: Clock) -> anyhow::Result<Self> {
        config.validate(&services)?;
        let Config { platform: shared, billing, .. } = &mut config;
        yujie_billing::fill_local_payment_keys(shared.mode, billing, &mut shared.standins)?;
        if services.runs("billing") {
            let problems = yujie_billing::key_problems(&config.billing);
            anyhow::ensure!(problems.is_empty(), "invalid payment keys:\n  - {}", problems.join("\n  - "));
        }
        let public_listener = bind(&config.public.bind, "public").await?;
        let staff_listener = bind(&config.staff.bind, "staff").await?;
        let public_base_url = base_url(&config.public.base_url, &public_listener)?;
        let staff_base_url = base_url(&config.staff.base_url, &staff_listener)?;
        let staff_local_url = local_url(&staff_listener)?;

        let database = &config.database;
        let acquire_timeout = Duration::from_millis(database.acquire_timeout_ms.max(1));
        let db = Db::connect(database.url.expose(), database.max_connections, acquire_timeout).await?;
        if config.database.migrate_on_start {
            db.migrate(&services.migrations().iter().collect::<Vec<_>>()).await?;
        }
        let redis_url = Some(config.redis.url.expose()).filter(|url| !url.is_empty());
        if redis_url.is_none() && !services.is_all() {
            tracing::warn!("running some services without redis.url: bans, waits and limits stay inside this process");
        }
        let kv = yujie_kv::connect(redis_url, &config.redis.prefix).await?;
        let blob = Blob::from_config(&config.storage.blob_config())?;
        let http_client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .context("cannot build the HTTP client")?;
        let tokens = TokenKeys::new(&config.auth.jwt_secret, config.auth.access_ttl_secs, clock.clone())
            .also_accepting(&config.auth.accepted_jwt_secret);
        let config_waits = config.http.max_waits_per_client;
        let config_images = config.media.image_pool();
        let metrics = Arc::new(Metrics::default());
        let safety = Safety::load(db.clone(), kv.clone(), clock.clone(), &config.safety, &metrics).await?;
        let upstreams = Upstreams::new(&config.upstream, &metrics);
        let platform = Platform {
            config: Arc::new(config.platform.clone()),
            db,
            kv,
            blob,
            clock,
            metrics,
            safety,
            tokens,
            public_base_url,
            staff_base_url,
            staff_local_url,
            http_client,
            upstreams,
            waits: WaitSlots::new(config_waits),
            images: config_images,
            shutdown: CancellationToken::new(),
        };

        let peers = Peers::connect(&platform, &config, &services)?;
        let mut parts: Vec<ServiceRoutes> = Vec::new();
        for service in SERVICES.iter().filter(|service| services.runs(service.name)) {
            parts.push((service.routes)(&platform, &config, &peers)?);
        }

        let http_metrics = HttpMetrics::register(&platform.metrics);
        let (public_router, staff_router, workers) = assemble(&platform, &config, parts);
        Ok(Self {
            public_listener,
            staff_listener,
            public_router: finish(public_router, &platform, Listener::Public, &http_metrics),
            staff_router: finish(staff_router, &platform, Listener::Staff, &http_metrics),
            workers,
            platform,
            config: Arc::new(config),
        })
    }

    pub fn public_port(&self) -> u16 {
        self.public_listener.local_addr().map(|addr| addr.port()).unwrap_or_default()
    }

    pub fn staff_port(&self) -> u16 {
        self.staff_listener.local_addr().map(|addr| addr.port()).unwrap_or_default()
    }

    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    /// The configuration in force, local payment keys filled in.
    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// Serves until SIGINT/SIGTERM or until the platform's shutdown token is cancelled,
    /// then lets in-flight requests and workers finish.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let shutdown = self.platform.shutdown.clone();
        tokio::spawn(cancel_on_signal(shutdown.clone()));
        let mut tasks = tokio::task::JoinSet::new();
        for worker in self.workers {
            tasks.spawn(async move {
                if let Err(error) = worker.await {
                    tracing::error!(error = format!("{error:#}"), "worker stopped with an error");
                }
            });
        }
        tracing::info!(
            public = %self.platform.public_base_url,
            staff = %self.platform.staff_base_url,
            mode = ?self.platform.config.mode,
            "yujie is serving"
        );
        let limits = ConnectionLimits::from_config(&self.platform.config.http);
        let public = serve(self.public_listener, self.public_router, limits, shutdown.clone());
        let staff = serve(self.staff_listener, self.staff_router, limits, shutdown.clone());
        let result = tokio::try_join!(public, staff);
        shutdown.cancel();
        while tasks.join_next().await.is_some() {}
        result.map(|_| ())
    }
}

/// Applies the migrations of the given services.
pub async fn migrate(config: &PlatformConfig, services: &ServiceSet) -> anyhow::Result<()> {
    let db = Db::connect(config.database.url.expose(), 2, Duration::from_secs(30)).await?;
    db.migrate(&services.migrations().iter().collect::<Vec<_>>()).await
}

/// Public routes go under `/api/v1` on the public listener; internal and staff routes
/// only ever on the staff listener.
fn assemble(platform: &Platform, config: &Config, parts: Vec<ServiceRoutes>) -> (Router, Router, Vec<Worker>) {
    let mut api = OpenApiRouter::with_openapi(PublicApi::openapi());
    let safety = &platform.safety;
    let mut staff = Router::new()
        .nest("/internal/safety", safety::routes::internal(safety, InternalTokens::of(&platform.config.internal)));
    let reload = Duration::from_millis(platform.config.safety.reload_interval_ms.max(100));
    let mut workers = vec![safety.worker(reload, platform.shutdown.clone())];
    for part in parts {
        api = api.nest("/api/v1", part.public);
        staff = staff
            .nest(&format!("/internal/{}", part.name), part.internal)
            .nest(&format!("/staff/{}", part.name), part.staff);
        workers.extend(part.workers);
    }
    let (api, mut openapi) = api.split_for_parts();
    yujie_kernel::openapi::complete(&mut openapi);
    let openapi = Arc::new(openapi);
    let mut public = api.route("/api/openapi.json", get(move || async move { Json(openapi.as_ref().clone()) }));
    if platform.blob.served_by_app() {
        public = public.route(
            &format!("{}{{*key}}", yujie_blob::MEDIA_ROUTE_PREFIX),
            get(serve_object).with_state(platform.blob.clone()),
        );
    }
    public = mount_standins(public, platform, config);
    public = match WebApp::user_app(&platform.config.web) {
        Some(app) => public.fallback(move |request| serve_app(app.clone(), request)),
        None => public.fallback(not_found),
    };
    if let Some(console) = WebApp::console(&platform.config.web) {
        let console = Router::new().fallback(move |request| serve_app(console.clone(), request));
        staff = staff.nest_service("/staff", console);
    }
    // The staff listener is intranet-only, so Prometheus scrapes it without a token.
    // Each scrape asks the database and the key-value store (each bounded) whether they
    // answer: `yujie_db_up` is what /readyz decides on, and `yujie_kv_up` is how a Redis
    // outage is seen, since /readyz stays ready without it.
    let (metrics, db, kv) = (platform.metrics.clone(), platform.db.clone(), platform.kv.clone());
    let db_up = prometheus_client::metrics::gauge::Gauge::<i64>::default();
    let kv_up = prometheus_client::metrics::gauge::Gauge::<i64>::default();
    metrics.register("db_up", "1 when the database answered at the last scrape, else 0", db_up.clone());
    metrics.register("kv_up", "1 when the key-value store answered at the last scrape, else 0", kv_up.clone());
    staff = staff.fallback(not_found).route(
        "/metrics",
        get(move || async move {
            let (database, store) = tokio::join!(db.ping(), kv.ping());
            db_up.set(i64::from(database.is_ok()));
            kv_up.set(i64::from(store.is_ok()));
            (
                [(axum::http::header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
                metrics.render(),
            )
        }),
    );
    (public, staff, workers)
}

#[cfg(feature = "standins")]
fn mount_standins(router: Router, platform: &Platform, config: &Config) -> Router {
    if platform.config.standins.enabled {
        tracing::warn!(
            "local stand-ins for WeChat, WeChat Pay, Alipay, the AI provider and the staff identity provider are enabled: sign-in, payments and the AI are simulated"
        );
        let accounts = crate::standin_accounts::accounts(config, platform);
        router.nest(yujie_kernel::config::STANDIN_PATH, yujie_standins::router(platform, &accounts))
    } else {
        router
    }
}

#[cfg(not(feature = "standins"))]
fn mount_standins(router: Router, platform: &Platform, _config: &Config) -> Router {
    if platform.config.standins.enabled {
        tracing::warn!("standins.enabled is set, but this binary was built without stand-ins");
    }
    router
}

async fn bind(address: &str, name: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(address).await.with_context(|| format!("cannot bind the {name} listener to {address}"))
}

fn base_url(configured: &str, listener: &TcpListener) -> anyhow::Result<String> {
    if !configured.is_empty() {
        return Ok(configured.trim_end_matches('/').to_owned());
    }
    Ok(format!("http://{}", listener.local_addr()?))
}

/// The listener's own address, with a wildcard bind replaced by loopback.
fn local_url(listener: &TcpListener) -> anyhow::Result<String> {
    let mut address = listener.local_addr()?;
    if address.ip().is_unspecified() {
        address.set_ip(if address.is_ipv4() { Ipv4Addr::LOCALHOST.into() } else { Ipv6Addr::LOCALHOST.into() });
    }
    Ok(format!("http://{address}"))
}

async fn cancel_on_signal(shutdown: CancellationToken) {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        () = terminate => {}
        () = shutdown.cancelled() => return,
    }
    tracing::info!("shutting down");
    shutdown.cancel();
}
