//! What the public API answers with.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_identity::UserBrief;
use yujie_kernel::{clock::millis_to_datetime, ApiResult};

use crate::{
    domain::{Section, WorkKind},
    store::{EntryRow, PersonaRow, PhotoRow},
    Content,
};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PhotoUrls {
    /// 256 px on the longest side.
    pub thumb_url: String,
    /// 1080 px on the longest side.
    pub medium_url: String,
    /// Up to 2560 px on the longest side.
    pub large_url: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PhotoView {
    pub id: String,
    #[serde(flatten)]
    pub urls: PhotoUrls,
    pub width: i64,
    pub height: i64,
    pub author: Option<UserBrief>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EntryView {
    pub id: String,
    pub section: Section,
    /// For works: album, film_tv or variety.
    pub kind: Option<WorkKind>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub year: Option<i64>,
    pub occurred_on: Option<String>,
    pub role: Option<String>,
    pub issuer: Option<String>,
    pub author: Option<UserBrief>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A persona in a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonaCard {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub cover: Option<PhotoUrls>,
    /// 3 per live photo, 2 per live entry and 5 per live post.
    pub popularity: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A persona with every section.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonaDetail {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub cover: Option<PhotoView>,
    pub creator: Option<UserBrief>,
    pub popularity: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub photos: Vec<PhotoView>,
    /// 个人经历, by date.
    pub experiences: Vec<EntryView>,
    /// 获得成就, by year.
    pub achievements: Vec<EntryView>,
    /// Albums, films and TV series, variety shows, by year.
    pub works: Vec<EntryView>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonaPage {
    pub items: Vec<PersonaCard>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Users by id, looked up once per answer.
pub struct Authors(HashMap<String, UserBrief>);

impl Authors {
    pub fn get(&self, id: &str) -> Option<UserBrief> {
        self.0.get(id).cloned()
    }
}

impl Content {
    pub(crate) async fn authors(&self, ids: impl IntoIterator<Item = String>) -> ApiResult<Authors> {
        let mut ids: Vec<String> = ids.into_iter().collect();
        ids.sort();
        ids.dedup();
        let briefs = self.inner.identity.user_briefs(&ids).await?;
        Ok(Authors(briefs.into_iter().map(|brief| (brief.id.clone(), brief)).collect()))
    }

    pub(crate) async fn photo_urls(&self, photo: &PhotoRow) -> ApiResult<PhotoUrls> {
        self.urls_of(&photo.keys()?).await
    }

    /// The URLs of an image's stored renditions.
    pub(crate) async fn urls_of(&self, keys: &std::collections::BTreeMap<String, String>) -> ApiResult<PhotoUrls> {
        let platform = &self.inner.platform;
        let url = |name: &str| {
            let key = keys.get(name).cloned().unwrap_or_default();
            async move { platform.blob.url(&platform.public_base_url, &key).await }
        };
        Ok(PhotoUrls {
            thumb_url: url("thumb").await?,
            medium_url: url("medium").await?,
            large_url: url("large").await?,
        })
    }

    pub(crate) async fn photo_view(&self, photo: &PhotoRow, authors: &Authors) -> ApiResult<PhotoView> {
        Ok(PhotoView {
            id: photo.id.clone(),
            urls: self.photo_urls(photo).await?,
            width: photo.width,
            height: photo.height,
            author: authors.get(&photo.author_id),
            created_at: millis_to_datetime(photo.created_at),
        })
    }

    pub(crate) async fn card(&self, persona: &PersonaRow, cover: Option<&PhotoRow>) -> ApiResult<PersonaCard> {
        let cover = match cover {
            Some(photo) => Some(self.photo_urls(photo).await?),
            None => None,
        };
        Ok(PersonaCard {
            id: persona.id.clone(),
            name: persona.name.clone(),
            aliases: persona.alias_list()?,
            cover,
            popularity: persona.popularity,
            created_at: millis_to_datetime(persona.created_at),
        })
    }
}

pub fn entry_view(entry: &EntryRow, authors: &Authors) -> EntryView {
    EntryView {
        id: entry.id.clone(),
        section: entry.section,
        kind: entry.work_kind.0,
        title: entry.title.clone(),
        text: entry.body.clone(),
        year: entry.year,
        occurred_on: entry.occurred_on.clone(),
        role: entry.role.clone(),
        issuer: entry.issuer.clone(),
        author: authors.get(&entry.author_id),
        created_at: millis_to_datetime(entry.created_at),
        updated_at: millis_to_datetime(entry.updated_at),
    }
}

/// An entry as the feed and reports keep it.
pub fn entry_snapshot(entry: &EntryRow) -> serde_json::Value {
    serde_json::json!({
        "persona_id": entry.persona_id, "section": entry.section.as_str(), "kind": entry.work_kind.0.map(WorkKind::as_str), "title": entry.title,
        "text": entry.body, "year": entry.year, "occurred_on": entry.occurred_on, "role": entry.role, "issuer": entry.issuer,
    })
}
