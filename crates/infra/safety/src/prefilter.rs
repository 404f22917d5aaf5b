//! A prefilter in front of the automaton: where can a word (or allow-list
//! entry) start? Only at a normalized character that, together with the next
//! one, begins some pattern. Those pairs go into a hashed bit set; the scan
//! tests each pair as it normalizes and runs the automaton only on short
//! windows from the positions that pass. False positives cost a window,
//! never a miss.

/// The unit id of a boundary in pairs; character ids are [`crate::chars::Symbol::key`]s (26 bits).
pub(crate) const SEPARATOR_ID: u32 = 1 << 26;
/// Stands for "any next unit" in the id of a one-character pattern.
const SINGLE_ID: u32 = 1 << 27;

#[derive(Debug, Default)]
pub(crate) struct StartFilter {
    bits: Vec<u64>,
    shift: u32,
    has_single: bool,
}

#[inline]
fn hash(first: u32, second: u32) -> u32 {
    (first.wrapping_mul(0x9E37_79B1) ^ second).wrapping_mul(0x85EB_CA6B)
}

impl StartFilter {
    /// `starts`: the first unit id of each pattern and its second (`None` for a
    /// one-character pattern).
    pub(crate) fn new(starts: &[(u32, Option<u32>)]) -> StartFilter {
        // About 64 bits per pattern start: one false positive in ~64 pairs.
        let wanted = (starts.len().max(1) * 64).next_power_of_two().clamp(1 << 12, 1 << 24);
        let log2 = wanted.trailing_zeros();
        let mut filter = StartFilter { bits: vec![0; wanted / 64], shift: 32 - log2, has_single: false };
        for (first, second) in starts {
            let h = match second {
                Some(second) => hash(*first, *second),
                None => {
                    filter.has_single = true;
                    hash(*first, SINGLE_ID)
                }
            };
            let bit = (h >> filter.shift) as usize;
            if let Some(word) = filter.bits.get_mut(bit / 64) {
                *word |= 1 << (bit % 64);
            }
        }
        filter
    }

    #[inline]
    fn test(&self, h: u32) -> bool {
        let bit = (h >> self.shift) as usize;
        self.bits.get(bit / 64).is_some_and(|word| word >> (bit % 64) & 1 == 1)
    }

    /// Whether a pattern of two or more units may start with `first, second`.
    #[inline]
    pub(crate) fn may_start_pair(&self, first: u32, second: u32) -> bool {
        self.test(hash(first, second))
    }

    /// Whether `unit` may be a whole one-character pattern.
    #[inline]
    pub(crate) fn may_be_single(&self, unit: u32) -> bool {
        self.has_single && self.test(hash(unit, SINGLE_ID))
    }
}

/// Merges candidate starts (ascending) into disjoint windows of normalized
/// bytes that hold every pattern occurrence starting at a candidate.
pub(crate) fn windows(candidates: &[usize], max_pattern_bytes: usize, len: usize) -> Vec<std::ops::Range<usize>> {
    let mut windows: Vec<std::ops::Range<usize>> = Vec::new();
    for start in candidates {
        let end = (start + max_pattern_bytes).min(len);
        match windows.last_mut() {
            Some(last) if *start <= last.end => last.end = last.end.max(end),
            _ => windows.push(*start..end),
        }
    }
    windows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_pass_others_mostly_do_not() {
        let starts: Vec<(u32, Option<u32>)> = (0..1000).map(|i| (i, Some(i + 1))).chain([(7, None)]).collect();
        let filter = StartFilter::new(&starts);
        assert!((0..1000).all(|i| filter.may_start_pair(i, i + 1)));
        assert!(filter.may_be_single(7));
        let false_positives = (0..1000).filter(|i| filter.may_start_pair(*i, i + 2)).count();
        assert!(false_positives < 50, "{false_positives}");
        assert!(!StartFilter::default().may_start_pair(1, 2));
    }

    #[test]
    fn windows_merge() {
        assert_eq!(windows(&[0, 2, 10, 10, 30], 6, 33), vec![0..8, 10..16, 30..33]);
        assert!(windows(&[], 6, 10).is_empty());
    }
}
