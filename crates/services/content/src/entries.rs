//! Experiences, achievements and works: added by anyone signed in, changed only by
//! their author.

use yujie_kernel::{ids::new_id, safety::Place};

use crate::error::{ContentError, Result};
use crate::{
    domain::{EntryFields, EntryInput},
    moderation::ItemKind,
    safety::Review,
    store::{Change, ChangeAction, EntryRow, ENTRY_WEIGHT},
    views::{entry_view, EntryView},
    Content,
};

fn entry_payload(fields: &EntryFields) -> serde_json::Value {
    serde_json::to_value(fields).unwrap_or_default()
}

impl Content {
    /// A live entry of a live persona, or 404.
    async fn live_entry(&self, persona_id: &str, entry_id: &str) -> Result<EntryRow> {
        self.live_persona(persona_id).await?;
        match self.inner.store.entry(entry_id).await? {
            Some(entry) if entry.persona_id == persona_id && entry.removed_at.is_none() => Ok(entry),
            _ => Err(ContentError::NotFound("entry")),
        }
    }

    async fn entry_answer(&self, entry_id: &str) -> Result<EntryView> {
        let entry = self.inner.store.entry(entry_id).await?.ok_or_else(|| ContentError::NotFound("entry"))?;
        let authors = self.authors([entry.author_id.clone()]).await?;
        Ok(entry_view(&entry, &authors))
    }

    /// Screens every text of an entry.
    async fn screen_entry(&self, fields: EntryFields, user_id: &str, id: &str) -> Result<(EntryFields, Review)> {
        let mut review = Review::default();
        let fields = EntryFields {
            title: self.screen_optional(Place::Entry, "title", fields.title, user_id, id, &mut review).await?,
            body: self.screen_optional(Place::Entry, "text", fields.body, user_id, id, &mut review).await?,
            role: self.screen_optional(Place::Entry, "role", fields.role, user_id, id, &mut review).await?,
            issuer: self.screen_optional(Place::Entry, "issuer", fields.issuer, user_id, id, &mut review).await?,
            ..fields
        };
        Ok((fields, review))
    }

    pub async fn add_entry(&self, author_id: &str, persona_id: &str, input: &EntryInput) -> Result<EntryView> {
        let fields = input.parse()?;
        self.live_persona(persona_id).await?;
        let (id, now) = (new_id(), self.now_ms());
        let (fields, review) = self.screen_entry(fields, author_id, &id).await?;
        let store = &self.inner.store;
        let mut tx = store.begin_change().await?;
        store.insert_entry(&mut tx, &id, persona_id, author_id, &fields, now).await?;
        store.bump_popularity(&mut tx, persona_id, ENTRY_WEIGHT).await?;
        tx.commit(Change::new(ItemKind::Entry, ChangeAction::Created, persona_id, &id, entry_payload(&fields)), now)
            .await?;
        let view = self.entry_answer(&id).await?;
        self.hold_if_asked(ItemKind::Entry, &id, review).await?;
        Ok(view)
    }

    pub async fn update_entry(
        &self,
        user_id: &str,
        persona_id: &str,
        entry_id: &str,
        input: &EntryInput,
    ) -> Result<EntryView> {
        let entry = self.live_entry(persona_id, entry_id).await?;
        if entry.author_id != user_id {
            return Err(ContentError::NotOwner { owner: "author", action: "edits an entry" });
        }
        if input.section() != entry.section {
            return Err(ContentError::invalid(
                "section",
                format!("this entry is a {}; its section cannot change", entry.section.as_str()),
            ));
        }
        let (fields, review) = self.screen_entry(input.parse()?, user_id, entry_id).await?;
        let now = self.now_ms();
        let store = &self.inner.store;
        let mut tx = store.begin_change().await?;
        if !store.update_entry(&mut tx, entry_id, user_id, &fields, now).await? {
            tx.rollback().await?;
            return Err(ContentError::NotFound("entry"));
        }
        tx.commit(
            Change::new(ItemKind::Entry, ChangeAction::Updated, persona_id, entry_id, entry_payload(&fields)),
            now,
        )
        .await?;
        let view = self.entry_answer(entry_id).await?;
        self.hold_if_asked(ItemKind::Entry, entry_id, review).await?;
        Ok(view)
    }

    pub async fn delete_entry(&self, user_id: &str, persona_id: &str, entry_id: &str) -> Result<()> {
        let entry = self.live_entry(persona_id, entry_id).await?;
        if entry.author_id != user_id {
            return Err(ContentError::NotOwner { owner: "author", action: "deletes an entry" });
        }
        let now = self.now_ms();
        let store = &self.inner.store;
        let mut tx = store.begin_change().await?;
        if !store.delete_entry(&mut tx, entry_id, user_id).await? {
            tx.rollback().await?;
            return Err(ContentError::NotFound("entry"));
        }
        store.bump_popularity(&mut tx, persona_id, -ENTRY_WEIGHT).await?;
        let payload = serde_json::json!({ "section": entry.section.as_str() });
        tx.commit(Change::new(ItemKind::Entry, ChangeAction::Deleted, persona_id, entry_id, payload), now).await?;
        Ok(())
    }
}
