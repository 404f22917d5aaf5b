//! The stand-in's knowledge base: documents with a BM25 index, written through to the
//! blob store (`standin-ai/datasets.json`) so that a restart keeps them, as a real
//! provider would.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use yujie_blob::Blob;
use yujie_search::{Hit, Index};

const BLOB_KEY: &str = "standin-ai/datasets.json";

#[derive(Clone, Serialize, Deserialize)]
pub struct Document {
    pub dataset: String,
    pub name: String,
    pub text: String,
}

/// Like a real provider, a written document is `indexing` for a moment before it is
/// `completed`, so that clients must wait for it.
pub const INDEXING_TIME: std::time::Duration = std::time::Duration::from_millis(300);

#[derive(Default)]
pub struct Datasets {
    loaded: bool,
    pub documents: BTreeMap<String, Document>,
    index: Index,
    written_at: std::collections::HashMap<String, std::time::Instant>,
}

impl Datasets {
    pub async fn load(&mut self, blob: &Blob) -> anyhow::Result<()> {
        if self.loaded {
            return Ok(());
        }
        if let Some(bytes) = blob.get(BLOB_KEY).await? {
            self.documents = serde_json::from_slice(&bytes)?;
            for (id, document) in &self.documents {
                self.index.upsert(id, &document.text);
            }
        }
        self.loaded = true;
        Ok(())
    }

    pub fn snapshot(&self) -> anyhow::Result<Vec<u8>> {
        Ok(serde_json::to_vec(&self.documents)?)
    }

    pub async fn save(snapshot: Vec<u8>, blob: &Blob) -> anyhow::Result<()> {
        blob.put(BLOB_KEY, snapshot.into(), "application/json").await
    }

    /// `completed` once the document's indexing time has passed, else `indexing`.
    pub fn indexing_status(&self, id: &str) -> Option<&'static str> {
        self.documents.get(id)?;
        let written = self.written_at.get(id).copied();
        Some(if written.is_some_and(|at| at.elapsed() < INDEXING_TIME) { "indexing" } else { "completed" })
    }

    pub fn put(&mut self, id: &str, document: Document) {
        self.written_at.insert(id.to_owned(), std::time::Instant::now());
        self.index.upsert(id, &document.text);
        self.documents.insert(id.to_owned(), document);
    }

    pub fn remove(&mut self, id: &str) -> bool {
        self.index.remove(id);
        self.documents.remove(id).is_some()
    }

    /// Passages of the dataset's indexed documents whose name starts with `prefix`.
    pub fn search(&self, dataset: &str, prefix: &str, query: &str, limit: usize) -> Vec<Hit> {
        self.index.search(query, limit, |id| {
            self.indexing_status(id) == Some("completed")
                && self
                    .documents
                    .get(id)
                    .is_some_and(|document| document.dataset == dataset && document.name.starts_with(prefix))
        })
    }
}
