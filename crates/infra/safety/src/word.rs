//! The inputs of [`crate::Filter::build`]: words, options, and what can go wrong.

use crate::category::{Action, Category};

/// One sensitive word of the lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub category: Category,
    pub action: Action,
}

impl Word {
    pub fn new(text: impl Into<String>, category: Category, action: Action) -> Word {
        Word { text: text.into(), category, action }
    }
}

/// How text is normalized.
#[derive(Debug, Clone)]
pub struct Options {
    /// Characters that count as noise although they are letters or digits.
    pub extra_noise: Vec<char>,
    /// A gap of more than this many noise characters is a boundary.
    pub max_gap: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { extra_noise: Vec::new(), max_gap: 8 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("word {0:?} is empty after normalization")]
    EmptyWord(String),
    #[error("allow-list entry {0:?} is empty after normalization")]
    EmptyAllowEntry(String),
    #[error("the words hold more than 64,576 distinct characters")]
    TooManyCharacters,
    #[error("the automaton could not be built: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}
