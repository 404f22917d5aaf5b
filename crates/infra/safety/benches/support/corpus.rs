//! Deterministic benchmark data: a 50,000-word lexicon and a large mixed
//! Chinese/English text. Invented from a seeded generator; no real word list.

use yujie_safety::{Action, Category, Word};

/// A small linear congruential generator: the same data on every run.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// `count` CJK characters spread over the unified block, from `first` on.
pub fn cjk_pool(first: u32, count: u32) -> Vec<char> {
    (0..count).filter_map(|i| char::from_u32(first + i * 5)).collect()
}

/// Syllables of the lexicon's Latin words.
const WORD_SYLLABLES: &[&str] = &["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "qu", "ex"];
/// Syllables of the text's own English-looking words (never a lexicon word).
const TEXT_SYLLABLES: &[&str] = &["the", "an", "ing", "er", "wh", "ou", "be", "fy", "cl", "ad"];

fn latin_word(rng: &mut Lcg, syllables: &[&str], min: usize, max: usize) -> String {
    let len = min + rng.below(max - min + 1);
    let mut word = String::new();
    while word.len() < len {
        word.push_str(syllables[rng.below(syllables.len())]);
    }
    word
}

/// 45,000 CJK words of 2–6 characters and 5,000 Latin words.
pub fn lexicon(words: usize, pool: &[char]) -> Vec<Word> {
    let mut rng = Lcg::new(7);
    (0..words)
        .map(|i| {
            let text: String = if i % 10 == 9 {
                latin_word(&mut rng, WORD_SYLLABLES, 6, 10)
            } else {
                let len = 2 + rng.below(5);
                (0..len).map(|_| *rng.pick(pool)).collect()
            };
            let action = match rng.below(20) {
                0 => Action::Block,
                1 => Action::Review,
                _ => Action::Mask,
            };
            Word::new(text, Category::ALL[i % Category::ALL.len()], action)
        })
        .collect()
}

/// About `bytes` of mixed text: runs of CJK from `pool`, English-looking
/// words, punctuation, spaces and line breaks, and now and then a word of
/// `plant` (every `plant_every` runs; 0 plants none).
pub fn text(bytes: usize, pool: &[char], plant: &[Word], plant_every: usize) -> String {
    let mut rng = Lcg::new(11);
    let mut text = String::with_capacity(bytes + 64);
    let mut run = 0usize;
    while text.len() < bytes {
        run += 1;
        if plant_every > 0 && run.is_multiple_of(plant_every) {
            text.push_str(&rng.pick(plant).text);
        }
        if rng.below(3) == 0 {
            for _ in 0..1 + rng.below(6) {
                text.push_str(&latin_word(&mut rng, TEXT_SYLLABLES, 2, 7));
                text.push(' ');
            }
        } else {
            for _ in 0..4 + rng.below(20) {
                text.push(*rng.pick(pool));
            }
        }
        text.push(*rng.pick(&['，', '。', '！', ' ', '、', '\n', '?', ',']));
    }
    text
}
