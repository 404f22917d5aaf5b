//! Any OpenAI-compatible endpoint (DeepSeek, Qwen, Volcengine Ark, Ollama, vLLM). It has
//! no knowledge base, so ours is the [`SqlIndex`]: passages and their terms in SQL,
//! ranked by BM25 at question time (works on SQLite and MySQL, across instances).

use std::collections::HashMap;

use futures::StreamExt as _;
use serde_json::{json, Value};
use sqlx::Row as _;
use yujie_db::{placeholders, Db};
use yujie_kernel::{upstream::Upstream, Secret};

use super::{
    send, sse, Chat, ChatEvent, ChatRequest, ChatStream, Knowledge, KnowledgeDoc, ProviderError, ProviderResult, Role,
    Usage,
};
use crate::config::OpenaiConfig;

/// A passage is at most this many characters.
const PASSAGE_CHARS: usize = 240;
/// Terms longer than the column are cut (long Latin words, URLs).
const TERM_BYTES: usize = 64;

/// Our retrieval index over the persona's documents.
#[derive(Clone)]
pub struct SqlIndex {
    db: Db,
}

impl SqlIndex {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// The best `limit` passages of the persona's documents for `query`, best first.
    /// The persona's own names are left out of the query: every passage is hers.
    pub async fn search(
        &self,
        persona_id: &str,
        names: &[String],
        query: &str,
        limit: usize,
    ) -> anyhow::Result<Vec<String>> {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut terms = yujie_search::query_terms(&yujie_search::without_names(query, &names));
        terms.iter_mut().for_each(truncate);
        terms.sort();
        terms.dedup();
        terms.truncate(64);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let pool = self.db.pool();
        let totals = sqlx::query(
            "SELECT COUNT(*) AS passages, CAST(COALESCE(SUM(length), 0) AS SIGNED) AS total FROM companion_passages WHERE persona_id = ?",
        )
        .bind(persona_id)
        .fetch_one(pool)
        .await?;
        let passages: i64 = totals.try_get("passages")?;
        let total: i64 = totals.try_get("total")?;
        let sql = format!(
            "SELECT p.term, p.doc_key, p.passage, p.frequency, s.length FROM companion_postings p \
             JOIN companion_passages s ON s.doc_key = p.doc_key AND s.passage = p.passage \
             WHERE p.persona_id = ? AND p.term IN ({})",
            placeholders(terms.len())
        );
        let mut query = sqlx::query(&sql).bind(persona_id);
        for term in &terms {
            query = query.bind(term);
        }
        let rows = query.fetch_all(pool).await?;
        let mut with_term: HashMap<String, u64> = HashMap::new();
        for row in &rows {
            *with_term.entry(row.try_get("term")?).or_default() += 1;
        }
        let count = u64::try_from(passages).unwrap_or(0);
        let average = total as f64 / passages.max(1) as f64;
        let mut scores: HashMap<(String, i64), f64> = HashMap::new();
        for row in &rows {
            let term: String = row.try_get("term")?;
            let idf = yujie_search::idf(count, with_term.get(&term).copied().unwrap_or(1));
            let frequency = u32::try_from(row.try_get::<i64, _>("frequency")?).unwrap_or(0);
            let length = u32::try_from(row.try_get::<i64, _>("length")?).unwrap_or(0);
            *scores.entry((row.try_get("doc_key")?, row.try_get("passage")?)).or_default() +=
                yujie_search::term_score(idf, frequency, length, average);
        }
        let mut ranked: Vec<_> = scores.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked.truncate(limit);
        let mut found = Vec::new();
        for ((doc_key, passage), _) in ranked {
            let body: Option<String> =
                sqlx::query_scalar("SELECT body FROM companion_passages WHERE doc_key = ? AND passage = ?")
                    .bind(&doc_key)
                    .bind(passage)
                    .fetch_optional(pool)
                    .await?;
            found.extend(body);
        }
        Ok(found)
    }

