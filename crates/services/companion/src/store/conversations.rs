//! Conversations, their messages, and thumbs-downs on replies.

use yujie_db::is_unique_violation;

use super::CompanionStore;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConversationRow {
    pub id: String,
    pub user_id: String,
    pub persona_id: String,
    pub provider_conversation_id: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub id: String,
    pub conversation_id: String,
    pub role: String,
    pub body: String,
    pub state: String,
    pub provider_message_id: Option<String>,
    pub created_at: i64,
}

/// A reply that got a thumbs-down, with what it answered.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DislikedReply {
    pub message_id: String,
    pub conversation_id: String,
    pub reply: String,
    pub reason: Option<String>,
    pub user_id: String,
    #[serde(serialize_with = "yujie_kernel::clock::serialize_millis")]
    pub created_at: i64,
}

const CONVERSATION: &str =
    "SELECT id, user_id, persona_id, provider_conversation_id, created_at FROM companion_conversations";
const MESSAGE: &str =
    "SELECT id, conversation_id, role, body, state, provider_message_id, created_at FROM companion_messages";

impl CompanionStore {
    pub async fn create_conversation(&self, id: &str, user_id: &str, persona_id: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query("INSERT INTO companion_conversations (id, user_id, persona_id, created_at) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(user_id)
            .bind(persona_id)
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn conversation(&self, id: &str) -> sqlx::Result<Option<ConversationRow>> {
        sqlx::query_as(&format!("{CONVERSATION} WHERE id = ?")).bind(id).fetch_optional(self.pool()).await
    }

    /// The user's conversations, newest first, with one persona or all.
    pub async fn conversations(&self, user_id: &str, persona_id: Option<&str>) -> sqlx::Result<Vec<ConversationRow>> {
        let sql = match persona_id {
            Some(_) => format!(
                "{CONVERSATION} WHERE user_id = ? AND persona_id = ? ORDER BY created_at DESC, id DESC LIMIT 100"
            ),
            None => format!("{CONVERSATION} WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT 100"),
        };
        let mut query = sqlx::query_as(&sql).bind(user_id);
        if let Some(persona_id) = persona_id {
            query = query.bind(persona_id);
        }
        query.fetch_all(self.pool()).await
    }

    pub async fn set_provider_conversation(&self, id: &str, provider_id: &str) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE companion_conversations SET provider_conversation_id = ? \
             WHERE id = ? AND provider_conversation_id IS NULL",
        )
        .bind(provider_id)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn add_message(&self, message: &MessageRow) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO companion_messages (id, conversation_id, role, body, state, provider_message_id, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&message.id)
        .bind(&message.conversation_id)
        .bind(&message.role)
        .bind(&message.body)
        .bind(&message.state)
        .bind(&message.provider_message_id)
        .bind(message.created_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The conversation's messages before `before` (ms), newest first.
    pub async fn messages(
        &self,
        conversation_id: &str,
        before: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<MessageRow>> {
        sqlx::query_as(&format!(
            "{MESSAGE} WHERE conversation_id = ? AND created_at < ? ORDER BY created_at DESC, id DESC LIMIT ?"
        ))
        .bind(conversation_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    /// A message with the conversation it belongs to.
    pub async fn message(&self, id: &str) -> sqlx::Result<Option<(MessageRow, ConversationRow)>> {
        let Some(message): Option<MessageRow> =
            sqlx::query_as(&format!("{MESSAGE} WHERE id = ?")).bind(id).fetch_optional(self.pool()).await?
        else {
            return Ok(None);
        };
        Ok(self.conversation(&message.conversation_id).await?.map(|conversation| (message, conversation)))
    }

    /// Stores a thumbs-down; a second one on the same reply replaces the reason.
    pub async fn dislike(
        &self,
        message_id: &str,
        user_id: &str,
        persona_id: &str,
        reason: Option<&str>,
        now: i64,
    ) -> sqlx::Result<()> {
        let inserted = sqlx::query(
            "INSERT INTO companion_feedback (message_id, user_id, persona_id, reason, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(message_id)
        .bind(user_id)
        .bind(persona_id)
        .bind(reason)
        .bind(now)
        .execute(self.pool())
        .await;
        match inserted {
            Err(error) if is_unique_violation(&error) => {
                sqlx::query("UPDATE companion_feedback SET reason = ?, created_at = ? WHERE message_id = ?")
                    .bind(reason)
                    .bind(now)
                    .bind(message_id)
                    .execute(self.pool())
                    .await?;
                Ok(())
            }
            other => other.map(|_| ()),
        }
    }

    /// The persona's downvoted replies, newest first.
    pub async fn disliked_replies(&self, persona_id: &str, limit: i64) -> sqlx::Result<Vec<DislikedReply>> {
        sqlx::query_as(
            "SELECT f.message_id, m.conversation_id, m.body AS reply, f.reason, f.user_id, f.created_at \
             FROM companion_feedback f JOIN companion_messages m ON m.id = f.message_id \
             WHERE f.persona_id = ? ORDER BY f.created_at DESC, f.message_id LIMIT ?",
        )
        .bind(persona_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }
}
