//! Content safety for what people write here: each text field passes the platform's
//! sensitive-word filter before it is stored. A review word stores the item, hides it
//! pending review (a removal staff can restore) and queues it for staff as if reported.

use yujie_kernel::{
    ids::new_id,
    safety::{Category, Place},
};

use crate::error::Result;
use crate::{moderation::ItemKind, store::ReportRow, Content};

/// Who files the reports the filter raises.
pub const SAFETY_REPORTER: &str = "content-safety";
/// The report reason of a held item.
pub const SAFETY_REASON: &str = "sensitive_word";

/// The review a screened item asks for, if any: kept until the item is stored.
#[derive(Debug, Default, Clone, Copy)]
pub struct Review(Option<Category>);

impl Review {
    pub fn of(category: Category) -> Self {
        Self(Some(category))
    }

    pub fn merge(&mut self, other: Option<Category>) {
        self.0 = self.0.or(other);
    }
}

impl Content {
    /// Screens one field: masked text back, a refusal, or a review noted in `review`.
    pub(crate) async fn screen(
        &self,
        place: Place,
        field: &str,
        text: String,
        user_id: &str,
        item_id: &str,
        review: &mut Review,
    ) -> Result<String> {
        let safety = &self.inner.platform.safety;
        let screened = safety.screen(place, field, text, Some(user_id), Some(item_id)).await?;
        review.merge(screened.review);
        Ok(screened.text)
    }

    /// Screens an optional field.
    pub(crate) async fn screen_optional(
        &self,
        place: Place,
        field: &str,
        text: Option<String>,
        user_id: &str,
        item_id: &str,
        review: &mut Review,
    ) -> Result<Option<String>> {
        match text {
            Some(text) => Ok(Some(self.screen(place, field, text, user_id, item_id, review).await?)),
            None => Ok(None),
        }
    }

    /// Hides a just-stored item that asked for review and files the filter's report.
    pub(crate) async fn hold_if_asked(&self, kind: ItemKind, id: &str, review: Review) -> Result<()> {
        let Some(category) = review.0 else {
            return Ok(());
        };
        let Some((author_id, snapshot)) = self.item_snapshot(kind, id).await? else {
            return Ok(());
        };
        let row = ReportRow {
            id: new_id(),
            target_kind: kind.as_str().to_owned(),
            target_id: id.to_owned(),
            reporter_id: SAFETY_REPORTER.to_owned(),
            reason: SAFETY_REASON.to_owned(),
            note: Some(format!("敏感词待审核：{}", category.label_zh())),
            snapshot: snapshot.to_string(),
            created_at: self.now_ms(),
        };
        let store = &self.inner.store;
        let mut tx = store.begin().await?;
        store.insert_report(&mut tx, &row, &author_id).await?;
        tx.commit().await?;
        self.set_removed(kind, id, Some(&format!("pending review: {} words", category.as_str()))).await?;
        tracing::info!(kind = kind.as_str(), id, category = category.as_str(), "held for review");
        Ok(())
    }
}
