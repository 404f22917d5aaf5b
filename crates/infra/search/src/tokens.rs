//! Cutting text into index terms and into passages.

use unicode_normalization::UnicodeNormalization as _;

/// Single characters that carry no meaning on their own in a question; they are kept
/// inside bigrams (「的书」) but not indexed alone.
const STOP_CHARS: &str = "的了是在和与及或也都就还而吗呢吧啊呀哦嘛么什谁哪怎样个这那她他它你我们有没";

/// Question words, longest first, and what stands for them in a query. Statements rarely
/// contain 「什么时候」 or 「哪一年」, so their bigrams (and the bigrams they form with their
/// neighbours, 「演什」) would be rare, highly weighted terms that match only passages which
/// happen to quote a question; a question about a date keeps the date's unit instead.
const QUESTION_WORDS: &[(&str, &str)] = &[
    ("什么时候", "年月日"),
    ("几月几号", "月日"),
    ("几月几日", "月日"),
    ("哪一年", "年"),
    ("哪一天", "日"),
    ("为什么", ""),
    ("什么样", ""),
    ("怎么样", ""),
    ("是不是", ""),
    ("有没有", ""),
    ("哪年", "年"),
    ("哪天", "日"),
    ("几号", "日"),
    ("什么", ""),
    ("怎么", ""),
    ("哪里", ""),
    ("哪儿", ""),
    ("哪个", ""),
    ("哪些", ""),
    ("哪部", ""),
    ("哪首", ""),
    ("哪本", ""),
    ("哪位", ""),
    ("多少", ""),
];

/// The terms of a question: [`terms`] after its question words are taken out (see
/// [`QUESTION_WORDS`]), so they neither match on their own nor join their neighbours.
pub fn query_terms(question: &str) -> Vec<String> {
    let mut text = question.nfkc().collect::<String>();
    for (word, unit) in QUESTION_WORDS {
        let replacement: String = unit.chars().flat_map(|c| [' ', c]).chain([' ']).collect();
        text = text.replace(word, &replacement);
    }
    terms(&text)
}

/// A question asked about one subject, without the subject's names: when the search is
/// already limited to that subject's documents its name carries no information, but a
/// name (「神仙姐姐」, four characters and three bigrams) outweighs the rest of a short
/// question, so the passage listing the aliases would rank first. Longer names go first
/// («范冰冰» before «冰冰»); matching ignores case and full-width forms.
pub fn without_names(question: &str, names: &[&str]) -> String {
    let fold = |text: &str| text.nfkc().flat_map(char::to_lowercase).collect::<String>();
    let mut names: Vec<String> = names.iter().map(|name| fold(name.trim())).filter(|name| !name.is_empty()).collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
    let mut text = fold(question);
    for name in &names {
        text = text.replace(name.as_str(), " ");
    }
    text
}

/// The index terms of a text: CJK bigrams and single characters, Latin words and numbers,
/// all after NFKC (full-width forms fold to ASCII) and lower-casing.
pub fn terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut word = String::new();
    let mut previous_cjk: Option<char> = None;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        if is_cjk(c) {
            flush(&mut word, &mut terms);
            if !STOP_CHARS.contains(c) {
                terms.push(c.to_string());
            }
            if let Some(previous) = previous_cjk {
                terms.push([previous, c].iter().collect());
            }
            previous_cjk = Some(c);
        } else if c.is_alphanumeric() {
            previous_cjk = None;
            word.push(c);
        } else {
            previous_cjk = None;
            flush(&mut word, &mut terms);
        }
    }
    flush(&mut word, &mut terms);
    terms
}

fn flush(word: &mut String, terms: &mut Vec<String>) {
    if !word.is_empty() {
        terms.push(std::mem::take(word));
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // kana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0x20000..=0x2FA1F) // extensions B and later
}

/// Cuts a document into passages of at most `max_chars` characters: at blank lines and
/// line ends first, then at sentence ends (。！？!?；;) when a line is longer.
pub fn passages(text: &str, max_chars: usize) -> Vec<String> {
    let mut passages = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if line.chars().count() <= max_chars {
            passages.push(line.to_owned());
            continue;
        }
        let mut current = String::new();
        for c in line.chars() {
            current.push(c);
            let full = current.chars().count() >= max_chars;
            if full || ("。！？!?；;".contains(c) && current.chars().count() >= max_chars / 2) {
                passages.push(std::mem::take(&mut current).trim().to_owned());
            }
        }
        if !current.trim().is_empty() {
            passages.push(current.trim().to_owned());
        }
    }
    passages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_cut_into_characters_and_bigrams() {
        assert_eq!(terms("电影演员"), ["电", "影", "电影", "演", "影演", "员", "演员"]);
    }

    #[test]
    fn stop_characters_stay_inside_bigrams_only() {
        assert_eq!(terms("她的"), ["她的"]);
    }

    #[test]
    fn latin_words_and_full_width_forms_fold() {
        assert_eq!(terms("Hello ＷＯＲＬＤ, 2024年"), ["hello", "world", "2024", "年"]);
    }

    #[test]
    fn question_words_are_taken_out_of_queries() {
        assert_eq!(query_terms("她唱过什么歌"), ["唱", "她唱", "过", "唱过", "歌"]);
        assert_eq!(query_terms("哪年出道"), ["年", "出", "道", "出道"]);
    }

    #[test]
    fn names_are_taken_out_of_questions() {
        assert_eq!(without_names("范冰冰和冰冰", &["冰冰", "范冰冰"]), " 和 ");
        assert_eq!(without_names("FAYE WONG的歌", &["Faye Wong"]), " 的歌");
    }

    #[test]
    fn long_lines_are_cut_at_sentence_ends() {
        let text = "第一句话很长很长。第二句话也很长很长。\n\n短行";
        assert_eq!(passages(text, 12), ["第一句话很长很长。", "第二句话也很长很长。", "短行"]);
    }
}
