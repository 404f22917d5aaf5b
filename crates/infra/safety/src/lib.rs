//! Sensitive-word matching: normalization with a position map, one automaton,
//! allow-list, masking, streamed text.
//!
//! A [`Filter`] is built once from a lexicon of [`Word`]s and an allow-list,
//! then shared (`Arc<Filter>`) by every request. [`Filter::check`] gives a
//! [`Verdict`]: the hits with their byte ranges in the original text, the
//! strictest [`Action`], and the text with hits masked. [`StreamFilter`] does
//! the same for text that arrives in chunks. The crate ships no word list.
//!
//! # Normalization
//!
//! Words (at build time) and text (at scan time) are normalized identically,
//! character by character, into a sequence of significant characters and
//! boundaries; each normalized character remembers the original bytes it came
//! from.
//!
//! 1. **Ignorable** characters are dropped; they are not noise and never make a
//!    gap: zero-width and invisible characters (U+200B–U+200F, U+2060–U+206F,
//!    U+FEFF, U+00AD, U+034F, U+180B–U+180F, variation selectors, tags) and
//!    combining marks (U+0300–U+036F, U+1AB0–U+1AFF, U+1DC0–U+1DFF,
//!    U+20D0–U+20FF, U+FE20–U+FE2F). One that directly follows a significant
//!    character belongs to that character's original range, so masking covers
//!    a letter together with its marks.
//! 2. **Case and width**: lower case; full-width ASCII to ASCII; the
//!    ideographic space to a space.
//! 3. **Digits**: ①–⑨ ⑴–⑼ ⒈–⒐ ❶–❾ ➀–➈ ➊–➒ ⓪, full-width, superscript,
//!    subscript and mathematical digits, and the Chinese numerals
//!    零〇一二三四五六七八九 壹贰叁肆伍陆柒捌玖 (貳 陸 via rule 4) become ASCII
//!    digits. ⑩ and above stay as they are. 參 simplifies to 参 and stays 参
//!    (it is the common character of 参加); the numeral three is 叁.
//! 4. **Traditional → simplified**, one character to one character, from
//!    OpenCC's character table (`data/ts_characters.txt`, Apache-2.0).
//! 5. **Look-alikes**: Cyrillic а в е о р с у х і ј ѕ к м н т ԁ һ ԛ ԝ and
//!    Greek ο α ι κ ν ρ τ υ χ become the Latin letters they look like; so do
//!    circled (ⓐ), squared (🄰 🅐 🅰) and mathematical (𝐚 𝒂 …) letters.
//! 6. **Significant** characters are the alphanumeric ones after folding,
//!    minus [`Options::extra_noise`]. Everything else (punctuation, symbols,
//!    emoji, whitespace) is noise.
//! 7. **Gaps**: the noise between two significant characters
//!    - empty: they join;
//!    - containing a line break, or longer than [`Options::max_gap`]
//!      characters: boundary;
//!    - whitespace only: boundary between two ASCII letters or digits (Latin
//!      word separation), else skipped — `微 信` joins, `this is` does not;
//!    - exactly one clause or sentence mark (`。，、！？；：,.!?;:` and their
//!      full-width and small forms), maybe with whitespace around it:
//!      boundary, so natural writing like `办法。轮到你` does not give `法轮`;
//!      note that `b.a.d` is therefore three separate letters;
//!    - anything else (symbols, several marks, mixed): skipped, so
//!      `微@!!%。信` and `b..a..d` join.
//! 8. **Repeats collapse**: a significant character equal to the previous one
//!    (across an empty or skipped gap, not across a boundary) is dropped and
//!    its original bytes join the previous character's range. Words collapse
//!    the same way: a word `哈哈哈` is `哈`.
//!
//! # Matching
//!
//! All occurrences, overlapping ones included, of every word in the
//! normalized sequence are found by one Aho–Corasick automaton built over the
//! words and the allow-list entries together. A word occurrence lying inside
//! an occurrence of an allow-list entry is dropped. A hit's [`Hit::range`]
//! runs from the original start of its first normalized character to the
//! original end of its last (repeats and trailing ignorables included).
//! Several words with the same normalized text are one pattern: its hits
//! report the first of them with the strictest action. A word that itself
//! holds a boundary (`bad word`, two Latin words) matches text with a
//! boundary at the same place; no word matches across a boundary it does not
//! hold.
//!
//! Clean text takes the fast path: one lookup per character in the filter's
//! own table (every character that occurs in a word has a one- to three-byte
//! code, every other significant character one shared byte), normalization
//! into a reused buffer with no position map, and a prefilter that marks the
//! places where the first two characters begin some pattern; the automaton
//! runs only on short windows from those places. Only when a word occurs is
//! the position map worked out, from a checkpoint shortly before it.
//!
//! # Streamed text
//!
//! [`StreamFilter`] keeps the text not released yet and scans it on every
//! chunk. It releases only what no later chunk can change: everything before
//! the last `max(longest word or allow-list entry − 1, 1)` normalized
//! characters, moved back to the start of any occurrence that crosses that
//! point (all of it once the text ends at a certain boundary, such as a line
//! break). Released text is masked exactly as [`Verdict::masked`] masks the
//! whole text: for any chunking, the emitted text put together equals
//! `filter.check(whole).masked(whole)` when no Block or Review word occurs.
//! A Block or Review occurrence ends the stream once it is settled (it lies
//! wholly in the part that could be released), at the latest on
//! [`StreamFilter::finish`]; nothing from it on is ever emitted. A chain of
//! overlapping occurrences is held back whole, however long it gets.

mod alphabet;
mod category;
mod chars;
mod filter;
mod hit;
mod matching;
mod normalize;
mod positions;
mod prefilter;
mod stream;
#[doc(hidden)]
pub mod testing;
mod word;

pub use category::{Action, Category};
pub use filter::Filter;
pub use hit::{Hit, Verdict};
pub use stream::{StreamFilter, StreamStep};
pub use word::{BuildError, Options, Word};

#[doc(hidden)]
pub use testing::normalize_for_tests;
