//! An in-memory BM25 index over passages, for small corpora (the AI stand-in, tests).

use std::collections::HashMap;

use crate::{idf, passages, query_terms, term_score, terms};

/// Passages are at most this long, so a hit points at the sentence that answers.
const PASSAGE_CHARS: usize = 240;

/// One ranked passage of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub document: String,
    pub passage: String,
    pub score: f64,
}

struct Passage {
    document: String,
    text: String,
    length: u32,
    frequencies: HashMap<String, u32>,
}

/// Documents keyed by id, each cut into passages and ranked by BM25.
#[derive(Default)]
pub struct Index {
    passages: Vec<Passage>,
    /// How many passages contain each term.
    document_frequency: HashMap<String, u64>,
    total_length: u64,
}

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a document.
    pub fn upsert(&mut self, document: &str, text: &str) {
        self.remove(document);
        for passage in passages(text, PASSAGE_CHARS) {
            let mut frequencies: HashMap<String, u32> = HashMap::new();
            let all = terms(&passage);
            for term in &all {
                *frequencies.entry(term.clone()).or_default() += 1;
            }
            for term in frequencies.keys() {
                *self.document_frequency.entry(term.clone()).or_default() += 1;
            }
            let length = u32::try_from(all.len()).unwrap_or(u32::MAX);
            self.total_length += u64::from(length);
            self.passages.push(Passage { document: document.to_owned(), text: passage, length, frequencies });
        }
    }

    pub fn remove(&mut self, document: &str) {
        let (removed, kept): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.passages).into_iter().partition(|passage| passage.document == document);
        self.passages = kept;
        for passage in removed {
            self.total_length -= u64::from(passage.length);
            for term in passage.frequencies.keys() {
                if let Some(count) = self.document_frequency.get_mut(term) {
                    *count -= 1;
                    if *count == 0 {
                        self.document_frequency.remove(term);
                    }
                }
            }
        }
    }

    pub fn contains(&self, document: &str) -> bool {
        self.passages.iter().any(|passage| passage.document == document)
    }

    /// The best `limit` passages for `query` among documents that `filter` keeps, best
    /// first; passages that share no term with the query are left out.
    pub fn search(&self, query: &str, limit: usize, filter: impl Fn(&str) -> bool) -> Vec<Hit> {
        let mut wanted = query_terms(query);
        wanted.sort();
        wanted.dedup();
        let count = self.passages.len() as u64;
        let average = self.total_length as f64 / count.max(1) as f64;
        let weights: Vec<(String, f64)> = wanted
            .into_iter()
            .filter_map(|term| {
                let df = *self.document_frequency.get(&term)?;
                Some((term, idf(count, df)))
            })
            .collect();
        let mut hits: Vec<Hit> = self
            .passages
            .iter()
            .filter(|passage| filter(&passage.document))
            .filter_map(|passage| {
                let score: f64 = weights
                    .iter()
                    .filter_map(|(term, idf)| {
                        let frequency = *passage.frequencies.get(term)?;
                        Some(term_score(*idf, frequency, passage.length, average))
                    })
                    .sum();
                (score > 0.0).then(|| Hit { document: passage.document.clone(), passage: passage.text.clone(), score })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits.truncate(limit);
        hits
    }
}
