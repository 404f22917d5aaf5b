//! Creating, editing, reading, listing and searching personas.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use yujie_kernel::{clock::millis_to_datetime, ids::new_id, safety::Place, ApiError};

use crate::error::{ContentError, Result};
use crate::{
    cursor::{decode_cursor, into_page},
    domain::{normalize, search_grams, Aliases, PersonaName, Section},
    moderation::ItemKind,
    store::{Change, ChangeAction, PersonaRow, PersonaSort},
    views::{entry_view, PersonaDetail, PersonaPage},
    Content,
};

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPersona {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The base fields only the creator may change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PersonaUpdate {
    pub name: Option<String>,
    pub aliases: Option<Vec<String>>,
    /// A live photo of this persona; `null` clears the cover.
    #[serde(default, deserialize_with = "present")]
    pub cover_photo_id: Option<Option<String>>,
}

/// Tells an explicit `null` (clear) from an absent field (keep).
pub(crate) fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

pub fn persona_payload(persona: &PersonaRow) -> Result<serde_json::Value> {
    Ok(json!({ "name": persona.name, "aliases": persona.alias_list()?, "creator_id": persona.creator_id }))
}

impl Content {
    /// A live persona, or 404.
    pub(crate) async fn live_persona(&self, id: &str) -> Result<PersonaRow> {
        match self.inner.store.persona(id).await? {
            Some(persona) if persona.removed_at.is_none() => Ok(persona),
            _ => Err(ContentError::NotFound("persona")),
        }
    }

    /// A persona's name, screened: names cannot be held for review, so a review word
    /// refuses them like a block word.
    async fn screened_name(&self, raw: &str, user_id: &str, persona_id: &str) -> Result<String> {
        let name = PersonaName::parse(raw)?.as_str().to_owned();
        let safety = &self.inner.platform.safety;
        Ok(safety.screen(Place::Persona, "name", name, Some(user_id), Some(persona_id)).await?.text)
    }

    async fn screened_aliases(&self, raw: &[String], user_id: &str, persona_id: &str) -> Result<Vec<String>> {
        let mut aliases = Vec::new();
        for (index, alias) in Aliases::parse(raw)?.as_slice().iter().enumerate() {
            let field = format!("aliases[{index}]");
            let safety = &self.inner.platform.safety;
            aliases.push(
                safety.screen(Place::Persona, &field, alias.clone(), Some(user_id), Some(persona_id)).await?.text,
            );
        }
        Ok(aliases)
    }

    pub async fn create_persona(&self, creator_id: &str, new: &NewPersona) -> Result<PersonaDetail> {
        let id = new_id();
        let name = self.screened_name(&new.name, creator_id, &id).await?;
        let aliases = self.screened_aliases(&new.aliases, creator_id, &id).await?;
        let now = self.now_ms();
        let row = PersonaRow {
            id,
            name: name.clone(),
            aliases: serde_json::to_string(&aliases).map_err(ApiError::internal)?,
            cover_photo_id: None,
            creator_id: creator_id.to_owned(),
            popularity: 0,
            created_at: now,
            updated_at: now,
            removed_at: None,
        };
        let store = &self.inner.store;
        let mut tx = store.begin_change().await?;
        store.insert_persona(&mut tx, &row, &search_grams(&name, &aliases)).await?;
        let change = Change::new(ItemKind::Persona, ChangeAction::Created, &row.id, &row.id, persona_payload(&row)?);
        tx.commit(change, now).await?;
        self.persona_detail(&row.id).await
    }

    pub async fn update_persona(
        &self,
        user_id: &str,
        persona_id: &str,
        update: &PersonaUpdate,
    ) -> Result<PersonaDetail> {
        let mut row = self.live_persona(persona_id).await?;
        if row.creator_id != user_id {
            return Err(ContentError::NotOwner {
                owner: "creator",
                action: "edits a persona's name, aliases and cover",
            });
        }
        if let Some(name) = &update.name {
            row.name = self.screened_name(name, user_id, persona_id).await?;
        }
        if let Some(aliases) = &update.aliases {
            let aliases = self.screened_aliases(aliases, user_id, persona_id).await?;
            row.aliases = serde_json::to_string(&aliases).map_err(ApiError::internal)?;
        }
        if let Some(cover) = &update.cover_photo_id {
            if let Some(photo_id) = cover {
                let photo = self.inner.store.photo(photo_id).await?;
                if !photo.is_some_and(|photo| photo.persona_id == row.id && photo.removed_at.is_none()) {
                    return Err(ContentError::invalid("cover_photo_id", "must be a photo of this persona"));
                }
            }
            row.cover_photo_id = cover.clone();
        }
        row.updated_at = self.now_ms();
        let store = &self.inner.store;
        let mut tx = store.begin_change().await?;
        if !store.update_persona_base(&mut tx, &row, &search_grams(&row.name, &row.alias_list()?)).await? {
            tx.rollback().await?;
            return Err(ContentError::NotFound("persona"));
        }
        let change = Change::new(ItemKind::Persona, ChangeAction::Updated, &row.id, &row.id, persona_payload(&row)?);
        tx.commit(change, row.updated_at).await?;
        self.feeds_changed().await;
        self.persona_detail(&row.id).await
    }

    pub async fn persona_detail(&self, id: &str) -> Result<PersonaDetail> {
        let persona = self.live_persona(id).await?;
        let store = &self.inner.store;
        let (photos, entries) = tokio::try_join!(store.photos_of(id), store.entries_of(id))?;
        let authors = self
            .authors(
                std::iter::once(persona.creator_id.clone())
                    .chain(photos.iter().map(|photo| photo.author_id.clone()))
                    .chain(entries.iter().map(|entry| entry.author_id.clone())),
            )
            .await?;
        let mut photo_views = Vec::with_capacity(photos.len());
        for photo in &photos {
            photo_views.push(self.photo_view(photo, &authors).await?);
        }
        let cover = match photos.iter().find(|photo| Some(&photo.id) == persona.cover_photo_id.as_ref()) {
            Some(photo) => Some(self.photo_view(photo, &authors).await?),
            None => None,
        };
        let section = |wanted: Section| {
            let mut views: Vec<_> = entries
                .iter()
                .filter(|entry| entry.section == wanted)
                .map(|entry| entry_view(entry, &authors))
                .collect();
            views.sort_by_key(|view| (view.occurred_on.clone(), view.year));
            views
        };
        Ok(PersonaDetail {
            id: persona.id.clone(),
            name: persona.name.clone(),
            aliases: persona.alias_list()?,
            cover,
            creator: authors.get(&persona.creator_id),
            popularity: persona.popularity,
            created_at: millis_to_datetime(persona.created_at),
            updated_at: millis_to_datetime(persona.updated_at),
            photos: photo_views,
            experiences: section(Section::Experience),
            achievements: section(Section::Achievement),
            works: section(Section::Work),
        })
    }

    pub async fn list_personas(&self, sort: PersonaSort, cursor: Option<&str>, limit: i64) -> Result<PersonaPage> {
        let after = cursor.map(decode_cursor).transpose()?;
        let rows = self.inner.store.list_personas(sort, after.as_ref(), limit).await?;
        let (rows, next_cursor) = into_page(rows, limit, |last| {
            (if sort == PersonaSort::Popular { last.popularity } else { last.created_at }, last.id.as_str())
        });
        Ok(PersonaPage { items: self.cards(&rows).await?, next_cursor })
    }

    /// Personas whose name or an alias contains `query` (Chinese or not), most popular
    /// first.
    pub async fn search_personas(&self, query: &str) -> Result<PersonaPage> {
        let needle = normalize(query);
        let chars: Vec<char> = needle.chars().collect();
        match chars.len() {
            0 => return Err(ContentError::invalid("q", "must not be empty")),
            33.. => return Err(ContentError::invalid("q", "must be at most 32 characters")),
            _ => {}
        }
        let mut grams: Vec<String> = if chars.len() == 1 {
            vec![needle.clone()]
        } else {
            chars.windows(2).map(|pair| pair.iter().collect()).collect()
        };
        grams.sort();
        grams.dedup();
        let ids = self.inner.store.search_candidates(&grams, 200).await?;
        let mut rows: Vec<PersonaRow> = Vec::new();
        for persona in self.inner.store.personas_by_ids(&ids).await? {
            let matches = normalize(&persona.name).contains(&needle)
                || persona.alias_list()?.iter().any(|alias| normalize(alias).contains(&needle));
            if matches && rows.len() < 20 {
                rows.push(persona);
            }
        }
        Ok(PersonaPage { items: self.cards(&rows).await?, next_cursor: None })
    }

    async fn cards(&self, rows: &[PersonaRow]) -> Result<Vec<crate::views::PersonaCard>> {
        let cover_ids: Vec<String> = rows.iter().filter_map(|row| row.cover_photo_id.clone()).collect();
        let covers: HashMap<String, _> = self
            .inner
            .store
            .photos_by_ids(&cover_ids)
            .await?
            .into_iter()
            .map(|photo| (photo.id.clone(), photo))
            .collect();
        let mut cards = Vec::with_capacity(rows.len());
        for row in rows {
            let cover = row.cover_photo_id.as_ref().and_then(|id| covers.get(id));
            cards.push(self.card(row, cover).await?);
        }
        Ok(cards)
    }
}