    async fn replace(&self, doc: &KnowledgeDoc<'_>) -> anyhow::Result<()> {
        let mut tx = self.db.pool().begin().await?;
        sqlx::query("DELETE FROM companion_postings WHERE doc_key = ?").bind(doc.key).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM companion_passages WHERE doc_key = ?").bind(doc.key).execute(&mut *tx).await?;
        for (number, passage) in yujie_search::passages(doc.text, PASSAGE_CHARS).iter().enumerate() {
            let number = i64::try_from(number)?;
            let terms = yujie_search::terms(passage);
            let mut frequencies: HashMap<String, i64> = HashMap::new();
            for mut term in terms.iter().cloned() {
                truncate(&mut term);
                *frequencies.entry(term).or_default() += 1;
            }
            sqlx::query(
                "INSERT INTO companion_passages (doc_key, passage, persona_id, body, length) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(doc.key)
            .bind(number)
            .bind(doc.persona_id)
            .bind(passage)
            .bind(i64::try_from(terms.len())?)
            .execute(&mut *tx)
            .await?;
            let frequencies: Vec<_> = frequencies.into_iter().collect();
            for chunk in frequencies.chunks(200) {
                let sql = format!(
                    "INSERT INTO companion_postings (persona_id, term, doc_key, passage, frequency) VALUES {}",
                    vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ")
                );
                let mut query = sqlx::query(&sql);
                for (term, frequency) in chunk {
                    query = query.bind(doc.persona_id).bind(term).bind(doc.key).bind(number).bind(*frequency);
                }
                query.execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        let mut tx = self.db.pool().begin().await?;
        sqlx::query("DELETE FROM companion_postings WHERE doc_key = ?").bind(key).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM companion_passages WHERE doc_key = ?").bind(key).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn truncate(term: &mut String) {
    if term.len() > TERM_BYTES {
        let mut end = TERM_BYTES;
        while !term.is_char_boundary(end) {
            end -= 1;
        }
        term.truncate(end);
    }
}

fn index_error(error: anyhow::Error) -> ProviderError {
    ProviderError::Reported(format!("the retrieval index failed: {error:#}"))
}

#[async_trait::async_trait]
impl Knowledge for SqlIndex {
    async fn put(&self, doc: &KnowledgeDoc<'_>, _known_id: Option<&str>) -> ProviderResult<String> {
        self.replace(doc).await.map_err(index_error)?;
        Ok(doc.key.to_owned())
    }

    async fn remove(&self, key: &str, _provider_id: &str) -> ProviderResult<()> {
        self.delete(key).await.map_err(index_error)
    }
}

pub struct OpenAiChat {
    base_url: String,
    api_key: Secret,
    model: String,
    passages: usize,
    upstream: Upstream,
    index: SqlIndex,
}

impl OpenAiChat {
    pub fn new(config: &OpenaiConfig, upstream: Upstream, index: SqlIndex) -> Self {
        Self {
            base_url: config.base_url.trim_end_matches('/').to_owned(),
            api_key: config.api_key.clone(),
            model: config.model.clone(),
            passages: config.retrieved_passages,
            upstream,
            index,
        }
    }
}

/// The system prompt with the retrieved passages appended as reference material.
fn system_prompt(character: &str, passages: &[String]) -> String {
    if passages.is_empty() {
        return character.to_owned();
    }
    let facts: Vec<String> = passages.iter().map(|passage| format!("- {passage}")).collect();
    format!("{character}\n\n# 相关资料（可引用）\n{}", facts.join("\n"))
}

#[async_trait::async_trait]
impl Chat for OpenAiChat {
    async fn stream(&self, request: ChatRequest) -> ProviderResult<ChatStream> {
        let passages = self
            .index
            .search(&request.persona_id, &request.names, &request.query, self.passages)
            .await
            .map_err(index_error)?;
        let mut messages = vec![json!({ "role": "system", "content": system_prompt(&request.character, &passages) })];
        for turn in &request.history {
            let role = if turn.role == Role::User { "user" } else { "assistant" };
            messages.push(json!({ "role": role, "content": turn.text }));
        }
        messages.push(json!({ "role": "user", "content": request.query }));
        let mut call = self.upstream.http().post(format!("{}/chat/completions", self.base_url)).json(&json!({
            "model": self.model,
            "messages": messages,
            "stream": true,
            "stream_options": { "include_usage": true },
            "user": request.user_id,
        }));
        if !self.api_key.expose().is_empty() {
            call = call.bearer_auth(self.api_key.expose());
        }
        let events = sse::events(send(&self.upstream, call).await?.bytes_stream());
        let mut usage = None;
        let mut started = false;
        let stream = events
            .map(move |event| -> ProviderResult<Vec<ChatEvent>> {
                let event = event.map_err(|error| ProviderError::Protocol(format!("{error:#}")))?;
                if event.data.trim() == "[DONE]" {
                    return Ok(vec![ChatEvent::End { usage: usage.take() }]);
                }
                let chunk: Value =
                    serde_json::from_str(&event.data).map_err(|error| ProviderError::Protocol(error.to_string()))?;
                if let Some(error) = chunk.get("error") {
                    let message = error["message"].as_str().unwrap_or("unknown error");
                    return Err(ProviderError::Reported(message.to_owned()));
                }
                if let Some(reported) = chunk.get("usage").filter(|value| !value.is_null()) {
                    usage = Some(Usage {
                        prompt_tokens: reported["prompt_tokens"].as_u64().unwrap_or(0),
                        completion_tokens: reported["completion_tokens"].as_u64().unwrap_or(0),
                    });
                }
                let mut out = Vec::new();
                if let Some(id) = chunk["id"].as_str().filter(|_| !started) {
                    started = true;
                    out.push(ChatEvent::Started {
                        task_id: None,
                        message_id: Some(id.to_owned()),
                        conversation_id: None,
                    });
                }
                if let Some(content) = chunk["choices"][0]["delta"]["content"].as_str().filter(|text| !text.is_empty())
                {
                    out.push(ChatEvent::Delta(content.to_owned()));
                }
                Ok(out)
            })
            .flat_map(|result| {
                futures::stream::iter(match result {
                    Ok(events) => events.into_iter().map(Ok).collect::<Vec<_>>(),
                    Err(error) => vec![Err(error)],
                })
            });
        Ok(stream.boxed())
    }
}
