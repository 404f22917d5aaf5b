//! Staff roles, from the identity provider's groups claim mapped in config. An admin
//! may do everything a moderator may, and also ban, unban and edit the lexicon.

use crate::config::OidcConfig;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    /// The highest role the claim's values give; `None`: no access.
    pub fn from_claim(values: &[String], config: &OidcConfig) -> Option<Role> {
        let has = |wanted: &[String]| values.iter().any(|value| wanted.contains(value));
        if has(&config.admin_values) {
            Some(Role::Admin)
        } else if has(&config.moderator_values) {
            Some(Role::Moderator)
        } else {
            None
        }
    }
}

impl std::str::FromStr for Role {
    type Err = yujie_db::UnknownValue;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw {
            "moderator" => Ok(Role::Moderator),
            "admin" => Ok(Role::Admin),
            other => Err(yujie_db::UnknownValue::new("staff role", other.to_owned())),
        }
    }
}
