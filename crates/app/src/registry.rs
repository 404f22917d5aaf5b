//! Every service behind one trait, so that startup loops over the selected ones. What a
//! service needs from the others arrives as [`Peers`]: the service itself when it runs
//! in this process, its HTTP client (at `internal.<name>_url`) when it does not.

use std::sync::Arc;

use yujie_billing::Billing;
use yujie_companion::Companion;
use yujie_content::{Content, ContentClient, HttpContentClient};
use yujie_db::Migrations;
use yujie_identity::{HttpIdentityClient, Identity, IdentityClient};
use yujie_kernel::{auth::Authenticator, service::InternalClient, Platform, ServiceRoutes};

use crate::{config::Config, services::ServiceSet};

/// One service as the binary runs it.
pub trait Service {
    const NAME: &'static str;
    /// Its tables, if it has any.
    fn migrations() -> Option<Migrations>;
    /// What its own config section gets wrong (in production: the secrets it needs).
    fn config_problems(_config: &Config, _problems: &mut Vec<String>) {}
    /// Builds it on the platform and hands over its routes and workers.
    fn routes(platform: &Platform, config: &Config, peers: &Peers) -> anyhow::Result<ServiceRoutes>;
}

/// The other services, as this process reaches them.
pub struct Peers {
    /// Checks access tokens (ban and session state from identity, local or remote).
    pub authenticator: Authenticator,
    pub identity: Arc<dyn IdentityClient>,
    /// Content's change feed, for the companion: `None` when neither runs here.
    pub content: Option<Arc<dyn ContentClient>>,
    /// Identity itself when it runs here: its routes come from this instance.
    local_identity: Option<Identity>,
}

impl Peers {
    pub fn connect(platform: &Platform, config: &Config, services: &ServiceSet) -> anyhow::Result<Self> {
        let mut peers = if services.runs(IdentityService::NAME) {
            let identity = Identity::build(platform, &config.wechat)?;
            Self {
                authenticator: identity.authenticator(),
                identity: identity.client(),
                content: None,
                local_identity: Some(identity),
            }
        } else {
            let url = &platform.config.internal.identity_url;
            anyhow::ensure!(!url.is_empty(), "internal.identity_url is required when identity runs in another process");
            let client = HttpIdentityClient::new(InternalClient::new(platform, url, IdentityService::NAME));
            let authenticator = Authenticator::new(platform.tokens.clone(), client.clone(), platform.clock.clone());
            Self { authenticator, identity: client, content: None, local_identity: None }
        };
        if services.runs(ContentService::NAME) {
            let content = Content::build(platform, peers.authenticator.clone(), peers.identity.clone());
            peers.content = Some(Arc::new(content));
        } else if services.runs(CompanionService::NAME) {
            let url = &platform.config.internal.content_url;
            anyhow::ensure!(!url.is_empty(), "internal.content_url is required when content runs in another process");
            peers.content = Some(HttpContentClient::new(InternalClient::new(platform, url, ContentService::NAME)));
        }
        Ok(peers)
    }
}

pub struct IdentityService;
pub struct ContentService;
pub struct BillingService;
pub struct CompanionService;
pub struct AdminService;

impl Service for IdentityService {
    const NAME: &'static str = "identity";

    fn migrations() -> Option<Migrations> {
        Some(yujie_identity::migrations())
    }

    fn config_problems(config: &Config, problems: &mut Vec<String>) {
        config.wechat.problems(&config.platform, problems);
    }

    fn routes(_platform: &Platform, _config: &Config, peers: &Peers) -> anyhow::Result<ServiceRoutes> {
        let identity = peers.local_identity.as_ref();
        identity.map(Identity::routes).ok_or_else(|| anyhow::anyhow!("identity's peers were connected without it"))
    }
}

impl Service for ContentService {
    const NAME: &'static str = "content";

    fn migrations() -> Option<Migrations> {
        Some(yujie_content::migrations())
    }

    fn routes(platform: &Platform, _config: &Config, peers: &Peers) -> anyhow::Result<ServiceRoutes> {
        Ok(Content::build(platform, peers.authenticator.clone(), peers.identity.clone()).routes())
    }
}

impl Service for BillingService {
    const NAME: &'static str = "billing";

    fn migrations() -> Option<Migrations> {
        Some(yujie_billing::migrations())
    }

    fn config_problems(config: &Config, problems: &mut Vec<String>) {
        config.billing.problems(&config.platform, problems);
    }

    fn routes(platform: &Platform, config: &Config, peers: &Peers) -> anyhow::Result<ServiceRoutes> {
        let billing = Billing::build(platform, &config.billing, peers.authenticator.clone(), peers.identity.clone())?;
        Ok(billing.routes())
    }
}

impl Service for CompanionService {
    const NAME: &'static str = "companion";

    fn migrations() -> Option<Migrations> {
        Some(yujie_companion::migrations())
    }

    fn config_problems(config: &Config, problems: &mut Vec<String>) {
        config.companion.problems(&config.platform, problems);
    }

    fn routes(platform: &Platform, config: &Config, peers: &Peers) -> anyhow::Result<ServiceRoutes> {
        let content = peers.content.clone().ok_or_else(|| anyhow::anyhow!("companion's peers lack content"))?;
        Ok(Companion::build(platform, &config.companion, peers.authenticator.clone(), content)?.routes())
    }
}

impl Service for AdminService {
    const NAME: &'static str = "admin";

    fn migrations() -> Option<Migrations> {
        Some(yujie_admin::migrations())
    }

    fn config_problems(config: &Config, problems: &mut Vec<String>) {
        config.admin.problems(&config.platform, problems);
    }

    fn routes(platform: &Platform, config: &Config, _peers: &Peers) -> anyhow::Result<ServiceRoutes> {
        Ok(yujie_admin::Admin::build(platform, &config.admin).routes())
    }
}

/// A service's entry points, for the table below.
pub struct Entry {
    pub name: &'static str,
    pub migrations: fn() -> Option<Migrations>,
    pub config_problems: fn(&Config, &mut Vec<String>),
    pub routes: fn(&Platform, &Config, &Peers) -> anyhow::Result<ServiceRoutes>,
}

const fn entry<S: Service>() -> Entry {
    Entry { name: S::NAME, migrations: S::migrations, config_problems: S::config_problems, routes: S::routes }
}

/// Every service, in the order they are built and their migrations applied.
pub const SERVICES: [Entry; 5] = [
    entry::<IdentityService>(),
    entry::<BillingService>(),
    entry::<ContentService>(),
    entry::<CompanionService>(),
    entry::<AdminService>(),
];
