//! Dify's service API, as the stand-in answers it: knowledge (`/datasets/…`), streaming
//! chat (`/chat-messages`), stop and feedback.

use std::{convert::Infallible, sync::Arc, time::Duration};

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{
        sse::{Event, Sse},
        IntoResponse, Response,
    },
    routing::{delete, get, post},
    Json, Router,
};
use futures::Stream;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::Mutex;
use yujie_kernel::{ids::new_id, Platform};

use super::{
    dataset::{Datasets, Document},
    Observed, Shared,
};
use crate::DifyAccount;

/// How the answer is cut for streaming, and the pause between pieces.
const CHUNK_CHARS: usize = 4;
const CHUNK_PAUSE: Duration = Duration::from_millis(40);

#[derive(Clone)]
pub struct Standin {
    platform: Platform,
    account: DifyAccount,
    datasets: Arc<Mutex<Datasets>>,
    pub observed: Shared<Observed>,
}

impl Standin {
    pub fn new(platform: &Platform, account: &DifyAccount) -> Self {
        Self {
            platform: platform.clone(),
            account: account.clone(),
            datasets: Arc::default(),
            observed: Shared::default(),
        }
    }

    fn authorized(&self, headers: &HeaderMap, dataset_api: bool) -> Result<(), Refusal> {
        let config = &self.account;
        let key = if dataset_api { &config.dataset_key } else { &config.app_key };
        let presented = headers.get("authorization").and_then(|value| value.to_str().ok()).unwrap_or_default();
        if presented == format!("Bearer {}", key.expose()) {
            return Ok(());
        }
        Err(problem(StatusCode::UNAUTHORIZED, "unauthorized", "Access token is invalid"))
    }

    async fn datasets(&self) -> Result<tokio::sync::MutexGuard<'_, Datasets>, Refusal> {
        let mut datasets = self.datasets.lock().await;
        datasets.load(&self.platform.blob).await.map_err(internal)?;
        Ok(datasets)
    }
}

/// An error in Dify's shape.
pub struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: &'static str,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = json!({ "code": self.code, "message": self.message, "status": self.status.as_u16() });
        (self.status, Json(body)).into_response()
    }
}

fn problem(status: StatusCode, code: &'static str, message: &'static str) -> Refusal {
    Refusal { status, code, message }
}

fn internal(error: anyhow::Error) -> Refusal {
    tracing::error!(error = format!("{error:#}"), "AI stand-in failed");
    problem(StatusCode::INTERNAL_SERVER_ERROR, "internal_server_error", "stand-in failure")
}

pub fn router(state: Standin) -> Router {
    Router::new()
        .route("/datasets/{dataset}/document/create-by-text", post(create))
        .route("/datasets/{dataset}/documents/{document}/update-by-text", post(update))
        .route("/datasets/{dataset}/documents/{document}", delete(remove))
        .route("/datasets/{dataset}/documents", get(list))
        .route("/datasets/{dataset}/documents/{batch}/indexing-status", get(indexing_status))
        .route("/datasets/{dataset}/retrieve", post(retrieve))
        .route("/chat-messages", post(chat))
        .route("/chat-messages/{task}/stop", post(stop))
        .route("/messages/{message}/feedbacks", post(feedback))
        .with_state(state)
}

#[derive(Deserialize)]
struct ByText {
    name: Option<String>,
    text: Option<String>,
}

fn document_json(id: &str, document: &Document, status: &str) -> Value {
    json!({ "id": id, "name": document.name, "indexing_status": status, "enabled": true,
            "word_count": document.text.chars().count() })
}

async fn write(
    state: &Standin,
    id: String,
    dataset: String,
    body: ByText,
    existing: bool,
) -> Result<Json<Value>, Refusal> {
    let mut datasets = state.datasets().await?;
    let old = datasets.documents.get(&id).cloned();
    if existing && old.is_none() {
        return Err(problem(StatusCode::NOT_FOUND, "document_not_found", "Document not found"));
    }
    let name = body.name.or_else(|| old.as_ref().map(|old| old.name.clone())).unwrap_or_default();
    let text = body.text.or_else(|| old.map(|old| old.text)).unwrap_or_default();
    if name.is_empty() {
        return Err(problem(StatusCode::BAD_REQUEST, "invalid_param", "name is required"));
    }
    let document = Document { dataset, name: name.clone(), text };
    datasets.put(&id, document.clone());
    let snapshot = datasets.snapshot().map_err(internal)?;
    Datasets::save(snapshot, &state.platform.blob).await.map_err(internal)?;
    drop(datasets);
    state.observed.with(|seen| *seen.uploads.entry(name).or_default() += 1);
    Ok(Json(json!({ "document": document_json(&id, &document, "indexing"), "batch": id })))
}

