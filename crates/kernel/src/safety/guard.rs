//! Screening one text, loading and swapping the automaton, counting hits.

use std::{
    sync::{Arc, PoisonError, RwLock},
    time::Duration,
};

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family},
};
use yujie_safety::{Action, Category, Filter, Hit, Options, StreamFilter, Verdict};

use super::{audit::HitRecord, store, Safety, VERSION_KEY};
use crate::{config::SafetyConfig, ApiError, ApiResult, Clock, ErrorCode, Metrics};

/// Where a text is written. Review (hide and queue for staff) exists only for items a
/// moderator can restore; elsewhere a review word refuses the text like a block word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Post,
    Comment,
    Nickname,
    Persona,
    Entry,
    Report,
    ChatMessage,
    ChatReply,
}

impl Place {
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Post => "post",
            Place::Comment => "comment",
            Place::Nickname => "nickname",
            Place::Persona => "persona",
            Place::Entry => "entry",
            Place::Report => "report",
            Place::ChatMessage => "chat_message",
            Place::ChatReply => "chat_reply",
        }
    }

    fn can_hold_for_review(self) -> bool {
        matches!(self, Place::Post | Place::Comment | Place::Entry)
    }
}

/// A text that may be stored: masked where the lexicon says so, and whether it must be
/// held for review (with the category that asked for it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screened {
    pub text: String,
    pub review: Option<Category>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HitLabels {
    category: &'static str,
    action: &'static str,
}

/// `yujie_safety_hits_total{category, action}`.
pub(super) struct HitMetrics(Family<HitLabels, Counter>);

impl Safety {
    /// Loads the lexicon and builds the first automaton; fails when the lexicon cannot be
    /// read (a process must not serve unfiltered).
    pub async fn load(
        db: yujie_db::Db,
        kv: yujie_kv::SharedKv,
        clock: Clock,
        config: &SafetyConfig,
        metrics: &Metrics,
    ) -> anyhow::Result<Self> {
        let hits = Family::<HitLabels, Counter>::default();
        metrics.register("safety_hits", "Sensitive-word hits by category and action", hits.clone());
        let options = Options { extra_noise: config.extra_noise.chars().collect(), max_gap: config.max_gap };
        let safety = Self {
            inner: Arc::new(super::Inner {
                db,
                kv,
                clock,
                options,
                recheck_days: config.recheck_days,
                filter: RwLock::new(Arc::new(Filter::empty())),
                version: tokio::sync::Mutex::new(None),
                metrics: HitMetrics(hits),
            }),
        };
        safety.refresh(true).await?;
        Ok(safety)
    }

