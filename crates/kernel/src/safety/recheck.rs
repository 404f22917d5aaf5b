//! Re-checks of existing content when words are added. The lexicon API queues a job;
//! the service that owns the content claims it under a lease, walks its recent items by
//! a cursor it saves after every page (so a restart resumes where it stopped), and
//! queues what the new words match for review.

use std::time::Duration;

use sqlx::Row as _;
use yujie_safety::{Action, Category, Hit};

use super::{audit::HitRecord, Place, Safety};

/// A claimed re-check: the words to look for (deny words added or changed since the job
/// was queued), from when, and how far it got.
#[derive(Debug, Clone)]
pub struct RecheckJob {
    pub id: String,
    pub words: Vec<String>,
    /// Items created from this time on are checked.
    pub since_ms: i64,
    /// `(created_at, id)` of the last post checked.
    pub post_after: Option<(i64, String)>,
    pub comment_after: Option<(i64, String)>,
    pub flagged: i64,
}

fn encode(cursor: &Option<(i64, String)>) -> String {
    cursor.as_ref().map(|(at, id)| format!("{at}:{id}")).unwrap_or_default()
}

fn decode(raw: &str) -> Option<(i64, String)> {
    let (at, id) = raw.split_once(':')?;
    Some((at.parse().ok()?, id.to_owned()))
}

impl Safety {
    /// Queues a re-check of the last `safety.recheck_days` days for the deny words saved
    /// from `added_from` on.
    pub(super) async fn queue_recheck(&self, added_from: i64) -> anyhow::Result<()> {
        if self.inner.recheck_days == 0 {
            return Ok(());
        }
        let now = self.now_ms();
        let since = now - i64::from(self.inner.recheck_days) * 24 * 3600 * 1000;
        sqlx::query("INSERT INTO safety_rechecks (id, words_added_from, since_ms, created_at) VALUES (?, ?, ?, ?)")
            .bind(crate::ids::new_id())
            .bind(added_from)
            .bind(since)
            .bind(now)
            .execute(self.db().pool())
            .await?;
        Ok(())
    }

    /// Claims the oldest unfinished job whose lease has run out, for `lease`.
    pub async fn claim_recheck(&self, lease: Duration) -> anyhow::Result<Option<RecheckJob>> {
        let now = self.now_ms();
        let pool = self.db().pool();
        let Some(row) = sqlx::query(
            "SELECT id, words_added_from, since_ms, post_after, comment_after, flagged FROM safety_rechecks \
             WHERE finished_at IS NULL AND lease_until < ? ORDER BY created_at LIMIT 1",
        )
        .bind(now)
        .fetch_optional(pool)
        .await?
        else {
            return Ok(None);
        };
        let id: String = row.try_get("id")?;
        let claimed = sqlx::query("UPDATE safety_rechecks SET lease_until = ? WHERE id = ? AND lease_until < ?")
            .bind(now + lease.as_millis() as i64)
            .bind(&id)
            .bind(now)
            .execute(pool)
            .await?;
        if claimed.rows_affected() != 1 {
            return Ok(None);
        }
        let words = sqlx::query_scalar("SELECT word FROM safety_words WHERE list = 'deny' AND added_at >= ?")
            .bind(row.try_get::<i64, _>("words_added_from")?)
            .fetch_all(pool)
            .await?;
        Ok(Some(RecheckJob {
            id,
            words,
            since_ms: row.try_get("since_ms")?,
            post_after: decode(&row.try_get::<String, _>("post_after")?),
            comment_after: decode(&row.try_get::<String, _>("comment_after")?),
            flagged: row.try_get("flagged")?,
        }))
    }

    /// Saves how far the job got and extends its lease.
    pub async fn save_recheck(&self, job: &RecheckJob, lease: Duration) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE safety_rechecks SET post_after = ?, comment_after = ?, flagged = ?, lease_until = ? WHERE id = ?",
        )
        .bind(encode(&job.post_after))
        .bind(encode(&job.comment_after))
        .bind(job.flagged)
        .bind(self.now_ms() + lease.as_millis() as i64)
        .bind(&job.id)
        .execute(self.db().pool())
        .await?;
        Ok(())
    }

    pub async fn finish_recheck(&self, job: &RecheckJob) -> anyhow::Result<()> {
        sqlx::query("UPDATE safety_rechecks SET flagged = ?, finished_at = ? WHERE id = ?")
            .bind(job.flagged)
            .bind(self.now_ms())
            .bind(&job.id)
            .execute(self.db().pool())
            .await?;
        tracing::info!(job = job.id, flagged = job.flagged, "sensitive-word re-check finished");
        Ok(())
    }

    /// The job's words found in `text`, audited as review hits on the item; the
    /// category to hold it under, if any.
    pub async fn recheck_text(
        &self,
        job: &RecheckJob,
        place: Place,
        item_id: &str,
        author_id: &str,
        text: &str,
    ) -> Option<Category> {
        let filter = self.filter();
        let hits: Vec<Hit> = filter
            .scan(text)
            .into_iter()
            .filter(|hit| job.words.iter().any(|word| *word == filter.word(hit.word).text))
            .collect();
        let category = hits.first()?.category;
        let records: Vec<HitRecord> = hits
            .iter()
            .map(|hit| HitRecord::new(place, "recheck", &filter, hit, Action::Review, Some(author_id), Some(item_id)))
            .collect();
        self.record(&records).await;
        Some(category)
    }
}
