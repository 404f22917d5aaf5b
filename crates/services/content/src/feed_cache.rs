//! Rendered pages, shared by every reader for up to a second.
//!
//! A feed page, a post's detail and a comments page are the same for every anonymous
//! reader, so each is rendered once and served as bytes. A write that changes which
//! posts a feed shows or what they say (a post created, edited, deleted, removed or
//! restored; a persona renamed, removed or restored) clears every page; a comment
//! written, deleted or removed clears the discussion pages (details and comments). Both
//! happen on this instance at once and on the others through the key-value store's
//! notifications. Like and comment counts are not invalidated: they are at most
//! [`FEED_CACHE_TTL`] old, as the API documents. Each page keeps its gzip and Brotli
//! forms once a client asked for them. Signed-in readers get the cached feed page with
//! their own reactions looked up for its ids and written into its bytes; their post
//! details and comment pages are rendered for them.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use bytes::Bytes;
use yujie_kernel::{auth::CurrentUser, cache::TtlCache, http::Precompressed, ApiError, ApiResult};

use crate::{domain::ReactionValue, store::FeedSort, Content};

/// How stale a cached page (its counts) may be.
pub const FEED_CACHE_TTL: Duration = Duration::from_secs(1);
/// Pages kept at most; past it, expired ones go, then all.
const CAPACITY: usize = 10_000;
const FEEDS_CHANGED: &str = "content:feeds-changed";
const DISCUSSIONS_CHANGED: &str = "content:discussions-changed";

/// A feed page's JSON, and where each post's reaction goes in it.
pub struct CachedPage {
    pub json: Precompressed,
    ids: Vec<String>,
    /// Where each post's `"my_reaction":null` starts, in the order of `ids`.
    slots: Vec<usize>,
}

/// How an anonymous page says "no reaction": every post has it once, and nothing else
/// can (quotes inside strings are escaped).
const NO_REACTION: &[u8] = b"\"my_reaction\":null";

impl CachedPage {
    fn new(page: &crate::posts::PostPage) -> ApiResult<Self> {
        let json = serde_json::to_vec(page).map_err(ApiError::internal)?;
        let slots: Vec<usize> = json
            .windows(NO_REACTION.len())
            .enumerate()
            .filter_map(|(at, window)| (window == NO_REACTION).then_some(at))
            .collect();
        let ids: Vec<String> = page.items.iter().map(|post| post.id.clone()).collect();
        if slots.len() != ids.len() {
            return Err(ApiError::internal(anyhow::anyhow!("{} reaction slots for {} posts", slots.len(), ids.len())));
        }
        Ok(Self { json: Precompressed::new(json), ids, slots })
    }

    /// The page's JSON with `mine` (reactions by post id) written in.
    fn with(&self, mine: &HashMap<String, ReactionValue>) -> ApiResult<Bytes> {
        let json = self.json.identity();
        let mut out = Vec::with_capacity(json.len() + 8 * mine.len());
        let mut from = 0;
        for (id, &slot) in self.ids.iter().zip(&self.slots) {
            if let Some(value) = mine.get(id) {
                out.extend_from_slice(&json[from..slot]);
                out.extend_from_slice(b"\"my_reaction\":");
                serde_json::to_writer(&mut out, value).map_err(ApiError::internal)?;
                from = slot + NO_REACTION.len();
            }
        }
        out.extend_from_slice(&json[from..]);
        Ok(out.into())
    }
}

pub struct FeedCache {
    pages: TtlCache<String, Arc<CachedPage>>,
    /// Anonymous post details and comment pages, as JSON.
    discussions: TtlCache<String, Arc<Precompressed>>,
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
        let cached = Arc::new(CachedPage::new(&page)?);
        cache.insert(key, cached.clone());
        Ok(cached)
    }

    /// The cached page's JSON with the viewer's own reactions: one indexed lookup for its
    /// ids. `None` when the viewer reacted to none of them, so the page is served as is.
    pub async fn with_reactions(&self, cached: &CachedPage, viewer: &CurrentUser) -> ApiResult<Option<Bytes>> {
        let stored = self.inner.post_reactions.of(&self.inner.store, &viewer.user_id, &cached.ids).await?;
        let mine: HashMap<String, ReactionValue> = stored
            .into_iter()
            .filter_map(|(id, value)| ReactionValue::from_stored(value).map(|value| (id, value)))
            .collect();
        if mine.is_empty() {
            return Ok(None);
        }
        cached.with(&mine).map(Some)
    }

    /// A post's detail or a comments page for anonymous readers, as JSON, from the cache
    /// when it is fresh.
    pub async fn cached_discussion<T, E, F>(&self, key: String, render: F) -> ApiResult<Arc<Precompressed>>
    where
        T: serde::Serialize,
        E: Into<ApiError>,
        F: std::future::Future<Output = Result<T, E>>,
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
        let json = serde_json::to_vec(&render.await.map_err(Into::into)?).map_err(ApiError::internal)?;
        let json = Arc::new(Precompressed::new(json));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::{PersonaRef, PostPage, PostView};

    fn post(id: &str, title: &str) -> PostView {
        PostView {
            id: id.to_owned(),
            persona: Some(PersonaRef { id: "p".into(), name: "\"my_reaction\":null".into() }),
            author: None,
            title: title.to_owned(),
            text: "正文".into(),
            text_truncated: false,
            text_html: None,
            event_date: None,
            images: Vec::new(),
            like_count: 1,
            dislike_count: 0,
            comment_count: 0,
            my_reaction: None,
            created_at: chrono::DateTime::UNIX_EPOCH,
            edited_at: None,
        }
    }

    #[test]
    fn the_viewers_reactions_written_into_the_bytes_equal_a_fresh_render() {
        let mut page = PostPage {
            items: vec![post("a", "\"my_reaction\":null"), post("b", "二"), post("c", "三")],
            next_cursor: Some("next".into()),
        };
        let cached = CachedPage::new(&page).unwrap();
        let mine = HashMap::from([
            ("a".to_owned(), ReactionValue::Dislike),
            ("c".to_owned(), ReactionValue::Like),
            ("elsewhere".to_owned(), ReactionValue::Like),
        ]);
        let written = cached.with(&mine).unwrap();
        page.items[0].my_reaction = Some(ReactionValue::Dislike);
        page.items[2].my_reaction = Some(ReactionValue::Like);
        assert_eq!(written, serde_json::to_vec(&page).unwrap());
        assert_eq!(cached.with(&HashMap::new()).unwrap(), cached.json.identity());
    }
}
