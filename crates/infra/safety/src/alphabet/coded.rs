//! A filter's own alphabet: short byte codes for the characters of its words.
//!
//! Code bytes are laid out so that a match can only start where a character
//! starts (a pattern never begins with a trail byte):
//! - `0x00–0x3F`: trail bytes;
//! - `0x40–0x7F`: one-byte codes, for the 64 most frequent characters;
//! - `0x80–0xEF` + one trail byte: 7,168 two-byte codes;
//! - `0xF0–0xFD` + two trail bytes: 57,344 three-byte codes;
//! - [`UNKNOWN`]: any significant character that no word holds;
//! - `0xFF`: a boundary ([`crate::normalize::SEPARATOR`]).

use std::collections::HashMap;

use super::{Alphabet, FoldedAlphabet};
use crate::chars::Symbol;

/// Stands for every significant character that occurs in no word.
pub(crate) const UNKNOWN: u8 = 0xFE;

const ONE_BYTE: usize = 64;
const TWO_BYTES: usize = 112 * 64;
const THREE_BYTES: usize = 14 * 64 * 64;

/// More distinct characters in the words than codes.
#[derive(Debug)]
pub(crate) struct TooManyCharacters;

/// The code of the `rank`-th most frequent character.
fn code(rank: usize) -> Option<Vec<u8>> {
    let trail = |value: usize| (value % 64) as u8;
    if rank < ONE_BYTE {
        return Some(vec![0x40 + rank as u8]);
    }
    let rank = rank - ONE_BYTE;
    if rank < TWO_BYTES {
        return Some(vec![0x80 + (rank / 64) as u8, trail(rank)]);
    }
    let rank = rank - TWO_BYTES;
    if rank < THREE_BYTES {
        return Some(vec![0xF0 + (rank / 4096) as u8, trail(rank / 64), trail(rank)]);
    }
    None
}

#[derive(Debug, Default)]
pub(crate) struct CodedAlphabet {
    folded: FoldedAlphabet,
    /// The symbol of every character of the Basic Multilingual Plane; empty
    /// for a filter without words (then every lookup takes the slow way).
    bmp: Box<[Symbol]>,
    /// Codes by folded character, for characters above U+FFFF.
    codes: HashMap<char, Symbol>,
}

impl CodedAlphabet {
    /// Codes `chars` (folded characters, each with how often it occurs in the
    /// words): the most frequent get the shortest codes.
    pub(crate) fn new(folded: FoldedAlphabet, chars: HashMap<char, usize>) -> Result<CodedAlphabet, TooManyCharacters> {
        let mut ranked: Vec<(char, usize)> = chars.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut codes = HashMap::with_capacity(ranked.len());
        for (rank, (c, _)) in ranked.into_iter().enumerate() {
            let bytes = code(rank).ok_or(TooManyCharacters)?;
            codes.insert(c, Symbol::coded(&bytes, c.is_ascii_alphanumeric()));
        }
        let mut alphabet = CodedAlphabet { folded, bmp: Box::default(), codes };
        alphabet.bmp = (0..=0xFFFF_u32)
            .map(|cp| match char::from_u32(cp) {
                Some(c) => alphabet.slow_symbol(c),
                None => Symbol::noise(crate::chars::Class::Symbol),
            })
            .collect();
        Ok(alphabet)
    }

    /// The normalized bytes of a folded character of the words.
    pub(crate) fn code_of(&self, folded: char) -> Option<Symbol> {
        self.codes.get(&folded).copied()
    }

    #[cold]
    fn slow_symbol(&self, c: char) -> Symbol {
        let symbol = self.folded.symbol(c);
        match symbol.folded_char() {
            Some(folded) => self
                .codes
                .get(&folded)
                .copied()
                .unwrap_or_else(|| Symbol::coded(&[UNKNOWN], folded.is_ascii_alphanumeric())),
            None => symbol,
        }
    }
}

impl Alphabet for CodedAlphabet {
    #[inline]
    fn symbol(&self, c: char) -> Symbol {
        match self.bmp.get(c as usize) {
            Some(symbol) => *symbol,
            None => self.slow_symbol(c),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn codes_are_distinct_and_self_synchronizing() {
        let samples = [0, 63, 64, 65, 64 + 7167, 64 + 7168, 64 + 7168 + 57343];
        let codes: Vec<Vec<u8>> = samples.iter().filter_map(|r| code(*r)).collect();
        assert_eq!(codes.len(), samples.len());
        for bytes in &codes {
            assert!(bytes[0] >= 0x40 && bytes[0] < UNKNOWN);
            assert!(bytes[1..].iter().all(|b| *b < 0x40));
        }
        assert_eq!(code(64 + 7168 + 57344), None);
    }

    #[test]
    fn frequent_characters_get_short_codes() {
        let chars = HashMap::from([('微', 9), ('信', 1), ('a', 5)]);
        let alphabet = CodedAlphabet::new(FoldedAlphabet::default(), chars).unwrap();
        assert_eq!(alphabet.symbol('微').width(), 1);
        assert_eq!(alphabet.symbol('A'), alphabet.symbol('a'));
        assert!(alphabet.symbol('a').is_ascii_alphanumeric());
        let unknown = alphabet.symbol('z');
        assert!(unknown.is_significant() && unknown.is_ascii_alphanumeric());
        assert_eq!(unknown.key(), alphabet.symbol('好').key());
        assert_eq!(alphabet.symbol('𝐚'), alphabet.symbol('a'));
    }
}