async fn create(
    State(state): State<Standin>,
    Path(dataset): Path<String>,
    headers: HeaderMap,
    Json(body): Json<ByText>,
) -> Result<Json<Value>, Refusal> {
    state.authorized(&headers, true)?;
    write(&state, new_id(), dataset, body, false).await
}

async fn update(
    State(state): State<Standin>,
    Path((dataset, document)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<ByText>,
) -> Result<Json<Value>, Refusal> {
    state.authorized(&headers, true)?;
    write(&state, document, dataset, body, true).await
}

async fn remove(
    State(state): State<Standin>,
    Path((_dataset, document)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, Refusal> {
    state.authorized(&headers, true)?;
    let mut datasets = state.datasets().await?;
    if !datasets.remove(&document) {
        return Err(problem(StatusCode::NOT_FOUND, "document_not_found", "Document not found"));
    }
    let snapshot = datasets.snapshot().map_err(internal)?;
    Datasets::save(snapshot, &state.platform.blob).await.map_err(internal)?;
    drop(datasets);
    state.observed.with(|seen| seen.deletes += 1);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct ListQuery {
    keyword: Option<String>,
    limit: Option<usize>,
}

async fn list(
    State(state): State<Standin>,
    Path(dataset): Path<String>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
) -> Result<Json<Value>, Refusal> {
    state.authorized(&headers, true)?;
    let datasets = state.datasets().await?;
    let keyword = query.keyword.unwrap_or_default();
    let limit = query.limit.unwrap_or(20).clamp(1, 100);
    let found: Vec<Value> = datasets
        .documents
        .iter()
        .filter(|(_, document)| document.dataset == dataset && document.name.contains(&keyword))
        .map(|(id, document)| document_json(id, document, datasets.indexing_status(id).unwrap_or("completed")))
        .collect();
    let total = found.len();
    let page: Vec<Value> = found.into_iter().take(limit).collect();
    Ok(Json(json!({ "data": page, "has_more": total > limit, "limit": limit, "total": total, "page": 1 })))
}

async fn indexing_status(
    State(state): State<Standin>,
    Path((_dataset, batch)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, Refusal> {
    state.authorized(&headers, true)?;
    let datasets = state.datasets().await?;
    let data: Vec<Value> = datasets
        .indexing_status(&batch)
        .map(|status| {
            json!({ "id": batch, "indexing_status": status, "total_segments": 1,
                              "completed_segments": u32::from(status == "completed") })
        })
        .into_iter()
        .collect();
    Ok(Json(json!({ "data": data })))
}

#[derive(Deserialize)]
struct RetrieveRequest {
    query: String,
}

async fn retrieve(
    State(state): State<Standin>,
    Path(dataset): Path<String>,
    headers: HeaderMap,
    Json(request): Json<RetrieveRequest>,
) -> Result<Json<Value>, Refusal> {
    state.authorized(&headers, true)?;
    let datasets = state.datasets().await?;
    let records: Vec<Value> = datasets
        .search(&dataset, "", &request.query, 5)
        .into_iter()
        .map(|hit| {
            let name = datasets.documents.get(&hit.document).map(|document| document.name.clone());
            json!({ "segment": { "content": hit.passage, "document": { "id": hit.document, "name": name } },
                    "score": hit.score })
        })
        .collect();
    Ok(Json(json!({ "query": { "content": request.query }, "records": records })))
}

#[derive(Deserialize)]
struct ChatRequest {
    query: String,
    #[serde(default)]
    inputs: Value,
    user: String,
    #[serde(default)]
    conversation_id: String,
}

async fn chat(
    State(state): State<Standin>,
    headers: HeaderMap,
    Json(request): Json<ChatRequest>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Refusal> {
    state.authorized(&headers, false)?;
    if request.user.is_empty() || request.query.trim().is_empty() {
        return Err(problem(StatusCode::BAD_REQUEST, "invalid_param", "query and user are required"));
    }
    let persona = request.inputs["persona_id"].as_str().unwrap_or_default().to_owned();
    let names: Vec<String> =
        request.inputs["persona_names"].as_str().unwrap_or_default().lines().map(str::to_owned).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let question = yujie_search::without_names(&request.query, &names);
    let dataset = state.account.dataset_id.clone();
    let hits = state.datasets().await?.search(&dataset, &format!("{persona}/"), &question, 2);
    let answer = compose(&request.query, &hits);
    let resources: Vec<Value> = hits
        .iter()
        .enumerate()
        .map(|(position, hit)| json!({ "position": position + 1, "document_id": hit.document, "content": hit.passage, "score": hit.score }))
        .collect();
    let conversation_id = if request.conversation_id.is_empty() { new_id() } else { request.conversation_id };
    let (task_id, message_id) = (new_id(), new_id());
    let observed = state.observed.clone();
    let ids =
        json!({ "task_id": task_id, "message_id": message_id, "id": message_id, "conversation_id": conversation_id });
    let pieces: Vec<String> =
        answer.chars().collect::<Vec<_>>().chunks(CHUNK_CHARS).map(|chunk| chunk.iter().collect()).collect();
    let stream = async_stream(ids, pieces, resources, observed, task_id);
    Ok(Sse::new(stream))
}

/// The reply: said plainly to come from a stand-in, quoting what retrieval found.
fn compose(question: &str, hits: &[yujie_search::Hit]) -> String {
    let mut answer = String::from("【本地替身，非大模型】");
    if hits.is_empty() {
        answer.push_str(&format!("资料里还没有和「{question}」有关的内容。"));
        return answer;
    }
    answer.push_str("资料里是这样写的：");
    for hit in hits {
        answer.push_str(&format!("「{}」", hit.passage));
    }
    answer
}

fn async_stream(
    ids: Value,
    pieces: Vec<String>,
    resources: Vec<Value>,
    observed: Shared<Observed>,
    task_id: String,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let event = |kind: &str, mut data: Value| {
        if let (Some(data), Some(ids)) = (data.as_object_mut(), ids.as_object()) {
            data.insert("event".into(), json!(kind));
            data.extend(ids.clone());
        }
        Ok(Event::default().data(data.to_string()))
    };
    let mut events = vec![Ok(Event::default().data(json!({ "event": "ping" }).to_string()))];
    let pieces_count = pieces.len() as u64;
    events.extend(pieces.into_iter().map(|piece| event("message", json!({ "answer": piece }))));
    events.push(event(
        "message_end",
        json!({ "metadata": { "usage": { "prompt_tokens": 0, "completion_tokens": pieces_count, "total_tokens": pieces_count },
                               "retriever_resources": resources } }),
    ));
    futures::stream::unfold((events.into_iter(), false), move |(mut events, mut first)| {
        let observed = observed.clone();
        let task_id = task_id.clone();
        async move {
            if first {
                tokio::time::sleep(CHUNK_PAUSE).await;
            }
            first = true;
            if observed.with(|seen| seen.stopped_tasks.contains(&task_id)) {
                return None;
            }
            events.next().map(|event| (event, (events, first)))
        }
    })
}

#[derive(Deserialize)]
struct UserBody {
    user: Option<String>,
}

async fn stop(
    State(state): State<Standin>,
    Path(task): Path<String>,
    headers: HeaderMap,
    Json(body): Json<UserBody>,
) -> Result<Json<Value>, Refusal> {
    state.authorized(&headers, false)?;
    if body.user.unwrap_or_default().is_empty() {
        return Err(problem(StatusCode::BAD_REQUEST, "invalid_param", "user is required"));
    }
    state.observed.with(|seen| seen.stopped_tasks.push(task));
    Ok(Json(json!({ "result": "success" })))
}

async fn feedback(
    State(state): State<Standin>,
    Path(message): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Result<Json<Value>, Refusal> {
    state.authorized(&headers, false)?;
    if !matches!(body["rating"].as_str(), Some("like" | "dislike") | None) {
        return Err(problem(StatusCode::BAD_REQUEST, "invalid_param", "rating must be like, dislike or null"));
    }
    state.observed.with(|seen| seen.feedback.push(json!({ "message_id": message, "body": body })));
    Ok(Json(json!({ "result": "success" })))
}
