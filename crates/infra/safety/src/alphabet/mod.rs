//! What each original character becomes for one filter.
//!
//! [`FoldedAlphabet`] gives folded characters (words at build time, tests).
//! [`CodedAlphabet`] is a filter's own: every character that occurs in its
//! words gets a short code, every other significant character one shared
//! byte, so the automaton reads fewer bytes and has fewer states.

mod coded;

use crate::chars::{table, Class, Symbol};
pub(crate) use coded::{CodedAlphabet, TooManyCharacters, UNKNOWN};

pub(crate) trait Alphabet {
    fn symbol(&self, c: char) -> Symbol;
}

/// The shared folding table, plus a filter's extra noise characters.
#[derive(Debug, Clone, Default)]
pub(crate) struct FoldedAlphabet {
    /// Folded significant characters treated as noise, sorted.
    extra_noise: Vec<char>,
}

impl FoldedAlphabet {
    pub(crate) fn new(extra_noise: &[char]) -> FoldedAlphabet {
        let table = table();
        let mut extra: Vec<char> = extra_noise.iter().filter_map(|c| table.symbol(*c).folded_char()).collect();
        extra.sort_unstable();
        extra.dedup();
        FoldedAlphabet { extra_noise: extra }
    }
}

impl Alphabet for FoldedAlphabet {
    #[inline]
    fn symbol(&self, c: char) -> Symbol {
        let symbol = table().symbol(c);
        if self.extra_noise.is_empty() {
            return symbol;
        }
        match symbol.folded_char() {
            Some(folded) if self.extra_noise.binary_search(&folded).is_ok() => Symbol::noise(Class::Symbol),
            _ => symbol,
        }
    }
}
