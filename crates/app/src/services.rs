use std::collections::BTreeSet;

use anyhow::bail;
use yujie_db::Migrations;

use crate::registry::SERVICES;

/// Every service's name, in build order.
pub const ALL_SERVICES: [&str; SERVICES.len()] = {
    let mut names = [""; SERVICES.len()];
    let mut index = 0;
    while index < SERVICES.len() {
        names[index] = SERVICES[index].name;
        index += 1;
    }
    names
};

/// The services this process runs; the others are reached over HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSet(BTreeSet<&'static str>);

impl ServiceSet {
    pub fn all() -> Self {
        Self(ALL_SERVICES.into_iter().collect())
    }

    /// No service: a command that only reads and writes the stores.
    pub fn none() -> Self {
        Self(BTreeSet::new())
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
        let services =
            SERVICES.iter().filter(|service| self.runs(service.name)).filter_map(|service| (service.migrations)());
        // Every service writes text, so every process needs the lexicon and the audit.
        std::iter::once(yujie_kernel::safety::migrations()).chain(services).collect()
    }
}
