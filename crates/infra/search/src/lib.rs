//! Ranked text retrieval that works for Chinese without a dictionary.
//!
//! Chinese has no spaces, so a text is cut into overlapping character bigrams (plus the
//! single characters, for one-character questions) and Latin words; a query is cut the
//! same way and passages are ranked by BM25 (Okapi, k1 = 1.2, b = 0.75). Bigrams are
//! the usual dictionary-free choice for Chinese search (Lucene's CJK analyzer does the
//! same), and they need nothing installed, so the same ranking runs over an in-memory
//! [`Index`] (the AI stand-in) and over postings kept in SQL (the companion).

mod index;
mod tokens;

pub use index::{Hit, Index};
pub use tokens::{passages, query_terms, terms, without_names};

/// BM25's term-frequency saturation.
const K1: f64 = 1.2;
/// BM25's length normalisation.
const B: f64 = 0.75;

/// How rare a term is among `documents`, of which `with_term` contain it.
pub fn idf(documents: u64, with_term: u64) -> f64 {
    let (n, df) = (documents as f64, with_term as f64);
    ((n - df + 0.5) / (df + 0.5) + 1.0).ln()
}

/// One term's contribution to a passage's score.
pub fn term_score(idf: f64, frequency: u32, length: u32, average_length: f64) -> f64 {
    let tf = f64::from(frequency);
    let norm = 1.0 - B + B * f64::from(length) / average_length.max(1.0);
    idf * tf * (K1 + 1.0) / (tf + K1 * norm)
}
