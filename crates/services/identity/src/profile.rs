//! The user's own profile: WeChat no longer shares nicknames or avatars, so users pick
//! their own. Avatars go through the image checks before they are stored.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_kernel::{clock::millis_to_datetime, http::render_image, ids::new_id, safety::Place, ApiError};

use crate::error::{IdentityError, Result};
use crate::{domain::Nickname, store::UserRow, Identity};

/// The signed-in user's own view of their account.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub nickname: String,
    pub avatar_url: Option<String>,
    pub is_member: bool,
    pub member_until: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The longest side of a stored avatar, in pixels.
const AVATAR_SIZE: u32 = 512;

impl Identity {
    async fn avatar_url(&self, key: Option<&str>) -> Result<Option<String>> {
        let platform = &self.inner.platform;
        Ok(match key {
            Some(key) => Some(platform.blob.url(&platform.public_base_url, key).await?),
            None => None,
        })
    }

    pub(crate) async fn me(&self, user: &UserRow) -> Result<Me> {
        let avatar_url = self.avatar_url(user.avatar_key.as_deref()).await?;
        Ok(Me {
            id: user.id.clone(),
            nickname: user.nickname.clone(),
            avatar_url,
            is_member: user.member_until.is_some_and(|until| until > self.now_ms()),
            member_until: user.member_until.map(millis_to_datetime),
            created_at: millis_to_datetime(user.created_at),
        })
    }

    pub async fn briefs(&self, ids: &[String]) -> Result<Vec<crate::UserBrief>> {
        let mut briefs = Vec::new();
        for user in self.inner.store.users(ids).await? {
            let avatar_url = self.avatar_url(user.avatar_key.as_deref()).await?;
            briefs.push(crate::UserBrief { id: user.id, nickname: user.nickname, avatar_url });
        }
        Ok(briefs)
    }

    /// Staff search by id or nickname substring.
    pub async fn search(&self, query: &str, limit: i64) -> Result<Vec<Me>> {
        let mut found = Vec::new();
        for user in self.inner.store.search_users(query, limit).await? {
            found.push(self.me(&user).await?);
        }
        Ok(found)
    }

    pub async fn me_by_id(&self, user_id: &str) -> Result<Me> {
        let user = self.inner.store.user(user_id).await?.ok_or_else(|| IdentityError::NotFound("user"))?;
        self.me(&user).await
    }

    /// Sets a screened nickname: a mask word is stored masked; block and review words
    /// refuse it (a name cannot be held for review).
    pub async fn set_nickname(&self, user_id: &str, nickname: &Nickname) -> Result<Me> {
        let safety = &self.inner.platform.safety;
        let nickname = nickname.as_str().to_owned();
        let nickname = safety.screen(Place::Nickname, "nickname", nickname, Some(user_id), Some(user_id)).await?.text;
        self.inner.store.set_nickname(user_id, &nickname, self.now_ms()).await?;
        self.me_by_id(user_id).await
    }

    /// Checks, re-encodes (dropping EXIF) and stores a new avatar, then deletes the old.
    pub async fn set_avatar(&self, user_id: &str, upload: Vec<u8>) -> Result<Me> {
        let checked = render_image(&self.inner.platform.images, "file", upload, &[("avatar", AVATAR_SIZE)]).await?;
        let rendition =
            checked.renditions.into_iter().next().ok_or_else(|| ApiError::internal(anyhow::anyhow!("no rendition")))?;
        let key = format!("avatars/{}.{}", new_id().replace('-', ""), rendition.extension);
        let blob = &self.inner.platform.blob;
        blob.put(&key, rendition.bytes.into(), rendition.content_type).await?;
        let previous = match self.inner.store.set_avatar(user_id, &key, self.now_ms()).await {
            Ok(previous) => previous,
            Err(error) => {
                let _ = blob.delete(&key).await;
                return Err(error.into());
            }
        };
        if let Some(previous) = previous {
            if let Err(error) = blob.delete(&previous).await {
                tracing::warn!(error = format!("{error:#}"), key = previous, "cannot delete the old avatar");
            }
        }
        self.me_by_id(user_id).await
    }
}

/// A nickname change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateMe {
    pub nickname: String,
}
