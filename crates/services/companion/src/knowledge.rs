//! Knowledge sync (持续学习): follows content's change feed by a stored cursor, keeps a
//! projection of personas and entries, and uploads one document per profile and per
//! post to the provider.
//!
//! Two steps, each safe to repeat:
//! 1. *Apply*: a page of changes updates the projection and marks documents pending, in
//!    one transaction with the cursor (moved only from the value read), so a change is
//!    applied exactly once even if two workers race or one dies mid-page.
//! 2. *Push*: pending documents are uploaded (or deleted), keyed by our id; a document
//!    that changed again meanwhile stays pending. Failures back off exponentially per
//!    document and never hold up the others.
//!
//! One worker runs at a time across instances: it holds a lease in the key-value store.

use std::time::Duration;

use serde_json::Value;
use yujie_content::FeedEntry;
use yujie_kernel::ids::new_id;

use crate::{
    character::{post_document, profile_document},
    provider::KnowledgeDoc,
    store::{DocumentChange, DocumentRow, Tx},
    Companion,
};

const LEASE_KEY: &str = "companion:knowledge-sync";
const PAGE: i64 = 200;
const PUSH_BATCH: i64 = 50;
/// A document that failed `sync_max_attempts` times is retried this much later.
const FAILED_RETRY_MS: i64 = 3600 * 1000;

pub async fn worker(companion: Companion) -> anyhow::Result<()> {
    let platform = companion.inner.platform.clone();
    let interval = Duration::from_secs(companion.inner.config.sync_interval_secs);
    let lease_ttl = interval * 3 + Duration::from_secs(10);
    let me = new_id();
    loop {
        tokio::select! {
            () = platform.shutdown.cancelled() => break,
            () = tokio::time::sleep(interval) => {}
        }
        if !holds_lease(&companion, &me, lease_ttl).await {
            continue;
        }
        if let Err(error) = companion.sync_once().await {
            tracing::warn!(error = format!("{error:#}"), "knowledge sync failed; retrying");
        }
    }
    // Hand over at once rather than when the lease expires.
    if let Ok(Some(holder)) = platform.kv.get(LEASE_KEY).await {
        if holder == me {
            let _ = platform.kv.delete(LEASE_KEY).await;
        }
    }
    Ok(())
}

/// Takes the lease, or renews it when this worker holds it.
async fn holds_lease(companion: &Companion, me: &str, ttl: Duration) -> bool {
    let kv = &companion.inner.platform.kv;
    match kv.set_if_absent(LEASE_KEY, me, ttl).await {
        Ok(true) => true,
        Ok(false) => match kv.get(LEASE_KEY).await {
            Ok(Some(holder)) if holder == me => kv.set(LEASE_KEY, me, ttl).await.is_ok(),
            _ => false,
        },
        Err(error) => {
            tracing::warn!(error = format!("{error:#}"), "cannot reach the key-value store for the sync lease");
            false
        }
    }
}

impl Companion {
    /// Applies every new change, then pushes what is due. Returns the documents pushed.
    pub async fn sync_once(&self) -> anyhow::Result<usize> {
        while self.apply_page().await? {}
        let pushed = self.push_due().await?;
        self.inner.metrics.set_lag(self.inner.store.oldest_unsynced().await?.map(|oldest| self.now_ms() - oldest));
        Ok(pushed)
    }

    /// Applies one page of the change feed; true when there may be more.
    async fn apply_page(&self) -> anyhow::Result<bool> {
        let store = &self.inner.store;
        let after = store.cursor().await?;
        let page = self.inner.content.changes_after(after, PAGE).await?;
        if page.changes.is_empty() {
            return Ok(false);
        }
        let mut tx = store.begin().await?;
        for change in &page.changes {
            self.apply(&mut tx, change).await?;
        }
        if !store.advance_cursor(&mut tx, after, page.next_after).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        tx.commit().await?;
        Ok(i64::try_from(page.changes.len())? == PAGE)
    }

