//! Content: personas and their photos, experiences, achievements and works (F1); members'
//! posts, two-level comments, reactions, reports and feeds (F2).
//!
//! The community fills a persona in together: anyone signed in contributes, each
//! contribution remembers its author, and only the author edits or deletes it. Staff
//! removal hides an item from every public read and can be undone. Every change lands
//! in an ordered change feed in the same transaction, which the companion service reads
//! by cursor to keep the AI's knowledge in sync.

mod comments;
#[doc(hidden)] // public for the fuzz targets (fuzz/)
pub mod cursor;
pub mod domain;
mod entries;
mod error;
mod feed_cache;
mod hot;
mod moderation;
mod personas;
mod photos;
mod posts;
mod reaction_lookups;
mod reactions;
mod recheck;
mod reports;
mod routes;
#[doc(hidden)] // public for the fuzz targets (fuzz/)
pub use routes::posts::read_post_form;
mod safety;
mod store;
mod text;
#[doc(hidden)] // public for the fuzz targets (fuzz/)
pub use text::render_html;
mod user_content;
mod views;

use std::sync::Arc;

use axum::extract::FromRef;
use yujie_db::Migrations;
use yujie_identity::IdentityClient;
use yujie_kernel::{auth::Authenticator, service::InternalClient, Platform, ServiceRoutes};

pub use error::ContentError;
pub use moderation::{ChangePage, FeedEntry, ItemKind};

use crate::{reaction_lookups::ReactionLookups, store::ContentStore};

pub fn migrations() -> Migrations {
    Migrations {
        service: "content",
        sqlite: sqlx::migrate!("migrations/sqlite"),
        mysql: sqlx::migrate!("migrations/mysql"),
    }
}

/// What other services ask of content, in process or over its internal API: the
/// companion reads the change log; the staff console (later) moderates.
#[async_trait::async_trait]
pub trait ContentClient: Send + Sync {
    /// Logged changes after sequence number `after`, oldest first.
    async fn changes_after(&self, after: i64, limit: i64) -> anyhow::Result<ChangePage>;
}

/// Content's internal API over HTTP, for processes that do not run content.
pub struct HttpContentClient {
    internal: InternalClient,
}

impl HttpContentClient {
    pub fn new(internal: InternalClient) -> Arc<Self> {
        Arc::new(Self { internal })
    }
}

#[async_trait::async_trait]
impl ContentClient for HttpContentClient {
    async fn changes_after(&self, after: i64, limit: i64) -> anyhow::Result<ChangePage> {
        let page = self.internal.get(&format!("/changes?after={after}&limit={limit}")).await?;
        page.ok_or_else(|| anyhow::anyhow!("content's change log is not served at its internal URL"))
    }
}

/// The content service; the state of its routes.
#[derive(Clone)]
pub struct Content {
    inner: Arc<Inner>,
}

struct Inner {
    platform: Platform,
    store: ContentStore,
    identity: Arc<dyn IdentityClient>,
    authenticator: Authenticator,
    feed_cache: feed_cache::FeedCache,
    post_reactions: ReactionLookups,
    comment_reactions: ReactionLookups,
}

impl FromRef<Content> for Authenticator {
    fn from_ref(content: &Content) -> Self {
        content.inner.authenticator.clone()
    }
}

impl Content {
    pub fn build(platform: &Platform, authenticator: Authenticator, identity: Arc<dyn IdentityClient>) -> Self {
        let store = ContentStore::new(platform.db.clone());
        let feed_cache = feed_cache::FeedCache::new();
        Self {
            inner: Arc::new(Inner {
                platform: platform.clone(),
                store,
                identity,
                authenticator,
                feed_cache,
                post_reactions: ReactionLookups::new("post"),
                comment_reactions: ReactionLookups::new("comment"),
            }),
        }
    }

    pub fn routes(&self) -> ServiceRoutes {
        ServiceRoutes {
            name: "content",
            public: routes::public(self),
            internal: routes::internal(self),
            staff: axum::Router::new(),
            workers: vec![
                Box::pin(feed_cache::follow_invalidations(self.clone())),
                Box::pin(self.clone().follow_rechecks(std::time::Duration::from_secs(2))),
            ],
        }
    }

    fn now_ms(&self) -> i64 {
        self.inner.platform.clock.now_ms()
    }
}

#[async_trait::async_trait]
impl ContentClient for Content {
    async fn changes_after(&self, after: i64, limit: i64) -> anyhow::Result<ChangePage> {
        Ok(self.change_page(after, limit).await?)
    }
}
