//! The per-character rules behind the lookup table: what is dropped, what is
//! folded to what, and what kind of noise a character is.

/// Zero-width, invisible and combining characters: dropped from the normalized
/// sequence, kept in the preceding character's original range.
pub(crate) fn is_ignorable(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x0300..=0x036F
            | 0x180B..=0x180F
            | 0x1AB0..=0x1AFF
            | 0x1DC0..=0x1DFF
            | 0x200B..=0x200F
            | 0x2060..=0x206F
            | 0x20D0..=0x20FF
            | 0xFE00..=0xFE0F
            | 0xFE20..=0xFE2F
            | 0xFEFF
            | 0xE0000..=0xE007F
            | 0xE0100..=0xE01EF
    )
}

pub(crate) fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// One clause or sentence mark, checked after folding (so full-width forms
/// such as `，` arrive here as `,`).
pub(crate) fn is_clause_mark(c: char) -> bool {
    matches!(
        c,
        '。' | '、' | ',' | '.' | '!' | '?' | ';' | ':' | '｡' | '､' | '﹐' | '﹑' | '﹒' | '﹔' | '﹕' | '﹖' | '﹗'
    )
}

/// Full-width ASCII and the ideographic space to ASCII.
pub(crate) fn fold_width(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

/// Lower case; a character whose lower case is several characters keeps the first.
pub(crate) fn fold_case(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn ascii_digit(value: u32) -> char {
    char::from_digit(value, 10).unwrap_or('0')
}

/// Digit styles and Chinese numerals to ASCII digits.
pub(crate) fn fold_digit(c: char) -> char {
    let cp = c as u32;
    let styled = [
        (0x2460, 1, 9),   // ① ..
        (0x2474, 1, 9),   // ⑴ ..
        (0x2488, 1, 9),   // ⒈ ..
        (0x2776, 1, 9),   // ❶ ..
        (0x2780, 1, 9),   // ➀ ..
        (0x278A, 1, 9),   // ➊ ..
        (0x2080, 0, 10),  // ₀ ..
        (0x1D7CE, 0, 50), // mathematical digits, five styles of 0-9
    ];
    for (first, value, count) in styled {
        if (first..first + count).contains(&cp) {
            return ascii_digit((value + cp - first) % 10);
        }
    }
    match c {
        '⓪' | '⓿' | '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴'..='⁹' => ascii_digit(cp - '⁴' as u32 + 4),
        _ => chinese_numeral(c).unwrap_or(c),
    }
}

/// 零〇一二三四五六七八九 and the financial forms 壹贰叁肆伍陆柒捌玖.
/// Traditional forms (貳 陸) reach here already simplified. 參 simplifies to
/// 参, which is not mapped: it is the common character of 参加.
fn chinese_numeral(c: char) -> Option<char> {
    let value = match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    };
    Some(ascii_digit(value))
}

/// Letters that look like Latin ones, checked after lower-casing.
pub(crate) fn fold_look_alike(c: char) -> char {
    match c {
        // Cyrillic
        'а' => 'a',
        'в' => 'b',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'к' => 'k',
        'м' => 'm',
        'н' => 'h',
        'т' => 't',
        'ԁ' => 'd',
        'һ' => 'h',
        'ԛ' => 'q',
        'ԝ' => 'w',
        // Greek
        'ο' => 'o',
        'α' => 'a',
        'ι' => 'i',
        'κ' => 'k',
        'ν' => 'v',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        _ => styled_latin(c).unwrap_or(c),
    }
}

/// Circled, squared and mathematical letters to plain Latin letters.
fn styled_latin(c: char) -> Option<char> {
    let cp = c as u32;
    let letter = |index: u32| char::from_u32('a' as u32 + index);
    match cp {
        0x24D0..=0x24E9 => letter(cp - 0x24D0),                // ⓐ
        0x1F130..=0x1F149 => letter(cp - 0x1F130),             // 🄰
        0x1F150..=0x1F169 => letter(cp - 0x1F150),             // 🅐
        0x1F170..=0x1F189 => letter(cp - 0x1F170),             // 🅰
        0x1D400..=0x1D6A3 => letter((cp - 0x1D400) % 52 % 26), // 𝐀 .. 𝚣
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_fold() {
        for (c, d) in [('①', '1'), ('⑨', '9'), ('⑴', '1'), ('⒐', '9'), ('❶', '1')] {
            assert_eq!(fold_digit(c), d);
        }
        for (c, d) in [('➈', '9'), ('➒', '9'), ('⓪', '0'), ('₇', '7'), ('⁵', '5')] {
            assert_eq!(fold_digit(c), d);
        }
        assert_eq!(fold_digit('𝟘'), '0');
        assert_eq!(fold_digit('𝟿'), '9');
        assert_eq!(fold_digit('⑩'), '⑩');
        assert_eq!(fold_digit('陆'), '6');
        assert_eq!(fold_digit('参'), '参');
    }

    #[test]
    fn styled_letters_fold() {
        assert_eq!(fold_look_alike('ⓑ'), 'b');
        assert_eq!(fold_look_alike('🅱'), 'b');
        assert_eq!(fold_look_alike('𝐛'), 'b');
        assert_eq!(fold_look_alike('𝐁'), 'b');
        assert_eq!(fold_look_alike('𝚣'), 'z');
        assert_eq!(fold_width('Ｂ'), 'B');
        assert_eq!(fold_width('　'), ' ');
    }
}
