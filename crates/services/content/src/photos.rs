//! Persona photos: checked, re-encoded without EXIF, stored in three sizes.

use std::collections::BTreeMap;

use yujie_kernel::{http::render_image, ids::new_id, ApiError};

use crate::error::{ContentError, Result};
use crate::{
    moderation::ItemKind,
    store::{Change, ChangeAction, PhotoRow, PHOTO_WEIGHT},
    views::PhotoView,
    Content,
};

/// Stored sizes: (name, longest side in pixels).
pub(crate) const RENDITIONS: [(&str, u32); 3] = [("thumb", 256), ("medium", 1080), ("large", 2560)];

fn photo_payload(photo: &PhotoRow) -> serde_json::Value {
    serde_json::json!({ "width": photo.width, "height": photo.height, "author_id": photo.author_id })
}

impl Content {
    pub async fn add_photo(&self, author_id: &str, persona_id: &str, upload: Vec<u8>) -> Result<PhotoView> {
        self.live_persona(persona_id).await?;
        let checked = render_image(&self.inner.platform.images, "file", upload, &RENDITIONS).await?;
        let id = new_id();
        let blob = &self.inner.platform.blob;
        let mut keys = BTreeMap::new();
        for rendition in checked.renditions {
            let key = format!("photos/{}/{}.{}", id.replace('-', ""), rendition.name, rendition.extension);
            if let Err(error) = blob.put(&key, rendition.bytes.into(), rendition.content_type).await {
                self.delete_objects(keys.values()).await;
                return Err(error.into());
            }
            keys.insert(rendition.name.to_owned(), key);
        }
        let now = self.now_ms();
        let row = PhotoRow {
            id: id.clone(),
            persona_id: persona_id.to_owned(),
            author_id: author_id.to_owned(),
            object_keys: serde_json::to_string(&keys).map_err(ApiError::internal)?,
            width: i64::from(checked.width),
            height: i64::from(checked.height),
            created_at: now,
            removed_at: None,
        };
        if let Err(error) = self.record_photo(&row, now).await {
            self.delete_objects(keys.values()).await;
            return Err(error);
        }
        let authors = self.authors([author_id.to_owned()]).await?;
        Ok(self.photo_view(&row, &authors).await?)
    }

    async fn record_photo(&self, row: &PhotoRow, now: i64) -> Result<()> {
        let store = &self.inner.store;
        let mut tx = store.begin_change().await?;
        store.insert_photo(&mut tx, row).await?;
        store.bump_popularity(&mut tx, &row.persona_id, PHOTO_WEIGHT).await?;
        let change = Change::new(ItemKind::Photo, ChangeAction::Created, &row.persona_id, &row.id, photo_payload(row));
        tx.commit(change, now).await?;
        Ok(())
    }

    /// Deletes a photo and its stored objects; only its uploader may.
    pub async fn delete_photo(&self, user_id: &str, persona_id: &str, photo_id: &str) -> Result<()> {
        self.live_persona(persona_id).await?;
        let photo = match self.inner.store.photo(photo_id).await? {
            Some(photo) if photo.persona_id == persona_id && photo.removed_at.is_none() => photo,
            _ => return Err(ContentError::NotFound("photo")),
        };
        if photo.author_id != user_id {
            return Err(ContentError::NotOwner { owner: "uploader", action: "deletes a photo" });
        }
        let now = self.now_ms();
        let store = &self.inner.store;
        let mut tx = store.begin_change().await?;
        if !store.delete_photo(&mut tx, photo_id, user_id).await? {
            tx.rollback().await?;
            return Err(ContentError::NotFound("photo"));
        }
        store.bump_popularity(&mut tx, persona_id, -PHOTO_WEIGHT).await?;
        tx.commit(
            Change::new(ItemKind::Photo, ChangeAction::Deleted, persona_id, photo_id, photo_payload(&photo)),
            now,
        )
        .await?;
        self.delete_objects(photo.keys()?.values()).await;
        Ok(())
    }

    /// Best effort: an object left behind is logged, never shown (no row points at it).
    async fn delete_objects<'a>(&self, keys: impl IntoIterator<Item = &'a String>) {
        for key in keys {
            if let Err(error) = self.inner.platform.blob.delete(key).await {
                tracing::warn!(key, error = format!("{error:#}"), "cannot delete a stored object");
            }
        }
    }
}
