//! Parsed, valid content types: request bodies become these at the boundary.

mod posts;

pub use posts::{CommentText, EventDate, PostText, PostTitle, ReactionValue, ReportReason};

use chrono::Datelike as _;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_db::UnknownValue;
use yujie_kernel::{
    http::parse_value,
    text::{user_text, TextKind},
    ApiError,
};

/// Checks a free-text field with the shared validator (NFC, invisible characters
/// stripped, trimmed, `min..=max` characters, line breaks only when `multiline`).
pub(crate) fn text(field: &str, raw: &str, min: usize, max: usize, multiline: bool) -> Result<String, ApiError> {
    user_text(field, raw, min, max, if multiline { TextKind::Multiline } else { TextKind::Line })
}

pub(crate) fn optional_text(field: &str, raw: Option<&str>, max: usize) -> Result<Option<String>, ApiError> {
    // Whitespace or invisible characters alone mean "not given".
    let given = |value: &&str| value.chars().any(|c| !c.is_whitespace() && !yujie_kernel::text::is_invisible(c));
    match raw.map(str::trim).filter(given) {
        Some(value) => text(field, value, 1, max, false).map(Some),
        None => Ok(None),
    }
}

/// A persona's name, 1 to 32 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonaName(String);

impl PersonaName {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        user_text("name", raw, 1, 32, TextKind::Name).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Other names a persona goes by: at most 10, each 1 to 32 characters, no repeats.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Aliases(Vec<String>);

impl Aliases {
    pub fn parse(raw: &[String]) -> Result<Self, ApiError> {
        if raw.len() > 10 {
            return Err(ApiError::invalid_field("aliases", "at most 10 aliases"));
        }
        let mut aliases: Vec<String> = Vec::new();
        for (index, alias) in raw.iter().enumerate() {
            let alias = user_text(&format!("aliases[{index}]"), alias, 1, 32, TextKind::Name)?;
            if !aliases.contains(&alias) {
                aliases.push(alias);
            }
        }
        Ok(Self(aliases))
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// 个人经历
    Experience,
    /// 获得成就
    Achievement,
    /// 专辑、影视剧、节目
    Work,
}

impl TryFrom<String> for Section {
    type Error = UnknownValue;

    fn try_from(value: String) -> Result<Self, UnknownValue> {
        Section::parse(&value).ok_or(UnknownValue::new("section", value))
    }
}

/// The optional `work_kind` column, decoded at the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredWorkKind(pub Option<WorkKind>);

impl TryFrom<Option<String>> for StoredWorkKind {
    type Error = UnknownValue;

    fn try_from(value: Option<String>) -> Result<Self, UnknownValue> {
        match value {
            None => Ok(Self(None)),
            Some(value) => {
                WorkKind::parse(&value).map(|kind| Self(Some(kind))).ok_or(UnknownValue::new("work kind", value))
            }
        }
    }
}

impl Section {
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Experience => "experience",
            Section::Achievement => "achievement",
            Section::Work => "work",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "experience" => Some(Section::Experience),
            "achievement" => Some(Section::Achievement),
            "work" => Some(Section::Work),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkKind {
    /// 专辑
    Album,
    /// 影视剧
    FilmTv,
    /// 节目 (variety shows)
    Variety,
}

impl WorkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkKind::Album => "album",
            WorkKind::FilmTv => "film_tv",
            WorkKind::Variety => "variety",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "album" => Some(WorkKind::Album),
            "film_tv" => Some(WorkKind::FilmTv),
            "variety" => Some(WorkKind::Variety),
            _ => None,
        }
    }
}

/// A profile entry as a client sends it; `section` picks the shape.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "section", rename_all = "snake_case")]
pub enum EntryInput {
    /// A dated life event.
    Experience {
        /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
        occurred_on: String,
        text: String,
    },
    Achievement {
        title: String,
        year: i32,
        issuer: Option<String>,
    },
    Work {
        kind: WorkKind,
        title: String,
        year: i32,
        role: Option<String>,
    },
}

/// A valid entry, flattened into the columns the store keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryFields {
    pub section: Section,
    pub work_kind: Option<WorkKind>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub year: Option<i32>,
    pub occurred_on: Option<String>,
    pub role: Option<String>,
    pub issuer: Option<String>,
}

fn year(raw: i32) -> Result<i32, ApiError> {
    let latest = chrono::Utc::now().year() + 5;
    if (1900..=latest).contains(&raw) {
        Ok(raw)
    } else {
        Err(ApiError::invalid_field("year", format!("must be between 1900 and {latest}")))
    }
}

fn partial_date(raw: &str) -> Result<String, ApiError> {
    let value = raw.trim();
    let valid = match value.len() {
        4 => value.parse::<i32>().ok().and_then(|y| year(y).ok()).is_some(),
        7 => chrono::NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d").is_ok(),
        10 => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
        _ => false,
    };
    if valid {
        Ok(value.to_owned())
    } else {
        Err(ApiError::invalid_field("occurred_on", "must be YYYY, YYYY-MM or YYYY-MM-DD"))
    }
}

#[derive(Deserialize)]
struct ExperienceInput {
    occurred_on: String,
    text: String,
}

