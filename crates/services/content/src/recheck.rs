//! The re-check of recent posts and comments when words are added to the lexicon:
//! claimed under a lease by one instance, resumed from its saved cursors after a
//! restart, and each match held for review like a new item with a review word.

use std::time::Duration;

use yujie_kernel::safety::{Place, RecheckJob};

use crate::{moderation::ItemKind, safety::Review, Content};

/// Items read per page; the cursor is saved after each.
const PAGE: i64 = 200;
/// How long a claim holds without progress before another instance may take it over.
const LEASE: Duration = Duration::from_secs(60);

impl Content {
    /// Runs queued re-checks until shutdown.
    pub(crate) async fn follow_rechecks(self, every: Duration) -> anyhow::Result<()> {
        let shutdown = self.inner.platform.shutdown.clone();
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return Ok(()),
                () = tokio::time::sleep(every) => {}
            }
            match self.inner.platform.safety.claim_recheck(LEASE).await {
                Ok(Some(job)) => {
                    if let Err(error) = self.recheck(job).await {
                        tracing::warn!(
                            error = format!("{error:#}"),
                            "sensitive-word re-check stopped; it resumes later"
                        );
                    }
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(error = format!("{error:#}"), "cannot claim a sensitive-word re-check"),
            }
        }
    }

    async fn recheck(&self, mut job: RecheckJob) -> anyhow::Result<()> {
        let safety = &self.inner.platform.safety;
        let store = &self.inner.store;
        loop {
            let posts = store.recent_posts(job.since_ms, job.post_after.as_ref(), PAGE).await?;
            let Some(last) = posts.last() else { break };
            job.post_after = Some((last.created_at, last.id.clone()));
            for post in &posts {
                let text = format!("{}\n{}", post.title, post.body);
                if let Some(category) = safety.recheck_text(&job, Place::Post, &post.id, &post.author_id, &text).await {
                    self.hold_if_asked(ItemKind::Post, &post.id, Review::of(category)).await?;
                    job.flagged += 1;
                }
            }
            safety.save_recheck(&job, LEASE).await?;
        }
        loop {
            let comments = store.recent_comments(job.since_ms, job.comment_after.as_ref(), PAGE).await?;
            let Some(last) = comments.last() else { break };
            job.comment_after = Some((last.created_at, last.id.clone()));
            for comment in &comments {
                let found = safety.recheck_text(&job, Place::Comment, &comment.id, &comment.author_id, &comment.body);
                if let Some(category) = found.await {
                    self.hold_if_asked(ItemKind::Comment, &comment.id, Review::of(category)).await?;
                    job.flagged += 1;
                }
            }
            safety.save_recheck(&job, LEASE).await?;
        }
        safety.finish_recheck(&job).await
    }
}
