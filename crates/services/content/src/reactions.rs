//! 点赞 / 点踩: one reaction per user per post or comment. Setting the other one
//! switches it; setting the same one again takes it back. The row and the counters move
//! in one transaction, so counts always equal the rows.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_kernel::auth::CurrentUser;

use yujie_db::is_retryable_conflict;

use crate::error::{ContentError, Result};
use crate::{
    domain::ReactionValue,
    store::{CommentRow, Counted, CounterDelta, Toggle},
    Content,
};

/// How often a reaction transaction that lost a lock race is run again.
const MAX_ATTEMPTS: u64 = 5;

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReactionRequest {
    pub reaction: ReactionValue,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReactionState {
    pub like_count: i64,
    pub dislike_count: i64,
    pub my_reaction: Option<ReactionValue>,
}

/// What can be reacted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reactable {
    Post,
    Comment,
}

/// How the count of `value` reactions moves when one goes from `before` to `after`.
fn change(before: i64, after: i64, value: i64) -> i64 {
    i64::from(after == value) - i64::from(before == value)
}

impl Content {
    pub async fn react(
        &self,
        user: &CurrentUser,
        target: Reactable,
        id: &str,
        value: ReactionValue,
    ) -> Result<ReactionState> {
        let store = &self.inner.store;
        let kind = match target {
            Reactable::Post => {
                self.visible_post(id).await?;
                "post"
            }
            Reactable::Comment => {
                self.live_comment(id).await?;
                "comment"
            }
        };
        let mut attempt = 0;
        let toggle = loop {
            attempt += 1;
            match self.toggle_once(target, kind, id, &user.user_id, value).await {
                Err(error) if attempt < MAX_ATTEMPTS && is_retryable_conflict(&error) => {
                    tracing::debug!(attempt, error = %error, "reaction transaction conflicted; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(5 * attempt)).await;
                }
                result => break result?.ok_or_else(|| ContentError::NotFound(kind))?,
            }
        };
        let (like_count, dislike_count) = match target {
            Reactable::Post => {
                let post = store.post(id).await?.ok_or_else(|| ContentError::NotFound("post"))?;
                (post.like_count, post.dislike_count)
            }
            Reactable::Comment => {
                let comment = store.comment(id).await?.ok_or_else(|| ContentError::NotFound("comment"))?;
                (comment.like_count, comment.dislike_count)
            }
        };
        Ok(ReactionState { like_count, dislike_count, my_reaction: ReactionValue::from_stored(toggle.after) })
    }

    /// One reaction transaction: lock the target, toggle the row, move the counters.
    async fn toggle_once(
        &self,
        target: Reactable,
        kind: &str,
        id: &str,
        user_id: &str,
        value: ReactionValue,
    ) -> sqlx::Result<Option<Toggle>> {
        let store = &self.inner.store;
        let mut tx = store.begin().await?;
        if !store.lock_reaction_target(&mut tx, kind, id).await? {
            return Ok(None);
        }
        let toggle = store.toggle_reaction(&mut tx, kind, id, user_id, value.stored(), self.now_ms()).await?;
        let delta = CounterDelta {
            likes: change(toggle.before, toggle.after, 1),
            dislikes: change(toggle.before, toggle.after, -1),
            children: 0,
        };
        match target {
            Reactable::Post => store.bump_counters(&mut tx, Counted::Post, id, delta).await?,
            Reactable::Comment => store.bump_counters(&mut tx, Counted::Comment, id, delta).await?,
        }
        tx.commit().await?;
        Ok(Some(toggle))
    }

    /// A live comment on a visible post, or 404.
    pub(crate) async fn live_comment(&self, id: &str) -> Result<CommentRow> {
        let comment = self
            .inner
            .store
            .comment(id)
            .await?
            .filter(CommentRow::is_live)
            .ok_or_else(|| ContentError::NotFound("comment"))?;
        self.visible_post(&comment.post_id)
            .await
            .map_err(|error| error.or_if_missing(ContentError::NotFound("comment")))?;
        Ok(comment)
    }
}