#[derive(Deserialize)]
struct AchievementInput {
    title: String,
    year: i32,
    issuer: Option<String>,
}

#[derive(Deserialize)]
struct WorkInput {
    kind: WorkKind,
    title: String,
    year: i32,
    role: Option<String>,
}

impl EntryInput {
    /// Reads the body by its `section` first, so that an error names the bad field
    /// (serde's tagged enums lose the path).
    pub fn from_json(body: serde_json::Value) -> Result<Self, ApiError> {
        let section = body.get("section").and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
        Ok(match section.as_str() {
            "experience" => {
                let input: ExperienceInput = parse_value(body)?;
                EntryInput::Experience { occurred_on: input.occurred_on, text: input.text }
            }
            "achievement" => {
                let input: AchievementInput = parse_value(body)?;
                EntryInput::Achievement { title: input.title, year: input.year, issuer: input.issuer }
            }
            "work" => {
                let input: WorkInput = parse_value(body)?;
                EntryInput::Work { kind: input.kind, title: input.title, year: input.year, role: input.role }
            }
            _ => return Err(ApiError::invalid_field("section", "must be experience, achievement or work")),
        })
    }

    pub fn section(&self) -> Section {
        match self {
            EntryInput::Experience { .. } => Section::Experience,
            EntryInput::Achievement { .. } => Section::Achievement,
            EntryInput::Work { .. } => Section::Work,
        }
    }

    pub fn parse(&self) -> Result<EntryFields, ApiError> {
        let empty = EntryFields {
            section: self.section(),
            work_kind: None,
            title: None,
            body: None,
            year: None,
            occurred_on: None,
            role: None,
            issuer: None,
        };
        Ok(match self {
            EntryInput::Experience { occurred_on, text: body } => EntryFields {
                occurred_on: Some(partial_date(occurred_on)?),
                body: Some(text("text", body, 1, 2000, true)?),
                ..empty
            },
            EntryInput::Achievement { title, year: y, issuer } => EntryFields {
                title: Some(text("title", title, 1, 100, false)?),
                year: Some(year(*y)?),
                issuer: optional_text("issuer", issuer.as_deref(), 100)?,
                ..empty
            },
            EntryInput::Work { kind, title, year: y, role } => EntryFields {
                work_kind: Some(*kind),
                title: Some(text("title", title, 1, 100, false)?),
                year: Some(year(*y)?),
                role: optional_text("role", role.as_deref(), 50)?,
                ..empty
            },
        })
    }
}

/// Search keys of a persona: its name and aliases, lower-cased with spaces removed,
/// cut into single characters and adjacent pairs (see `store::search`).
pub fn search_grams(name: &str, aliases: &[String]) -> Vec<String> {
    let mut grams: Vec<String> = Vec::new();
    for text in std::iter::once(name).chain(aliases.iter().map(String::as_str)) {
        let chars: Vec<char> = normalize(text).chars().collect();
        for (index, c) in chars.iter().enumerate() {
            grams.push(c.to_string());
            if let Some(next) = chars.get(index + 1) {
                grams.push(format!("{c}{next}"));
            }
        }
    }
    grams.sort();
    grams.dedup();
    grams
}

/// Lower case without white space: how names and queries are compared.
pub fn normalize(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases() {
        assert_eq!(PersonaName::parse(" 范冰冰 ").unwrap().as_str(), "范冰冰");
        assert!(PersonaName::parse("").is_err());
        assert!(PersonaName::parse(&"冰".repeat(33)).is_err());
        let aliases = Aliases::parse(&["冰冰".into(), "Fan Bingbing".into(), "冰冰".into()]).unwrap();
        assert_eq!(aliases.as_slice().len(), 2);
        assert_eq!(Aliases::parse(&["".into()]).unwrap_err().field_errors()[0].field, "aliases[0]");
    }

    #[test]
    fn entries_parse_by_section() {
        let work = EntryInput::Work {
            kind: WorkKind::FilmTv,
            title: "还珠格格".into(),
            year: 1998,
            role: Some("金锁".into()),
        };
        let fields = work.parse().unwrap();
        assert_eq!(
            (fields.section, fields.work_kind, fields.year),
            (Section::Work, Some(WorkKind::FilmTv), Some(1998))
        );
        let bad_year = EntryInput::Achievement { title: "x".into(), year: 1800, issuer: None };
        assert_eq!(bad_year.parse().unwrap_err().field_errors()[0].field, "year");
        for (date, ok) in [
            ("1998", true),
            ("1998-07", true),
            ("1998-07-31", true),
            ("1998-13", false),
            ("98", false),
            ("1998-02-30", false),
        ] {
            let entry = EntryInput::Experience { occurred_on: date.into(), text: "出道".into() };
            assert_eq!(entry.parse().is_ok(), ok, "{date}");
        }
    }

    #[test]
    fn grams_cover_every_substring_of_two() {
        let grams = search_grams("范冰冰", &["Fan BB".into()]);
        for gram in ["范", "冰", "范冰", "冰冰", "fa", "nb", "bb"] {
            assert!(grams.contains(&gram.to_owned()), "{gram}");
        }
    }
}
