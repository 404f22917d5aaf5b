//! The run of noise between two significant characters, and whether it joins
//! them or separates them.

use crate::chars::{Class, Symbol};

/// Counts of the noise characters seen since the last significant character.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Gap {
    len: u32,
    clause_marks: u32,
    symbols: u32,
    line_break: bool,
}

impl Gap {
    #[inline]
    pub(crate) fn add(&mut self, class: Class) {
        self.len = self.len.saturating_add(1);
        match class {
            Class::LineBreak => self.line_break = true,
            Class::ClauseMark => self.clause_marks = self.clause_marks.saturating_add(1),
            Class::Symbol => self.symbols = self.symbols.saturating_add(1),
            Class::Space | Class::Significant | Class::Ignorable => {}
        }
    }

    fn longer_than(&self, max_gap: usize) -> bool {
        usize::try_from(self.len).map_or(true, |len| len > max_gap)
    }

    /// A boundary whatever significant characters surround the gap.
    pub(crate) fn is_certain_boundary(&self, max_gap: usize) -> bool {
        self.line_break || self.longer_than(max_gap)
    }

    /// Whether the gap between `before` and `after` is a boundary:
    /// - empty: no;
    /// - a line break in it, or more than `max_gap` characters: yes;
    /// - whitespace only: yes between two ASCII letters or digits, else no;
    /// - exactly one clause mark, maybe with whitespace around it: yes;
    /// - anything else (symbols, several marks): no.
    #[inline]
    pub(crate) fn is_boundary(&self, before: Symbol, after: Symbol, max_gap: usize) -> bool {
        if self.len == 0 {
            return false;
        }
        if self.is_certain_boundary(max_gap) {
            return true;
        }
        if self.symbols == 0 && self.clause_marks == 0 {
            return before.is_ascii_alphanumeric() && after.is_ascii_alphanumeric();
        }
        self.symbols == 0 && self.clause_marks == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(classes: &[Class]) -> Gap {
        let mut gap = Gap::default();
        for class in classes {
            gap.add(*class);
        }
        gap
    }

    fn is_boundary(gap: Gap, before: char, after: char, max_gap: usize) -> bool {
        gap.is_boundary(Symbol::folded(before), Symbol::folded(after), max_gap)
    }

    #[test]
    fn rules() {
        use Class::*;
        assert!(!is_boundary(gap(&[]), 'a', 'b', 8));
        assert!(is_boundary(gap(&[Space]), 'a', 'b', 8));
        assert!(!is_boundary(gap(&[Space]), '微', '信', 8));
        assert!(!is_boundary(gap(&[Space]), 'a', '信', 8));
        assert!(is_boundary(gap(&[LineBreak]), '微', '信', 8));
        assert!(is_boundary(gap(&[ClauseMark]), '法', '轮', 8));
        assert!(is_boundary(gap(&[Space, ClauseMark, Space]), '法', '轮', 8));
        assert!(!is_boundary(gap(&[ClauseMark, ClauseMark]), '法', '轮', 8));
        assert!(!is_boundary(gap(&[Symbol, ClauseMark]), '法', '轮', 8));
        assert!(!is_boundary(gap(&[Symbol; 8]), '法', '轮', 8));
        assert!(is_boundary(gap(&[Symbol; 9]), '法', '轮', 8));
        assert!(is_boundary(gap(&[Space; 9]), '法', '轮', 8));
    }
}
