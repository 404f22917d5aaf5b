//! The one validator for every field people write: names, titles, bodies, reasons.
//!
//! Invisible characters (zero-width spaces and joiners, bidi controls, fillers that
//! render as nothing, tag characters) are refused in names, where they let
//! 「冰\u{200B}冰」 pass for 「冰冰」, and stripped elsewhere, keeping what emoji need: the
//! zero-width joiner, variation selectors (❤️) and the tag characters of a flag sequence
//! (🏴 followed by tags). Then the text is put in Unicode NFC, trimmed, and checked for
//! length in characters; text that is empty after that is refused.

use unicode_normalization::UnicodeNormalization as _;

use crate::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// A name people are known by: one line, no invisible characters at all.
    Name,
    /// One line of free text (a title, a reason).
    Line,
    /// Free text with line breaks and tabs (a post, a comment).
    Multiline,
}

const ZERO_WIDTH_JOINER: char = '\u{200D}';
const BLACK_FLAG: char = '\u{1F3F4}';

fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}')
}

fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0000}'..='\u{E007F}')
}

/// Free text without its invisible characters, except those that emoji are made of.
fn strip_invisible(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut previous: Option<char> = None;
    for c in text.chars() {
        let in_flag = is_tag(c) && previous.is_some_and(|p| p == BLACK_FLAG || is_tag(p));
        if !is_invisible(c) || c == ZERO_WIDTH_JOINER || is_variation_selector(c) || in_flag {
            kept.push(c);
            previous = Some(c);
        }
    }
    kept
}

/// Characters that render as nothing (or reorder what follows) and carry no meaning in
/// what people write here.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                  // soft hyphen
        | '\u{034F}'                // combining grapheme joiner
        | '\u{061C}'                // Arabic letter mark
        | '\u{115F}' | '\u{1160}'   // Hangul fillers
        | '\u{17B4}' | '\u{17B5}'   // Khmer inherent vowels
        | '\u{180B}'..='\u{180F}'   // Mongolian selectors and vowel separator
        | '\u{200B}'..='\u{200F}'   // zero-width space, non-joiner, joiner, LRM, RLM
        | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}'   // word joiner, invisible operators, bidi isolates
        | '\u{2800}'                // braille blank
        | '\u{3164}'                // Hangul filler
        | '\u{FE00}'..='\u{FE0F}'   // variation selectors
        | '\u{FEFF}'                // zero-width no-break space
        | '\u{FFA0}'                // half-width Hangul filler
        | '\u{FFF0}'..='\u{FFF8}'
        | '\u{E0000}'..='\u{E007F}' // tags
    )
}

/// Checks and cleans one field: NFC, invisible characters refused (names) or stripped,
/// trimmed, `min..=max` characters, and no control characters except line breaks and
/// tabs in multi-line text.
pub fn user_text(field: &str, raw: &str, min: usize, max: usize, kind: TextKind) -> Result<String, ApiError> {
    let visible: String = match kind {
        // A variation selector only picks a glyph (❤️); everything else invisible is refused.
        TextKind::Name => {
            if raw.chars().any(|c| is_invisible(c) && !is_variation_selector(c)) {
                return Err(ApiError::invalid_field(field, "must not contain invisible characters"));
            }
            raw.to_owned()
        }
        TextKind::Line | TextKind::Multiline => strip_invisible(raw),
    };
    let cleaned: String = visible.nfc().collect();
    let trimmed = cleaned.trim();
    let chars = trimmed.chars().count();
    if chars < min || trimmed.chars().all(|c| c == ZERO_WIDTH_JOINER || is_variation_selector(c)) {
        let message =
            if min <= 1 { "must not be empty".to_owned() } else { format!("must be at least {min} characters") };
        return Err(ApiError::invalid_field(field, message));
    }
    if chars > max {
        return Err(ApiError::invalid_field(field, format!("must be at most {max} characters")));
    }
    let multiline = kind == TextKind::Multiline;
    if trimmed.chars().any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))) {
        return Err(ApiError::invalid_field(field, "must not contain control characters"));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn message(result: Result<String, ApiError>) -> String {
        result.unwrap_err().field_errors()[0].message.clone()
    }

    #[test]
    fn names_refuse_invisible_characters() {
        assert_eq!(
            message(user_text("name", "冰\u{200B}冰", 1, 32, TextKind::Name)),
            "must not contain invisible characters"
        );
        assert!(user_text("name", "a\u{202E}b", 1, 32, TextKind::Name).is_err());
        assert_eq!(user_text("name", " 范冰冰 ", 1, 32, TextKind::Name).unwrap(), "范冰冰");
    }

    #[test]
    fn free_text_is_stripped_and_must_keep_something_visible() {
        assert_eq!(user_text("title", "冰\u{200B}冰\u{FEFF}", 1, 80, TextKind::Line).unwrap(), "冰冰");
        for invisible in ["\u{200B}\u{200C}\u{200D}", "\u{3164}", "\u{2800}\u{2800}", " \u{FEFF} ", "\u{3000}"] {
            assert_eq!(
                message(user_text("text", invisible, 1, 80, TextKind::Multiline)),
                "must not be empty",
                "{invisible:?}"
            );
        }
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(user_text("text", family, 1, 80, TextKind::Multiline).unwrap(), family);
        let scotland = "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        for emoji in ["❤\u{FE0F}", "1\u{FE0F}\u{20E3}", scotland] {
            assert_eq!(user_text("text", emoji, 1, 80, TextKind::Line).unwrap(), emoji, "{emoji:?}");
        }
        // Tag characters outside a flag hide text: stripped.
        assert_eq!(user_text("text", "hi\u{E0069}\u{E0067}", 1, 80, TextKind::Line).unwrap(), "hi");
        assert_eq!(user_text("nickname", "小红❤\u{FE0F}", 1, 20, TextKind::Name).unwrap(), "小红❤\u{FE0F}");
        // Stripping first keeps the result in NFC: e + ZWSP + combining acute becomes é.
        assert_eq!(user_text("text", "e\u{200B}\u{301}", 1, 80, TextKind::Line).unwrap(), "\u{E9}");
    }

    #[test]
    fn text_is_nfc_and_counted_in_characters() {
        // `e` + combining acute becomes one `é`.
        assert_eq!(user_text("name", "Ame\u{301}lie", 1, 6, TextKind::Name).unwrap(), "Amélie");
        assert!(user_text("title", &"字".repeat(81), 1, 80, TextKind::Line).is_err());
        assert!(user_text("text", "a\nb", 1, 80, TextKind::Line).is_err());
        assert_eq!(user_text("text", "a\nb", 1, 80, TextKind::Multiline).unwrap(), "a\nb");
    }
}
