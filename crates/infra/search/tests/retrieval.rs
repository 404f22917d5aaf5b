//! Retrieval quality on a realistic fan-community corpus: each question, asked to one
//! persona (hits filtered by the persona's id prefix, as the product does, and the
//! persona's own name and aliases taken out of the question), must find the passage that
//! answers it first.

mod fixture;

use fixture::{documents, Persona, PERSONAS};
use yujie_search::{without_names, Hit, Index};

/// (persona id, question, a substring the first passage must contain).
const CASES: &[(&str, &str, &str)] = &[
    ("fanbingbing", "范爷在哪部好莱坞电影里演过变种人？", "X战警"),
    ("fanbingbing", "她２０１７年当过哪个电影节的评审？", "戛纳"),
    ("fanbingbing", "她的粉丝见面会在哪天？", "10月8日"),
    ("fanbingbing", "她演过金锁吗？", "还珠格格"),
    ("fanbingbing", "冰冰的慈善基金帮助什么孩子？", "心脏病"),
    ("fanbingbing", "她凭哪部电影拿了东京电影节影后？", "观音山"),
    ("fanbingbing", "她在柏林电影节首映的新片叫什么", "绿夜"),
    ("zhouxun", "她演过哪部电影讲宫廷的？", "夜宴"),
    ("zhouxun", "她演过林徽因吗？", "人间四月天"),
    ("zhouxun", "周公子唱过什么歌？", "飘摇"),
    ("zhouxun", "她哪一年拿的金马奖影后？", "李米的猜想"),
    ("zhouxun", "她是联合国的什么大使", "开发计划署"),
    ("zhouxun", "她的生日是几月几号？", "10月18日"),
    ("zhouxun", "她在画皮里演什么", "小唯"),
    ("wangfei", "她什么时候开演唱会？", "2016年12月30日"),
    ("wangfei", "王靖雯是哪一年出道的？", "1989年"),
    ("wangfei", "她和谁一起发起了嫣然天使基金？", "李亚鹏"),
    ("wangfei", "Eyes on Me是哪个游戏的主题曲？", "最终幻想"),
    ("wangfei", "她哪年上春晚和那英合唱？", "相约一九九八"),
    ("wangfei", "她给流浪地球2唱了什么歌", "人是_"),
    ("wangfei", "FAYE WONG 的吉尼斯纪录是什么", "吉尼斯"),
    ("liuyifei", "她的代表作是什么", "代表作："),
    ("liuyifei", "她在Mulan里演谁？", "饰演花木兰"),
    ("liuyifei", "神仙姐姐演过小龙女吗？", "小龙女"),
    ("liuyifei", "花木兰的首映礼是哪天？", "3月9日"),
    ("liuyifei", "她为了演花木兰做了哪些训练？", "武术"),
    ("liuyifei", "Crystal Liu上过哪本杂志的封面？", "Vogue"),
    ("liuyifei", "她是哪个学校毕业的？", "北京电影学院"),
    ("liuyifei", "她在梦华录里演谁？", "赵盼儿"),
    ("liuyifei", "2008年她和成龙拍了什么电影？", "功夫之王"),
];

/// Questions that lexical ranking gets wrong, kept to measure an improvement (asked as
/// is, without taking the names out). A title is seven terms (its characters and pairs),
/// so the short 代表作 line that merely lists 《重庆森林》 outranks the longer line that says
/// whom she played, whose only other shared term, 「演」/「饰演」, is in most passages; and an
/// alias in the question ranks the 别名 line first unless the names are taken out.
const KNOWN_LIMITS: &[(&str, &str, &str)] = &[
    ("wangfei", "她在重庆森林里演什么角色？", "阿菲"),
    ("wangfei", "她在重庆森林里饰演谁？", "阿菲"),
    ("zhouxun", "周公子唱过什么歌？", "飘摇"),
    ("liuyifei", "神仙姐姐演过小龙女吗？", "小龙女"),
];

/// (persona id, question about another persona's fact, a substring no hit may contain).
const ABSENT: &[(&str, &str, &str)] = &[
    ("zhouxun", "她和谁一起发起了嫣然天使基金？", "李亚鹏"),
    ("liuyifei", "她在X战警里演谁？", "闪烁"),
    ("fanbingbing", "她在Mulan里演谁？", "花木兰"),
    ("wangfei", "她演过林徽因吗？", "林徽因"),
    ("wangfei", "神仙姐姐演过小龙女吗？", "小龙女"),
    ("liuyifei", "她什么时候开演唱会？", "演唱会"),
];

fn corpus() -> Index {
    let mut index = Index::new();
    for (id, text) in documents() {
        index.upsert(&id, &text);
    }
    index
}

fn persona(id: &str) -> &'static Persona {
    PERSONAS.iter().find(|persona| persona.id == id).unwrap_or_else(|| panic!("no persona {id}"))
}

/// The question as the product asks it: about one persona, within that persona's documents.
fn ask(index: &Index, persona_id: &str, question: &str) -> Vec<Hit> {
    ask_as_is(index, persona_id, &without_names(question, persona(persona_id).names))
}

fn ask_as_is(index: &Index, persona_id: &str, question: &str) -> Vec<Hit> {
    let prefix = persona(persona_id).prefix();
    let hits = index.search(question, 5, |document| document.starts_with(&prefix));
    assert!(hits.iter().all(|hit| hit.document.starts_with(&prefix)), "{question}: filter ignored: {hits:?}");
    hits
}

