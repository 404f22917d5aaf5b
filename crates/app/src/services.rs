use std::collections::BTreeSet;

use anyhow::bail;
use yujie_db::Migrations;

pub const ALL_SERVICES: [&str; 5] = ["identity", "billing", "content", "companion", "admin"];

/// The services this process runs; the others are reached over HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSet(BTreeSet<&'static str>);

impl ServiceSet {
    pub fn all() -> Self {
        Self(ALL_SERVICES.into_iter().collect())
    }

    /// From `--only`: empty means all.
    pub fn parse(names: &[String]) -> anyhow::Result<Self> {
        if names.is_empty() {
            return Ok(Self::all());
        }
        let mut set = BTreeSet::new();
        for name in names {
            match ALL_SERVICES.iter().find(|known| **known == name.trim()) {
                Some(known) => set.insert(*known),
                None => bail!("unknown service `{name}`; known: {}", ALL_SERVICES.join(", ")),
            };
        }
        Ok(Self(set))
    }

    pub fn runs(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    pub fn is_all(&self) -> bool {
        self.0.len() == ALL_SERVICES.len()
    }

    /// The migrations of the services in this set.
    pub fn migrations(&self) -> Vec<Migrations> {
        let mut all = Vec::new();
        if self.runs("identity") {
            all.push(yujie_identity::migrations());
        }
        if self.runs("billing") {
            all.push(yujie_billing::migrations());
        }
        if self.runs("content") {
            all.push(yujie_content::migrations());
        }
        all
    }
}
