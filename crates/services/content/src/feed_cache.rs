//! Rendered feed pages, shared by every reader for up to a second.
//!
//! A feed page is the same for every anonymous reader, so it is rendered once and served
//! as bytes. A write that changes which posts a page shows or what they say (a post
//! created, edited, deleted, removed or restored; a persona renamed, removed or restored)
//! clears the cache on this instance at once and on the others through the key-value
//! store's notifications. Like and comment counts are not invalidated: they are at most
//! [`FEED_CACHE_TTL`] old, as the API documents. Signed-in readers get the cached page
//! with their own reactions looked up for its ids.

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use yujie_kernel::{auth::CurrentUser, cache::TtlCache, ApiError, ApiResult};

use crate::{domain::ReactionValue, posts::PostPage, store::FeedSort, Content};

/// How stale a cached page (its counts) may be.
pub const FEED_CACHE_TTL: Duration = Duration::from_secs(1);
/// Pages kept at most; past it, expired ones go, then all.
const CAPACITY: usize = 10_000;
const CHANNEL: &str = "content:feeds-changed";

/// A page and its JSON.
pub struct CachedPage {
    pub page: PostPage,
    pub json: Bytes,
}

pub struct FeedCache {
    pages: TtlCache<String, Arc<CachedPage>>,
}

impl FeedCache {
    pub fn new() -> Self {
        Self { pages: TtlCache::new(FEED_CACHE_TTL, CAPACITY) }
    }
}

impl Content {
    /// A feed page as an anonymous reader sees it, from the cache when it is fresh.
    pub async fn cached_feed(
        &self,
        persona_id: Option<&str>,
        sort: FeedSort,
        cursor: Option<&str>,
        limit: i64,
    ) -> ApiResult<Arc<CachedPage>> {
        let key = format!("{}|{sort:?}|{}|{limit}", persona_id.unwrap_or(""), cursor.unwrap_or(""));
        let cache = &self.inner.feed_cache.pages;
        if let Some(page) = cache.get(&key) {
            return Ok(page);
        }
        let page = self.feed(persona_id, sort, cursor, limit, None).await?;
        let json = serde_json::to_vec(&page).map_err(ApiError::internal)?;
        let cached = Arc::new(CachedPage { page, json: json.into() });
        cache.insert(key, cached.clone());
        Ok(cached)
    }

    /// The cached page with the viewer's own reactions: one indexed lookup for its ids.
    pub async fn with_reactions(&self, cached: &CachedPage, viewer: &CurrentUser) -> ApiResult<PostPage> {
        let mut page = cached.page.clone();
        let ids: Vec<String> = page.items.iter().map(|post| post.id.clone()).collect();
        let mine = self.inner.store.reactions_of(&viewer.user_id, "post", &ids).await?;
        for post in &mut page.items {
            post.my_reaction = mine.get(&post.id).copied().and_then(ReactionValue::from_stored);
        }
        Ok(page)
    }

    /// Drops every cached page here, and tells the other instances to.
    pub(crate) async fn feeds_changed(&self) {
        self.inner.feed_cache.pages.clear();
        if let Err(error) = self.inner.platform.kv.publish(CHANNEL).await {
            tracing::warn!(error = format!("{error:#}"), "other instances keep feed pages up to their lifetime");
        }
    }
}

/// Clears this instance's pages when another instance changed a feed.
pub async fn follow_invalidations(content: Content) -> anyhow::Result<()> {
    let platform = content.inner.platform.clone();
    let mut changes = platform.kv.subscribe(CHANNEL);
    loop {
        tokio::select! {
            () = platform.shutdown.cancelled() => return Ok(()),
            alive = changes.notified() => {
                content.inner.feed_cache.pages.clear();
                if !alive {
                    return Ok(());
                }
            }
        }
    }
}