    async fn apply(&self, tx: &mut Tx, change: &FeedEntry) -> anyhow::Result<()> {
        let store = &self.inner.store;
        let now = self.now_ms();
        let at = change.occurred_at.timestamp_millis();
        let visible = match change.action.as_str() {
            "created" | "updated" | "restored" => true,
            "deleted" | "removed" => false,
            other => anyhow::bail!("unknown change action `{other}` at seq {}", change.seq),
        };
        let persona = change.persona_id.as_str();
        let profile_key = format!("profile:{persona}");
        let profile = DocumentChange {
            doc_key: &profile_key,
            persona_id: persona,
            kind: "profile",
            body: None,
            live: None,
            changed_at: at,
        };
        match change.item_kind.as_str() {
            "persona" => {
                let names = match change.action.as_str() {
                    "created" | "updated" => Some((
                        change.payload["name"].as_str().unwrap_or_default().to_owned(),
                        change.payload["aliases"].to_string(),
                    )),
                    _ => None,
                };
                let names = names.as_ref().map(|(name, aliases)| (name.as_str(), aliases.as_str()));
                store.put_persona(tx, persona, names, Some(!visible), now).await?;
                store.touch_document(tx, &DocumentChange { live: Some(visible), ..profile }).await?;
            }
            "entry" => {
                let body = matches!(change.action.as_str(), "created" | "updated").then(|| change.payload.to_string());
                store.put_entry(tx, &change.item_id, persona, body.as_deref(), visible, at).await?;
                store.touch_document(tx, &profile).await?;
            }
            "post" => {
                let key = format!("post:{}", change.item_id);
                let text = post_text(&change.payload);
                store
                    .touch_document(
                        tx,
                        &DocumentChange {
                            doc_key: &key,
                            persona_id: persona,
                            kind: "post",
                            body: text.as_deref(),
                            live: Some(visible),
                            changed_at: at,
                        },
                    )
                    .await?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Uploads or deletes every due document; returns how many succeeded.
    async fn push_due(&self) -> anyhow::Result<usize> {
        let store = &self.inner.store;
        let mut pushed = 0;
        loop {
            let due = store.due_documents(self.now_ms(), PUSH_BATCH).await?;
            if due.is_empty() {
                return Ok(pushed);
            }
            let mut progressed = false;
            for doc in &due {
                if self.inner.platform.shutdown.is_cancelled() {
                    // Stopping mid-batch loses nothing: the rest stays pending.
                    return Ok(pushed);
                }
                match self.push(doc).await {
                    Ok(provider_id) => {
                        store.document_synced(doc, provider_id.as_deref(), self.now_ms()).await?;
                        self.inner.metrics.synced(self.now_ms() - doc.changed_at);
                        pushed += 1;
                        progressed = true;
                    }
                    Err(error) => {
                        let attempts = u32::try_from(doc.attempts + 1).unwrap_or(u32::MAX);
                        let max = self.inner.config.sync_max_attempts;
                        let delay = if attempts >= max { FAILED_RETRY_MS } else { 1000 * (1_i64 << attempts.min(8)) };
                        tracing::warn!(
                            doc = doc.doc_key,
                            attempts,
                            error = format!("{error:#}"),
                            "knowledge upload failed"
                        );
                        self.inner.metrics.failed();
                        store
                            .document_failed(doc, attempts >= max, self.now_ms() + delay, &format!("{error:#}"))
                            .await?;
                    }
                }
            }
            if !progressed || due.len() < usize::try_from(PUSH_BATCH)? {
                return Ok(pushed);
            }
        }
    }

    /// One document to the provider: its current text, or its deletion.
    async fn push(&self, doc: &DocumentRow) -> anyhow::Result<Option<String>> {
        let knowledge = &self.inner.provider.knowledge;
        if doc.live == 0 {
            if let Some(id) = &doc.provider_doc_id {
                knowledge.remove(&doc.doc_key, id).await?;
            }
            return Ok(None);
        }
        let text = match doc.kind.as_str() {
            "profile" => {
                let Some(persona) = self.inner.store.persona(&doc.persona_id).await? else {
                    anyhow::bail!("persona {} is not projected", doc.persona_id);
                };
                profile_document(&persona, &self.inner.store.live_entries(&doc.persona_id).await?)
            }
            _ => doc.body.clone(),
        };
        let put = KnowledgeDoc { key: &doc.doc_key, persona_id: &doc.persona_id, text: &text };
        Ok(Some(knowledge.put(&put, doc.provider_doc_id.as_deref()).await?))
    }
}

/// A post's document text, when the change carries the post.
fn post_text(payload: &Value) -> Option<String> {
    payload.get("title").map(|_| post_document(payload))
}
