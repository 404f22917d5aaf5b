//! 举报: one open report per user per item, each keeping a snapshot of the content as
//! reported, counted per item for the staff queue.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_identity::UserBrief;
use yujie_kernel::{auth::CurrentUser, clock::millis_to_datetime, ids::new_id, safety::Place, ApiError};

use crate::error::{ContentError, Result};
use crate::{
    domain::{optional_text, ReportReason},
    moderation::ItemKind,
    store::{QueueFilter, ReportRow},
    Content,
};

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewReport {
    pub target_kind: ItemKind,
    pub target_id: String,
    pub reason: ReportReason,
    /// Up to 500 characters.
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReportReceipt {
    pub id: String,
}

/// One reported item in the staff queue.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReportGroup {
    pub target_kind: String,
    pub target_id: String,
    pub open_count: i64,
    /// The content as it is now; `null` once deleted or removed.
    #[schema(value_type = Option<Object>)]
    pub content: Option<serde_json::Value>,
    pub author: Option<UserBrief>,
    pub author_id: String,
    /// Each reason with how many open reports give it.
    pub reasons: BTreeMap<String, i64>,
    pub reports: Vec<ReportDetail>,
    pub first_reported_at: chrono::DateTime<chrono::Utc>,
    pub last_reported_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReportDetail {
    pub id: String,
    pub reporter_id: String,
    pub reason: String,
    pub note: Option<String>,
    /// The content as it was when reported.
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Content {
    pub async fn file_report(&self, user: &CurrentUser, new: &NewReport) -> Result<ReportReceipt> {
        let id = new_id();
        let note = match optional_text("note", new.note.as_deref(), 500)? {
            Some(note) => {
                let safety = &self.inner.platform.safety;
                Some(safety.screen(Place::Report, "note", note, Some(&user.user_id), Some(&id)).await?.text)
            }
            None => None,
        };
        let (author_id, snapshot) = self
            .item_snapshot(new.target_kind, &new.target_id)
            .await?
            .ok_or_else(|| ContentError::invalid("target_id", "no such visible item"))?;
        let row = ReportRow {
            id,
            target_kind: new.target_kind.as_str().to_owned(),
            target_id: new.target_id.clone(),
            reporter_id: user.user_id.clone(),
            reason: new.reason.as_str().to_owned(),
            note,
            snapshot: snapshot.to_string(),
            created_at: self.now_ms(),
        };
        let store = &self.inner.store;
        let mut tx = store.begin().await?;
        if !store.insert_report(&mut tx, &row, &author_id).await? {
            tx.rollback().await?;
            return Err(ContentError::ReportAlreadyOpen);
        }
        tx.commit().await?;
        Ok(ReportReceipt { id: row.id })
    }

    /// The staff queue: reported items, the one waiting longest first, with their
    /// reasons counted; optionally only one kind of item, or items reported for a reason.
    pub async fn report_queue(
        &self,
        kind: Option<ItemKind>,
        reason: Option<ReportReason>,
        limit: i64,
    ) -> Result<Vec<ReportGroup>> {
        let store = &self.inner.store;
        let filter = QueueFilter { kind: kind.map(ItemKind::as_str), reason: reason.map(ReportReason::as_str) };
        let groups = store.open_report_groups(filter, limit.clamp(1, 200)).await?;
        let authors = self.authors(groups.iter().map(|group| group.author_id.clone())).await?;
        let mut queue = Vec::with_capacity(groups.len());
        for group in groups {
            let reports = store.open_reports(&group.target_kind, &group.target_id).await?;
            let mut reasons = BTreeMap::new();
            for report in &reports {
                *reasons.entry(report.reason.clone()).or_insert(0) += 1;
            }
            let kind = ItemKind::parse(&group.target_kind).map_err(|_| {
                ApiError::internal(anyhow::anyhow!("stored reports.target_kind {:?} is no kind", group.target_kind))
            })?;
            let content = self.item_snapshot(kind, &group.target_id).await?.map(|(_, snapshot)| snapshot);
            queue.push(ReportGroup {
                author: authors.get(&group.author_id),
                content,
                reasons,
                reports: reports
                    .into_iter()
                    .map(|report| {
                        Ok(ReportDetail {
                            snapshot: ApiError::decode_stored("reports.snapshot", &report.snapshot)?,
                            created_at: millis_to_datetime(report.created_at),
                            id: report.id,
                            reporter_id: report.reporter_id,
                            reason: report.reason,
                            note: report.note,
                        })
                    })
                    .collect::<Result<_>>()?,
                first_reported_at: millis_to_datetime(group.first_reported_at),
                last_reported_at: millis_to_datetime(group.last_reported_at),
                target_kind: group.target_kind,
                target_id: group.target_id,
                open_count: group.open_count,
                author_id: group.author_id,
            });
        }
        Ok(queue)
    }
}

/// How staff resolve a reported item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Nothing wrong: the reports are closed, the item stays.
    Dismiss,
    /// The item is removed (restorable) and the reports closed.
    Remove,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Resolved {
    /// How many open reports this closed.
    pub reports: usize,
    /// Whether the item was removed by this resolution (false when it already was).
    pub removed: bool,
}

impl Content {
    /// Resolves every open report on an item at once. When two moderators act on the
    /// same item, exactly one wins; the other gets a 409.
    pub async fn resolve_reports(
        &self,
        kind: ItemKind,
        id: &str,
        resolution: Resolution,
        reason: &str,
    ) -> Result<Resolved> {
        let status = match resolution {
            Resolution::Dismiss => "dismissed",
            Resolution::Remove => "removed",
        };
        let store = &self.inner.store;
        let resolved = store.resolve_reports(kind.as_str(), id, status, self.now_ms()).await?;
        if resolved.is_empty() {
            return Err(ContentError::NoOpenReports);
        }
        let removed = match resolution {
            Resolution::Dismiss => false,
            Resolution::Remove => match self.set_removed(kind, id, Some(reason)).await {
                Ok(removed) => removed,
                Err(error) => {
                    // Nothing half-done: the reports stay open for the next attempt.
                    store.reopen_reports(kind.as_str(), id, &resolved).await?;
                    return Err(error);
                }
            },
        };
        tracing::info!(kind = kind.as_str(), id, status, reports = resolved.len(), "reports resolved");
        Ok(Resolved { reports: resolved.len(), removed })
    }
}
