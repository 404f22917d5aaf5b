//! One lookup per character: a dense table over the Basic Multilingual Plane
//! (and a small sorted table above it) that gives each character its folded
//! form and its class. Built once, on first use.

mod folding;
mod symbol;

use std::collections::HashMap;
use std::sync::LazyLock;

pub(crate) use symbol::{Class, Symbol};

pub(crate) struct CharTable {
    bmp: Box<[Symbol]>,
    /// Characters above U+FFFF whose symbol differs from [`default_symbol`], sorted.
    astral: Box<[(u32, Symbol)]>,
}

impl CharTable {
    #[inline]
    pub(crate) fn symbol(&self, c: char) -> Symbol {
        match self.bmp.get(c as usize) {
            Some(symbol) => *symbol,
            None => self.astral_symbol(c),
        }
    }

    #[cold]
    fn astral_symbol(&self, c: char) -> Symbol {
        match self.astral.binary_search_by_key(&(c as u32), |(cp, _)| *cp) {
            Ok(i) => self.astral[i].1,
            Err(_) => default_symbol(c),
        }
    }
}

/// The table, built on first use (a few milliseconds).
pub(crate) fn table() -> &'static CharTable {
    static TABLE: LazyLock<CharTable> = LazyLock::new(build_table);
    &TABLE
}

/// Traditional → simplified, one character to one character.
fn traditional_to_simplified() -> HashMap<char, char> {
    const DATA: &str = include_str!("../../data/ts_characters.txt");
    DATA.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut chars = line.split('\t').map(|field| field.chars().next());
            Some((chars.next()??, chars.next()??))
        })
        .collect()
}

fn fold(c: char, t2s: &HashMap<char, char>) -> char {
    let mut c = c;
    // Each step may feed another (Ｂ → B → b, 貳 → 贰 → 2): run to a fixed point.
    for _ in 0..4 {
        let width = folding::fold_width(c);
        let case = folding::fold_case(width);
        let simplified = t2s.get(&case).copied().unwrap_or(case);
        let digit = folding::fold_digit(simplified);
        let next = folding::fold_look_alike(digit);
        if next == c {
            break;
        }
        c = next;
    }
    c
}

fn classify(original: char, t2s: &HashMap<char, char>) -> Symbol {
    if folding::is_ignorable(original) {
        return Symbol::noise(Class::Ignorable);
    }
    let folded = fold(original, t2s);
    let class = if folded.is_alphanumeric() {
        return Symbol::folded(folded);
    } else if folding::is_line_break(folded) {
        Class::LineBreak
    } else if folded.is_whitespace() {
        Class::Space
    } else if folding::is_clause_mark(folded) {
        Class::ClauseMark
    } else {
        Class::Symbol
    };
    Symbol::noise(class)
}

/// The symbol of an astral character that no rule folds.
fn default_symbol(c: char) -> Symbol {
    if c.is_alphanumeric() {
        Symbol::folded(c)
    } else {
        Symbol::noise(Class::Symbol)
    }
}

fn build_table() -> CharTable {
    let t2s = traditional_to_simplified();
    let bmp = (0..=0xFFFF_u32)
        .map(|cp| match char::from_u32(cp) {
            Some(c) => classify(c, &t2s),
            None => Symbol::noise(Class::Symbol),
        })
        .collect();
    // Astral characters that some rule touches: the ranges of the rules plus the
    // traditional characters of the conversion table.
    let ranges = [0x1D400..=0x1D7FF_u32, 0x1F100..=0x1F1FF, 0xE0000..=0xE01EF];
    let mut astral: Vec<(u32, Symbol)> = ranges
        .into_iter()
        .flatten()
        .chain(t2s.keys().map(|c| *c as u32).filter(|cp| *cp > 0xFFFF))
        .filter_map(char::from_u32)
        .map(|c| (c as u32, classify(c, &t2s)))
        .filter(|(cp, symbol)| char::from_u32(*cp).map(default_symbol) != Some(*symbol))
        .collect();
    astral.sort_unstable_by_key(|(cp, _)| *cp);
    astral.dedup_by_key(|(cp, _)| *cp);
    CharTable { bmp, astral: astral.into_boxed_slice() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(c: char) -> (char, Class) {
        let symbol = table().symbol(c);
        (symbol.folded_char().unwrap_or('?'), symbol.class())
    }

    #[test]
    fn folds_and_classes() {
        let significant = [
            ('Ａ', 'a'),
            ('B', 'b'),
            ('發', '发'),
            ('賭', '赌'),
            ('貳', '2'),
            ('陸', '6'),
            ('⑥', '6'),
            ('６', '6'),
            ('А', 'a'),
            ('Ο', 'o'),
            ('𝐛', 'b'),
            ('𪈼', '𱊜'),
            ('微', '微'),
        ];
        for (c, f) in significant {
            assert_eq!(folded(c), (f, Class::Significant), "{c}");
        }
        assert_eq!(folded('\u{200D}').1, Class::Ignorable);
        assert_eq!(folded('\u{0301}').1, Class::Ignorable);
        assert_eq!(folded('\u{E0041}').1, Class::Ignorable);
        assert_eq!(folded('　').1, Class::Space);
        assert_eq!(folded('\u{2028}').1, Class::LineBreak);
        assert_eq!(folded('，').1, Class::ClauseMark);
        assert_eq!(folded('。').1, Class::ClauseMark);
        assert_eq!(folded('@').1, Class::Symbol);
        assert_eq!(folded('👩').1, Class::Symbol);
        assert_eq!(folded('🇨').1, Class::Symbol);
    }
}
