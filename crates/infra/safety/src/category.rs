//! What a word is about ([`Category`]) and what its hit does ([`Action`]).

use serde::{Deserialize, Serialize};

/// The kind of a sensitive word, for statistics and review queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Politics,
    Sexual,
    Gambling,
    Advert,
    Abuse,
    Other,
}

impl Category {
    /// Every category, in declaration order.
    pub const ALL: [Category; 6] =
        [Category::Politics, Category::Sexual, Category::Gambling, Category::Advert, Category::Abuse, Category::Other];

    /// The snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Politics => "politics",
            Category::Sexual => "sexual",
            Category::Gambling => "gambling",
            Category::Advert => "advert",
            Category::Abuse => "abuse",
            Category::Other => "other",
        }
    }

    /// The label shown to Chinese-speaking moderators.
    pub fn label_zh(self) -> &'static str {
        match self {
            Category::Politics => "政治",
            Category::Sexual => "色情",
            Category::Gambling => "赌博",
            Category::Advert => "广告",
            Category::Abuse => "辱骂",
            Category::Other => "其他",
        }
    }

    /// Accepts the snake_case name (ASCII case-insensitive) or the Chinese label,
    /// surrounding whitespace ignored.
    pub fn parse(s: &str) -> Option<Category> {
        let s = s.trim();
        Category::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(s) || c.label_zh() == s)
    }
}

/// What a hit does. Ordered by strictness: `Mask < Review < Block`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Show the text with the hit replaced by `*`.
    Mask,
    /// Hold the text for a moderator.
    Review,
    /// Refuse the text.
    Block,
}

impl Action {
    /// Every action, from the mildest to the strictest.
    pub const ALL: [Action; 3] = [Action::Mask, Action::Review, Action::Block];

    /// The snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Mask => "mask",
            Action::Review => "review",
            Action::Block => "block",
        }
    }

    /// Accepts the snake_case name, ASCII case-insensitive, surrounding whitespace ignored.
    pub fn parse(s: &str) -> Option<Action> {
        let s = s.trim();
        Action::ALL.into_iter().find(|a| a.as_str().eq_ignore_ascii_case(s))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
            assert_eq!(Category::parse(c.label_zh()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<Category>(&json).unwrap(), c);
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.as_str()));
        }
        assert_eq!(Category::parse(" Advert "), Some(Category::Advert));
        assert_eq!(Category::parse("广告"), Some(Category::Advert));
        assert_eq!(Category::parse("ads"), None);
        assert_eq!(Action::parse("BLOCK"), Some(Action::Block));
        assert_eq!(Action::parse("ban"), None);
    }

    #[test]
    fn actions_order_by_strictness() {
        assert!(Action::Mask < Action::Review);
        assert!(Action::Review < Action::Block);
        assert_eq!(Action::ALL.iter().max(), Some(&Action::Block));
    }
}
