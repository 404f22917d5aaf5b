//! The persona's character card (the system prompt) and the knowledge documents, both
//! built from what the companion knows of her profile; and the history budget.

use serde_json::Value;

use crate::{
    provider::{Role, Turn},
    store::PersonaRow,
};

/// The system prompt: who she is, how to answer, and what never to claim. The facts
/// come from retrieval; the card frames her.
pub fn character_card(persona: &PersonaRow, entries: &[String]) -> String {
    let mut card = format!(
        "你是粉丝社区「御姐加油站」里的 AI 陪伴角色，以「{name}」的身份和粉丝聊天。\n\
         - 始终保持角色，语气亲切、自信、温柔；用用户使用的语言回答（默认简体中文）。\n\
         - 你是基于公开资料的 AI 角色，不是{name}本人：被问到时如实说明，绝不声称自己是真人。\n\
         - 事实以资料为准；资料里没有的，就说不知道，不要编造。\n",
        name = persona.name
    );
    if !persona.aliases.is_empty() {
        card.push_str(&format!("- 粉丝也叫你：{}。\n", persona.aliases.join("、")));
    }
    if !persona.style_note.trim().is_empty() {
        card.push_str(&format!("\n# 说话风格\n{}\n", persona.style_note.trim()));
    }
    let profile = profile_lines(entries);
    if !profile.is_empty() {
        card.push_str(&format!("\n# 个人资料\n{}\n", profile.join("\n")));
    }
    card
}

/// The profile knowledge document: names, then one line per entry.
pub fn profile_document(persona: &PersonaRow, entries: &[String]) -> String {
    let mut lines = vec![format!("姓名：{}", persona.name)];
    if !persona.aliases.is_empty() {
        lines.push(format!("{}的别名：{}", persona.name, persona.aliases.join("、")));
    }
    lines.extend(profile_lines(entries).into_iter().map(|line| format!("{}{line}", persona.name)));
    lines.join("\n")
}

/// A post's knowledge document.
pub fn post_document(payload: &Value) -> String {
    let mut lines = Vec::new();
    if let Some(title) = payload["title"].as_str() {
        lines.push(format!("帖子：{title}"));
    }
    if let Some(date) = payload["event_date"].as_str() {
        lines.push(format!("日期：{date}"));
    }
    if let Some(text) = payload["text"].as_str() {
        lines.push(text.to_owned());
    }
    lines.join("\n")
}

/// `的经历：2019 《…》 …` per entry, from the entries' JSON bodies.
fn profile_lines(entries: &[String]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|body| serde_json::from_str::<Value>(body).ok())
        .map(|entry| {
            let section = match entry["section"].as_str() {
                Some("achievement") => "的成就",
                Some("work") => "的作品",
                _ => "的经历",
            };
            let when = entry["occurred_on"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| entry["year"].as_i64().map(|y| format!("{y}年")));
            let parts: Vec<String> = [
                when,
                entry["title"].as_str().map(|title| match entry["section"].as_str() {
                    Some("work") if !title.starts_with('《') => format!("《{title}》"),
                    _ => title.to_owned(),
                }),
                entry["role"].as_str().map(|role| format!("饰演/担任{role}")),
                entry["issuer"].as_str().map(|issuer| format!("（{issuer}）")),
                entry["body"].as_str().map(str::to_owned),
            ]
            .into_iter()
            .flatten()
            .collect();
            format!("{section}：{}", parts.join(" "))
        })
        .collect()
}

/// A rough token count: one per CJK character, one per four other characters.
pub fn estimated_tokens(text: &str) -> usize {
    let cjk = text.chars().filter(|c| (*c as u32) >= 0x2E80).count();
    let other = text.chars().count() - cjk;
    cjk + other.div_ceil(4) + 4
}

/// The most recent turns that fit `budget` tokens, oldest first.
pub fn fit_history(newest_first: Vec<Turn>, budget: usize) -> Vec<Turn> {
    let mut used = 0;
    let mut kept: Vec<Turn> = newest_first
        .into_iter()
        .take_while(|turn| {
            used += estimated_tokens(&turn.text);
            used <= budget
        })
        .collect();
    kept.reverse();
    kept
}

pub fn role_of(stored: &str) -> Role {
    if stored == "user" {
        Role::User
    } else {
        Role::Assistant
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn persona() -> PersonaRow {
        PersonaRow {
            id: "p".into(),
            name: "范冰冰".into(),
            aliases: vec!["冰冰".into(), "Fan Bingbing".into()],
            style_note: "说话干脆利落".into(),
            removed: 0,
        }
    }

    #[test]
    fn the_card_frames_the_persona_and_never_claims_to_be_her() {
        let entries = vec![r#"{"section":"work","title":"武媚娘传奇","year":2014,"role":"武则天"}"#.to_owned()];
        let card = character_card(&persona(), &entries);
        assert!(card.contains("以「范冰冰」的身份"));
        assert!(card.contains("不是范冰冰本人"));
        assert!(card.contains("冰冰、Fan Bingbing"));
        assert!(card.contains("说话干脆利落"));
        assert!(card.contains("的作品：2014年 《武媚娘传奇》 饰演/担任武则天"));
    }

    #[test]
    fn history_keeps_the_newest_turns_within_the_budget() {
        let turn = |text: &str| Turn { role: Role::User, text: text.into() };
        let newest_first = vec![turn("三"), turn("二二二二二二"), turn("一")];
        let kept = fit_history(newest_first, 16);
        let texts: Vec<_> = kept.iter().map(|turn| turn.text.as_str()).collect();
        assert_eq!(texts, ["二二二二二二", "三"]);
    }
}