    /// The automaton in force.
    pub fn filter(&self) -> Arc<Filter> {
        self.inner.filter.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// A filter for one streamed text (an AI reply), on the automaton in force now.
    pub fn stream(&self) -> StreamFilter {
        StreamFilter::new(self.filter())
    }

    /// Checks one field before it is stored: refuses it (block, or review where an item
    /// cannot be held), masks it, or marks it for review. Every hit is audited.
    pub async fn screen(
        &self,
        place: Place,
        field: &str,
        text: String,
        user_id: Option<&str>,
        item_id: Option<&str>,
    ) -> ApiResult<Screened> {
        let filter = self.filter();
        let verdict = filter.check(&text);
        let Some(strictest) = verdict.action() else {
            return Ok(Screened { text, review: None });
        };
        let refused = strictest == Action::Block || (strictest == Action::Review && !place.can_hold_for_review());
        let taken = |hit: &Hit| if refused { Action::Block } else { hit.action };
        let records: Vec<HitRecord> = verdict
            .hits
            .iter()
            .map(|hit| HitRecord::new(place, field, &filter, hit, taken(hit), user_id, item_id))
            .collect();
        self.record(&records).await;
        if refused {
            let hit = verdict.hits.iter().max_by_key(|hit| hit.action).map(|hit| hit.category);
            return Err(refusal(field, hit.unwrap_or(Category::Other)));
        }
        let review = verdict.hits.iter().find(|hit| hit.action == Action::Review).map(|hit| hit.category);
        Ok(Screened { text: masked(&verdict, &text), review })
    }

    /// Audits hits found in a streamed text and counts them.
    pub async fn record_stream_hits(&self, place: Place, user_id: Option<&str>, item_id: Option<&str>, hits: &[Hit]) {
        let filter = self.filter();
        let records: Vec<HitRecord> =
            hits.iter().map(|hit| HitRecord::new(place, "text", &filter, hit, hit.action, user_id, item_id)).collect();
        self.record(&records).await;
    }

    pub(super) async fn record(&self, records: &[HitRecord]) {
        for record in records {
            let labels = HitLabels { category: record.category.as_str(), action: record.action.as_str() };
            self.inner.metrics.0.get_or_create(&labels).inc();
        }
        let now = self.inner.clock.now_ms();
        if let Err(error) = super::audit::insert(&self.inner.db, records, now).await {
            // The write itself goes on: losing an audit line beats refusing every post.
            tracing::error!(error = format!("{error:#}"), "cannot record sensitive-word hits");
        }
    }

    /// Rebuilds the automaton when the version stamp moved (or always, when `force`).
    /// The build runs on a blocking thread; requests keep the old automaton until the
    /// swap. Returns whether it rebuilt.
    pub async fn refresh(&self, force: bool) -> anyhow::Result<bool> {
        let mut loaded = self.inner.version.lock().await;
        let current = match self.inner.kv.get(VERSION_KEY).await {
            Ok(current) => current,
            // The database is the truth: build from it now, and pick the stamp up once
            // the key-value store answers again.
            Err(error) if force => {
                tracing::warn!(error = format!("{error:#}"), "cannot read the lexicon's version stamp");
                None
            }
            Err(error) => return Err(error),
        };
        if !force && *loaded == current {
            return Ok(false);
        }
        let (words, allow) = store::lexicon(&self.inner.db).await?;
        let options = self.inner.options.clone();
        let filter = tokio::task::spawn_blocking(move || Filter::build(&words, &allow, &options)).await??;
        let count = filter.word_count();
        *self.inner.filter.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(filter);
        *loaded = current;
        tracing::info!(words = count, "sensitive-word lexicon loaded");
        Ok(true)
    }

    /// Announces a lexicon change to every instance and applies it here at once.
    pub(super) async fn changed(&self) -> anyhow::Result<()> {
        let stamp = crate::ids::new_id();
        self.inner.kv.set(VERSION_KEY, &stamp, Duration::from_secs(10 * 365 * 24 * 3600)).await?;
        self.refresh(true).await?;
        Ok(())
    }

    /// Watches the version stamp until shutdown.
    pub fn worker(&self, interval: Duration, shutdown: tokio_util::sync::CancellationToken) -> crate::service::Worker {
        let safety = self.clone();
        Box::pin(async move {
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return Ok(()),
                    _ = tokio::time::sleep(interval) => {}
                }
                if let Err(error) = safety.refresh(false).await {
                    tracing::warn!(error = format!("{error:#}"), "cannot refresh the sensitive-word lexicon");
                }
            }
        })
    }

    pub(super) fn options(&self) -> &Options {
        &self.inner.options
    }

    pub(super) fn db(&self) -> &yujie_db::Db {
        &self.inner.db
    }

    pub(super) fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }
}

/// The text with every base character of a mask hit replaced by `*`, and its invisible
/// characters and combining marks dropped (one star per character seen); review hits stay as
/// written, for the moderator; everything outside the hits is kept byte for byte.
fn masked(verdict: &Verdict, text: &str) -> String {
    let ranges: Vec<_> = verdict.hits.iter().filter(|hit| hit.action == Action::Mask).map(|hit| &hit.range).collect();
    if ranges.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if !ranges.iter().any(|range| range.contains(&at)) {
            out.push(c);
        } else if !crate::text::is_invisible(c) && !unicode_normalization::char::is_combining_mark(c) {
            out.push('*');
        }
    }
    out
}

/// The answer to a refused text: names the field and the category, never the word.
pub fn refusal(field: &str, category: Category) -> ApiError {
    ApiError::new(ErrorCode::ContentRefused)
        .with_detail(format!("{field}: contains words not allowed here ({})", category.label_zh()))
        .with_field(field, format!("contains {} content", category.as_str()))
        .with_context(serde_json::json!({ "category": category.as_str(), "category_label": category.label_zh() }))
}
