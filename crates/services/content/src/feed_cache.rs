//! Rendered pages, shared by every reader for up to a second.
//!
//! A feed page, a post's detail and a comments page are the same for every anonymous
//! reader, so each is rendered once and served as bytes. A write that changes which
//! posts a feed shows or what they say (a post created, edited, deleted, removed or
//! restored; a persona renamed, removed or restored) clears every page; a comment
//! written, deleted or removed clears the discussion pages (details and comments). Both
//! happen on this instance at once and on the others through the key-value store's
//! notifications. Like and comment counts are not invalidated: they are at most
//! [`FEED_CACHE_TTL`] old, as the API documents. Signed-in readers get the cached feed
//! page with their own reactions looked up for its ids; their post details and comment
//! pages are rendered for them.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use bytes::Bytes;
use yujie_kernel::{auth::CurrentUser, cache::TtlCache, ApiError, ApiResult};

use crate::{domain::ReactionValue, posts::PostPage, store::FeedSort, Content};

/// How stale a cached page (its counts) may be.
pub const FEED_CACHE_TTL: Duration = Duration::from_secs(1);
/// Pages kept at most; past it, expired ones go, then all.
const CAPACITY: usize = 10_000;
const FEEDS_CHANGED: &str = "content:feeds-changed";
const DISCUSSIONS_CHANGED: &str = "content:discussions-changed";

/// A page and its JSON.
pub struct CachedPage {
    pub page: PostPage,
    pub json: Bytes,
}

pub struct FeedCache {
    pages: TtlCache<String, Arc<CachedPage>>,
    /// Anonymous post details and comment pages, as JSON.
    discussions: TtlCache<String, Bytes>,
    /// One render per key at a time: when a page expires under load, one reader renders
    /// it and the others wait for that, instead of all querying the database at once.
    renders: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl FeedCache {
    pub fn new() -> Self {
        Self {
            pages: TtlCache::new(FEED_CACHE_TTL, CAPACITY),
            discussions: TtlCache::new(FEED_CACHE_TTL, CAPACITY),
            renders: Mutex::default(),
        }
    }

    fn clear_all(&self) {
        self.pages.clear();
        self.discussions.clear();
    }

    /// The lock that one render of `key` holds.
    fn render_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut renders = self.renders.lock().unwrap_or_else(PoisonError::into_inner);
        if renders.len() >= CAPACITY {
            renders.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        renders.entry(key.to_owned()).or_default().clone()
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
        let lock = self.inner.feed_cache.render_lock(&key);
        let _rendering = lock.lock().await;
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

    /// A post's detail or a comments page for anonymous readers, as JSON, from the cache
    /// when it is fresh.
    pub async fn cached_discussion<T, F>(&self, key: String, render: F) -> ApiResult<Bytes>
    where
        T: serde::Serialize,
        F: std::future::Future<Output = ApiResult<T>>,
    {
        let cache = &self.inner.feed_cache.discussions;
        if let Some(json) = cache.get(&key) {
            return Ok(json);
        }
        let lock = self.inner.feed_cache.render_lock(&key);
        let _rendering = lock.lock().await;
        if let Some(json) = cache.get(&key) {
            return Ok(json);
        }
        let json: Bytes = serde_json::to_vec(&render.await?).map_err(ApiError::internal)?.into();
        cache.insert(key, json.clone());
        Ok(json)
    }

    /// Drops every cached page here, and tells the other instances to.
    pub(crate) async fn feeds_changed(&self) {
        self.inner.feed_cache.clear_all();
        self.publish(FEEDS_CHANGED).await;
    }

    /// Drops the cached discussion pages here, and tells the other instances to.
    pub(crate) async fn discussions_changed(&self) {
        self.inner.feed_cache.discussions.clear();
        self.publish(DISCUSSIONS_CHANGED).await;
    }

    async fn publish(&self, channel: &str) {
        if let Err(error) = self.inner.platform.kv.publish(channel).await {
            tracing::warn!(error = format!("{error:#}"), "other instances keep their pages up to their lifetime");
        }
    }
}

/// Clears this instance's pages when another instance changed what they show.
pub async fn follow_invalidations(content: Content) -> anyhow::Result<()> {
    let platform = content.inner.platform.clone();
    let mut feeds = platform.kv.subscribe(FEEDS_CHANGED);
    let mut discussions = platform.kv.subscribe(DISCUSSIONS_CHANGED);
    let cache = &content.inner.feed_cache;
    loop {
        let alive = tokio::select! {
            () = platform.shutdown.cancelled() => return Ok(()),
            alive = feeds.notified() => {
                cache.clear_all();
                alive
            }
            alive = discussions.notified() => {
                cache.discussions.clear();
                alive
            }
        };
        if !alive {
            return Ok(());
        }
    }
}