/// One line per question whose first passage lacks the expected substring.
fn failures(cases: &[(&str, &str, &str)], ask: impl Fn(&str, &str) -> Vec<Hit>) -> Vec<String> {
    let mut failures = Vec::new();
    for &(persona_id, question, expected) in cases {
        let hits = ask(persona_id, question);
        let got = match hits.first() {
            Some(hit) if hit.passage.contains(expected) => continue,
            Some(hit) => format!("{} [{}, {:.2}]", hit.passage, hit.document, hit.score),
            None => "(no hit)".to_owned(),
        };
        let rank = match hits.iter().position(|hit| hit.passage.contains(expected)) {
            Some(rank) => format!("answer ranked {}", rank + 1),
            None => format!("answer not in the first {}", hits.len()),
        };
        failures.push(format!("{persona_id} | {question} | {expected} | {got} | {rank}"));
    }
    failures
}

fn report(failures: &[String], total: usize) {
    if !failures.is_empty() {
        eprintln!("\npersona | question | expected | got (first passage [document, score]) | answer's rank");
        for failure in failures {
            eprintln!("{failure}");
        }
        panic!("{} of {total} questions did not rank the answer first", failures.len());
    }
}

#[test]
fn fixture_is_large_enough() {
    assert!(documents().len() >= 36, "only {} documents", documents().len());
    assert!(CASES.len() >= 20, "only {} questions", CASES.len());
}

#[test]
fn the_answering_passage_ranks_first() {
    let index = corpus();
    report(&failures(CASES, |persona_id, question| ask(&index, persona_id, question)), CASES.len());
}

#[test]
#[ignore = "lexical ranking cannot answer these yet; run with --ignored to measure an improvement"]
fn known_limits() {
    let index = corpus();
    report(&failures(KNOWN_LIMITS, |persona_id, question| ask_as_is(&index, persona_id, question)), KNOWN_LIMITS.len());
}

#[test]
fn a_persona_filter_never_returns_another_personas_fact() {
    let index = corpus();
    for &(persona_id, question, forbidden) in ABSENT {
        for hit in ask(&index, persona_id, question) {
            assert!(!hit.passage.contains(forbidden), "{question} to {persona_id} returned {hit:?}");
        }
        // The fact is in the corpus: without the filter it is found.
        let unfiltered = index.search(question, 5, |_| true);
        assert!(unfiltered.iter().any(|hit| hit.passage.contains(forbidden)), "{question}: {unfiltered:?}");
    }
}

#[test]
fn a_removed_document_is_no_longer_returned() {
    let mut index = corpus();
    let question = "她什么时候开演唱会？";
    assert!(ask(&index, "wangfei", question).iter().any(|hit| hit.document == "wangfei/post-1"));

    index.remove("wangfei/post-1");
    assert!(!index.contains("wangfei/post-1"));
    for query in [question, "幻乐一场演唱会", "2016年12月30日 梅赛德斯-奔驰文化中心"] {
        let hits = index.search(query, 10, |_| true);
        assert!(hits.iter().all(|hit| hit.document != "wangfei/post-1"), "{query}: {hits:?}");
        assert!(hits.iter().all(|hit| !hit.passage.contains("12月30日")), "{query}: {hits:?}");
    }
    // Other documents are untouched.
    assert!(ask(&index, "wangfei", "幻乐一场现场唱了什么").iter().any(|hit| hit.document == "wangfei/post-2"));
}

#[test]
fn upsert_replaces_the_old_text() {
    let mut index = corpus();
    index.upsert("wangfei/post-1", "改期通知：王菲「幻乐一场」演唱会改到2017年1月1日晚在上海举行。");
    let hits = ask(&index, "wangfei", "她什么时候开演唱会？");
    assert!(hits.iter().all(|hit| !hit.passage.contains("12月30日")), "{hits:?}");
    let first = ask(&index, "wangfei", "演唱会改期到哪天？");
    assert!(first.first().is_some_and(|hit| hit.passage.contains("2017年1月1日")), "{first:?}");
    let old = index.search("梅赛德斯-奔驰文化中心", 10, |_| true);
    assert!(old.iter().all(|hit| !hit.passage.contains("奔驰")), "the old text is still indexed: {old:?}");
    let new: Vec<_> = old.iter().filter(|hit| hit.document == "wangfei/post-1").collect();
    assert!(new.iter().all(|hit| hit.passage.starts_with("改期通知")), "{new:?}");
}

#[test]
fn removing_and_re_adding_a_document_restores_the_ranking() {
    let fresh = corpus();
    let mut index = corpus();
    let (id, text) = documents().swap_remove(3);
    index.remove(&id);
    index.upsert(&id, &text);
    for &(_, question, _) in CASES {
        let mut before = fresh.search(question, 100, |_| true);
        let mut after = index.search(question, 100, |_| true);
        for hits in [&mut before, &mut after] {
            hits.sort_by(|a, b| (&a.document, &a.passage).cmp(&(&b.document, &b.passage)));
        }
        assert_eq!(before.len(), after.len(), "{question}");
        for (b, a) in before.iter().zip(&after) {
            assert_eq!((&b.document, &b.passage), (&a.document, &a.passage), "{question}");
            assert!((b.score - a.score).abs() < 1e-9, "{question}: {} vs {}", b.score, a.score);
        }
    }
}
