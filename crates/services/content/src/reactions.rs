//! 点赞 / 点踩: one reaction per user per post or comment. Setting the other one
//! switches it; setting the same one again takes it back. The row and the counters move
//! in one transaction, so counts always equal the rows.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_kernel::{auth::CurrentUser, ApiError, ApiResult};

use crate::{domain::ReactionValue, store::CommentRow, Content};

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

fn delta(before: i64, after: i64, value: i64) -> i64 {
    i64::from(after == value) - i64::from(before == value)
}

impl Content {
    pub async fn react(
        &self,
        user: &CurrentUser,
        target: Reactable,
        id: &str,
        value: ReactionValue,
    ) -> ApiResult<ReactionState> {
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
        let mut tx = store.begin().await?;
        let toggle = store.toggle_reaction(&mut tx, kind, id, &user.user_id, value.stored(), self.now_ms()).await?;
        let (likes, dislikes) = (delta(toggle.before, toggle.after, 1), delta(toggle.before, toggle.after, -1));
        match target {
            Reactable::Post => store.bump_post(&mut tx, id, likes, dislikes, 0).await?,
            Reactable::Comment => store.bump_comment(&mut tx, id, likes, dislikes, 0).await?,
        }
        tx.commit().await?;
        let (like_count, dislike_count) = match target {
            Reactable::Post => {
                let post = store.post(id).await?.ok_or_else(|| ApiError::not_found("post"))?;
                (post.like_count, post.dislike_count)
            }
            Reactable::Comment => {
                let comment = store.comment(id).await?.ok_or_else(|| ApiError::not_found("comment"))?;
                (comment.like_count, comment.dislike_count)
            }
        };
        Ok(ReactionState { like_count, dislike_count, my_reaction: ReactionValue::from_stored(toggle.after) })
    }

    /// A live comment on a visible post, or 404.
    pub(crate) async fn live_comment(&self, id: &str) -> ApiResult<CommentRow> {
        let comment = self
            .inner
            .store
            .comment(id)
            .await?
            .filter(CommentRow::is_live)
            .ok_or_else(|| ApiError::not_found("comment"))?;
        self.visible_post(&comment.post_id).await.map_err(|_| ApiError::not_found("comment"))?;
        Ok(comment)
    }
}
