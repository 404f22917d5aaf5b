//! Members' posts about a persona's events, and the feeds that list them.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_kernel::{
    auth::CurrentUser, clock::millis_to_datetime, http::render_image, ids::new_id, safety::Place, ApiError,
};

use crate::error::{ContentError, Result};
use crate::{
    cursor::{decode_cursor, into_page},
    domain::{EventDate, PostText, PostTitle, ReactionValue},
    moderation::ItemKind,
    safety::Review,
    store::{Change, ChangeAction, FeedScope, FeedSort, PostRow, POST_WEIGHT},
    text::render_html,
    views::{Authors, PhotoUrls},
    Content,
};

pub const MAX_POST_IMAGES: usize = 9;

/// One stored image of a post.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredImage {
    pub keys: BTreeMap<String, String>,
    pub width: i64,
    pub height: i64,
}

/// A new post as read from its multipart form.
pub struct NewPost {
    pub persona_id: String,
    pub title: String,
    pub text: String,
    pub event_date: Option<String>,
    pub images: Vec<Vec<u8>>,
}

/// An edit: absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PostEdit {
    pub title: Option<String>,
    pub text: Option<String>,
    /// `YYYY-MM-DD`; `null` clears it.
    #[serde(default, deserialize_with = "crate::personas::present")]
    pub event_date: Option<Option<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostImageView {
    #[serde(flatten)]
    pub urls: PhotoUrls,
    pub width: i64,
    pub height: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersonaRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostView {
    pub id: String,
    pub persona: Option<PersonaRef>,
    pub author: Option<yujie_identity::UserBrief>,
    pub title: String,
    /// The plain text as written; in lists, its first 140 characters (`PREVIEW_CHARS`).
    pub text: String,
    /// True when `text` is a list's preview of a longer text.
    pub text_truncated: bool,
    /// The whole text as safe HTML (escaped, line breaks as `<br>`, http(s) links as
    /// anchors), on the post's own page only: lists leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_html: Option<String>,
    pub event_date: Option<String>,
    pub images: Vec<PostImageView>,
    pub like_count: i64,
    pub dislike_count: i64,
    pub comment_count: i64,
    /// The viewer's own reaction, when signed in.
    pub my_reaction: Option<ReactionValue>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Set once the author edits the post.
    pub edited_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// How much of a post's text a list carries.
pub const PREVIEW_CHARS: usize = 140;

/// A post on its own page, or in a list (a preview of its text, no HTML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Whole,
    Preview,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostPage {
    pub items: Vec<PostView>,
    pub next_cursor: Option<String>,
}

pub fn post_payload(post: &PostRow) -> serde_json::Value {
    serde_json::json!({
        "title": post.title, "text": post.body, "event_date": post.event_date, "author_id": post.author_id,
    })
}

impl Content {
    pub(crate) async fn visible_post(&self, id: &str) -> Result<PostRow> {
        self.inner.store.visible_post(id).await?.ok_or_else(|| ContentError::NotFound("post"))
    }

    pub async fn create_post(&self, user: &CurrentUser, new: NewPost) -> Result<PostView> {
        if !user.is_member() {
            return Err(ContentError::MembersOnly);
        }
        let id = new_id();
        let mut review = Review::default();
        let title = PostTitle::parse(&new.title)?.0;
        let title = self.screen(Place::Post, "title", title, &user.user_id, &id, &mut review).await?;
        let text = PostText::parse(&new.text)?.0;
        let text = self.screen(Place::Post, "text", text, &user.user_id, &id, &mut review).await?;
        let event_date =
            new.event_date.as_deref().filter(|d| !d.trim().is_empty()).map(EventDate::parse).transpose()?;
        if new.images.len() > MAX_POST_IMAGES {
            return Err(ContentError::invalid("images", format!("at most {MAX_POST_IMAGES} images")));
        }
        self.live_persona(&new.persona_id)
            .await
            .map_err(|error| error.or_if_missing(ContentError::invalid("persona_id", "no such persona")))?;
        let images = self.store_images(&id, new.images).await?;
        let now = self.now_ms();
        let row = PostRow {
            id: id.clone(),
            persona_id: new.persona_id.clone(),
            author_id: user.user_id.clone(),
            title,
            body: text,
            event_date: event_date.map(|date| date.0),
            images: serde_json::to_string(&images).map_err(ApiError::internal)?,
            like_count: 0,
            dislike_count: 0,
            comment_count: 0,
            hot_rank: 0,
            created_at: now,
            edited_at: None,
            deleted_at: None,
            removed_at: None,
        };
        let store = &self.inner.store;
        let written = async {
            let mut tx = store.begin_change().await?;
            store.insert_post(&mut tx, &row).await?;
            store.bump_popularity(&mut tx, &row.persona_id, POST_WEIGHT).await?;
            let change =
                Change::new(ItemKind::Post, ChangeAction::Created, &row.persona_id, &row.id, post_payload(&row));
            tx.commit(change, now).await
        }
        .await;
        if let Err(error) = written {
            self.delete_image_objects(&images).await;
            return Err(error.into());
        }
        self.feeds_changed().await;
        let view = self.post_view(&id, Some(user)).await?;
        self.hold_if_asked(ItemKind::Post, &id, review).await?;
        Ok(view)
    }

    /// Checks every image first, then stores them; nothing is stored if one fails.
    async fn store_images(&self, post_id: &str, uploads: Vec<Vec<u8>>) -> Result<Vec<StoredImage>> {
        let mut checked = Vec::new();
        for (index, upload) in uploads.into_iter().enumerate() {
            let images = &self.inner.platform.images;
            checked.push(render_image(images, &format!("images[{index}]"), upload, &crate::photos::RENDITIONS).await?);
        }
        let mut stored = Vec::new();
        for (index, image) in checked.into_iter().enumerate() {
            let mut keys = BTreeMap::new();
            for rendition in image.renditions {
                let key =
                    format!("posts/{}/{index}-{}.{}", post_id.replace('-', ""), rendition.name, rendition.extension);
                if let Err(error) =
                    self.inner.platform.blob.put(&key, rendition.bytes.into(), rendition.content_type).await
                {
                    stored.push(StoredImage { keys, width: 0, height: 0 });
                    self.delete_image_objects(&stored).await;
                    return Err(error.into());
                }
                keys.insert(rendition.name.to_owned(), key);
            }
            stored.push(StoredImage { keys, width: i64::from(image.width), height: i64::from(image.height) });
        }
        Ok(stored)
    }

    async fn delete_image_objects(&self, images: &[StoredImage]) {
        for image in images {
            for key in image.keys.values() {
                if let Err(error) = self.inner.platform.blob.delete(key).await {
                    tracing::warn!(key, error = format!("{error:#}"), "cannot delete a stored object");
                }
            }
        }
    }

    pub async fn edit_post(&self, user: &CurrentUser, post_id: &str, edit: &PostEdit) -> Result<PostView> {
        let mut post = self.visible_post(post_id).await?;
        if post.author_id != user.user_id {
            return Err(ContentError::NotOwner { owner: "author", action: "edits a post" });
        }
        let mut review = Review::default();
        if let Some(title) = &edit.title {
            let title = PostTitle::parse(title)?.0;
            post.title = self.screen(Place::Post, "title", title, &user.user_id, post_id, &mut review).await?;
        }
        if let Some(text) = &edit.text {
            let text = PostText::parse(text)?.0;
            post.body = self.screen(Place::Post, "text", text, &user.user_id, post_id, &mut review).await?;
        }
        if let Some(date) = &edit.event_date {
            post.event_date = date.as_deref().map(EventDate::parse).transpose()?.map(|date| date.0);
        }
        let now = self.now_ms();
        let store = &self.inner.store;
        let mut tx = store.begin_change().await?;
        if !store.edit_post(&mut tx, &post, now).await? {
            tx.rollback().await?;
            return Err(ContentError::NotFound("post"));
        }
        let change = Change::new(ItemKind::Post, ChangeAction::Updated, &post.persona_id, post_id, post_payload(&post));
        tx.commit(change, now).await?;
        self.feeds_changed().await;
        let view = self.post_view(post_id, Some(user)).await?;
        self.hold_if_asked(ItemKind::Post, post_id, review).await?;
        Ok(view)
    }

    pub async fn delete_post(&self, user: &CurrentUser, post_id: &str) -> Result<()> {
        let post = self.visible_post(post_id).await?;
        if post.author_id != user.user_id {
            return Err(ContentError::NotOwner { owner: "author", action: "deletes a post" });
        }
        let now = self.now_ms();
        let store = &self.inner.store;
        let mut tx = store.begin_change().await?;
        if !store.delete_post(&mut tx, post_id, &user.user_id, now).await? {
            tx.rollback().await?;
            return Err(ContentError::NotFound("post"));
        }
        store.bump_popularity(&mut tx, &post.persona_id, -POST_WEIGHT).await?;
        let change = Change::new(ItemKind::Post, ChangeAction::Deleted, &post.persona_id, post_id, post_payload(&post));
        tx.commit(change, now).await?;
        self.feeds_changed().await;
        self.delete_image_objects(&stored_images(&post.images)?).await;
        Ok(())
    }

    pub async fn post_view(&self, post_id: &str, viewer: Option<&CurrentUser>) -> Result<PostView> {
        let post = self.visible_post(post_id).await?;
        let mut views = self.post_views(vec![post], viewer, Shape::Whole).await?;
        views.pop().ok_or_else(|| ContentError::NotFound("post"))
    }

    pub async fn feed(
        &self,
        persona_id: Option<&str>,
        sort: FeedSort,
        cursor: Option<&str>,
        limit: i64,
        viewer: Option<&CurrentUser>,
    ) -> Result<PostPage> {
        if let Some(persona_id) = persona_id {
            self.live_persona(persona_id).await?;
        }
        let after = cursor.map(decode_cursor).transpose()?;
        let scope = if persona_id.is_some() { FeedScope::Persona } else { FeedScope::Global };
        let rows = self.inner.store.feed(scope, persona_id, sort, after.as_ref(), limit).await?;
        let (rows, next_cursor) = into_page(rows, limit, |last| {
            (if sort == FeedSort::Hot { last.hot_rank } else { last.created_at }, last.id.as_str())
        });
        Ok(PostPage { items: self.post_views(rows, viewer, Shape::Preview).await?, next_cursor })
    }

    /// The user's own visible posts, newest first.
    pub async fn author_feed(&self, user: &CurrentUser, cursor: Option<&str>, limit: i64) -> Result<PostPage> {
        let after = cursor.map(decode_cursor).transpose()?;
        let store = &self.inner.store;
        let rows = store.feed(FeedScope::Author, Some(&user.user_id), FeedSort::New, after.as_ref(), limit).await?;
        let (rows, next_cursor) = into_page(rows, limit, |last| (last.created_at, last.id.as_str()));
        Ok(PostPage { items: self.post_views(rows, Some(user), Shape::Preview).await?, next_cursor })
    }

    async fn post_views(
        &self,
        rows: Vec<PostRow>,
        viewer: Option<&CurrentUser>,
        shape: Shape,
    ) -> Result<Vec<PostView>> {
        let store = &self.inner.store;
        let authors: Authors = self.authors(rows.iter().map(|row| row.author_id.clone())).await?;
        let persona_ids: Vec<String> = rows.iter().map(|row| row.persona_id.clone()).collect();
        let personas: HashMap<String, String> =
            store.personas_by_ids(&persona_ids).await?.into_iter().map(|persona| (persona.id, persona.name)).collect();
        let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
        let mine = match viewer {
            Some(viewer) => self.inner.post_reactions.of(store, &viewer.user_id, &ids).await?,
            None => HashMap::new(),
        };
        let mut views = Vec::with_capacity(rows.len());
        for row in rows {
            let stored = stored_images(&row.images)?;
            let mut images = Vec::with_capacity(stored.len());
            for image in &stored {
                images.push(PostImageView {
                    urls: self.urls_of(&image.keys).await?,
                    width: image.width,
                    height: image.height,
                });
            }
            let text_html = (shape == Shape::Whole).then(|| render_html(&row.body));
            let (text, text_truncated) = match shape {
                Shape::Whole => (row.body, false),
                Shape::Preview => preview(row.body),
            };
            views.push(PostView {
                persona: personas
                    .get(&row.persona_id)
                    .map(|name| PersonaRef { id: row.persona_id.clone(), name: name.clone() }),
                author: authors.get(&row.author_id),
                text_html,
                text_truncated,
                my_reaction: mine.get(&row.id).copied().and_then(ReactionValue::from_stored),
                created_at: millis_to_datetime(row.created_at),
                edited_at: row.edited_at.map(millis_to_datetime),
                id: row.id,
                title: row.title,
                text,
                event_date: row.event_date,
                images,
                like_count: row.like_count,
                dislike_count: row.dislike_count,
                comment_count: row.comment_count,
            });
        }
        Ok(views)
    }
}

/// A post's stored image list.
fn stored_images(json: &str) -> Result<Vec<StoredImage>> {
    Ok(ApiError::decode_stored("posts.images", json)?)
}

/// A list's preview of a text: its first [`PREVIEW_CHARS`] characters, and whether
/// anything was cut.
fn preview(mut text: String) -> (String, bool) {
    match text.char_indices().nth(PREVIEW_CHARS) {
        Some((end, _)) => {
            text.truncate(end);
            (text, true)
        }
        None => (text, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_is_the_first_characters_and_says_when_it_cut() {
        assert_eq!(preview("短".to_owned()), ("短".to_owned(), false));
        let exact = "米".repeat(PREVIEW_CHARS);
        assert_eq!(preview(exact.clone()), (exact.clone(), false));
        let (cut, truncated) = preview(format!("{exact}兰🌸"));
        assert_eq!((cut, truncated), (exact, true));
    }
}
