//! [`Symbol`]: what one original character becomes, packed in 32 bits.

/// The class of a character after folding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Alphanumeric: part of the normalized sequence.
    Significant = 0,
    /// Dropped; belongs to the preceding character.
    Ignorable = 1,
    Space = 2,
    LineBreak = 3,
    /// One clause or sentence mark: `。，、！？；：,.!?;:`.
    ClauseMark = 4,
    /// Any other punctuation, symbol or emoji.
    Symbol = 5,
}

const PAYLOAD_MASK: u32 = (1 << 24) - 1;
const LEN_SHIFT: u32 = 24;
const KEY_MASK: u32 = (1 << 26) - 1;
const CLASS_SHIFT: u32 = 26;
const ASCII_BIT: u32 = 1 << 29;

/// A character's class and normalized form. The normalized form is either the
/// folded character itself (written as UTF-8) or, in a filter's own alphabet,
/// a code of one to three bytes (see [`crate::alphabet`]). Layout: payload in
/// bits 0–23 (the character, or the code bytes little-endian), code length in
/// bits 24–25 (0: the payload is a character), class in bits 26–28, and bit
/// 29 set for an ASCII letter or digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Symbol(u32);

impl Symbol {
    /// A noise or ignorable character.
    pub(crate) fn noise(class: Class) -> Symbol {
        Symbol((class as u32) << CLASS_SHIFT)
    }

    /// A significant character, normalized to itself.
    pub(crate) fn folded(c: char) -> Symbol {
        Symbol(c as u32 | ascii_bit(c.is_ascii_alphanumeric()))
    }

    /// A significant character normalized to `bytes` (one to three).
    pub(crate) fn coded(bytes: &[u8], ascii: bool) -> Symbol {
        let mut payload = [0u8; 4];
        let len = bytes.len().min(3);
        payload[..len].copy_from_slice(&bytes[..len]);
        Symbol(u32::from_le_bytes(payload) | (len as u32) << LEN_SHIFT | ascii_bit(ascii))
    }

    #[inline]
    pub(crate) fn is_significant(self) -> bool {
        self.0 >> CLASS_SHIFT & 0b111 == Class::Significant as u32
    }

    #[inline]
    pub(crate) fn class(self) -> Class {
        match self.0 >> CLASS_SHIFT & 0b111 {
            0 => Class::Significant,
            1 => Class::Ignorable,
            2 => Class::Space,
            3 => Class::LineBreak,
            4 => Class::ClauseMark,
            _ => Class::Symbol,
        }
    }

    /// Equal for equal normalized forms: what repeats are collapsed by.
    #[inline]
    pub(crate) fn key(self) -> u32 {
        self.0 & KEY_MASK
    }

    /// A significant character that no word holds, in a filter's own alphabet: all of
    /// them share one code, so they must never be collapsed as repeats of each other.
    #[inline]
    pub(crate) fn is_unknown(self) -> bool {
        self.code_len() == 1 && self.0 & 0xFF == u32::from(crate::alphabet::UNKNOWN)
    }

    #[inline]
    pub(crate) fn is_ascii_alphanumeric(self) -> bool {
        self.0 & ASCII_BIT != 0
    }

    #[inline]
    fn code_len(self) -> usize {
        (self.0 >> LEN_SHIFT & 0b11) as usize
    }

    /// The folded character, for a significant symbol that is one.
    pub(crate) fn folded_char(self) -> Option<char> {
        if self.is_significant() && self.code_len() == 0 {
            char::from_u32(self.0 & PAYLOAD_MASK)
        } else {
            None
        }
    }

    /// Appends the normalized bytes.
    #[inline]
    pub(crate) fn write(self, out: &mut Vec<u8>) {
        let len = self.code_len();
        if len == 0 {
            let c = char::from_u32(self.0 & PAYLOAD_MASK).unwrap_or('\u{FFFD}');
            let mut buffer = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
        } else {
            // Pushes, not a copy of a variable length (which calls memmove).
            let [first, second, third, _] = self.0.to_le_bytes();
            out.push(first);
            if len > 1 {
                out.push(second);
                if len > 2 {
                    out.push(third);
                }
            }
        }
    }

    /// The number of normalized bytes.
    #[inline]
    pub(crate) fn width(self) -> usize {
        match self.code_len() {
            0 => char::from_u32(self.0 & PAYLOAD_MASK).map_or(3, char::len_utf8),
            len => len,
        }
    }
}

fn ascii_bit(ascii: bool) -> u32 {
    if ascii {
        ASCII_BIT
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing() {
        let s = Symbol::folded('微');
        assert!(s.is_significant());
        assert_eq!(s.folded_char(), Some('微'));
        assert!(!s.is_ascii_alphanumeric());
        assert_eq!(s.width(), 3);
        let coded = Symbol::coded(&[0x81, 0x05], true);
        assert!(coded.is_significant() && coded.is_ascii_alphanumeric());
        assert_eq!(coded.folded_char(), None);
        let mut out = Vec::new();
        coded.write(&mut out);
        s.write(&mut out);
        assert_eq!(out, [&[0x81, 0x05][..], "微".as_bytes()].concat());
        assert_eq!(coded.width(), 2);
        assert_ne!(coded.key(), Symbol::coded(&[0x81, 0x06], true).key());
        assert_eq!(Symbol::noise(Class::ClauseMark).class(), Class::ClauseMark);
        assert!(!Symbol::noise(Class::Ignorable).is_significant());
        assert_eq!(Symbol::noise(Class::Space).folded_char(), None);
    }
}
