//! The product's whole configuration: the platform's shared part (from the kernel) and
//! each service's own section (from its crate), loaded in layers: built-in defaults
//! (local mode), then a TOML file, then `YUJIE_…` environment variables, where `__`
//! separates levels (`YUJIE_DATABASE__URL=mysql://…`). `config/example.toml` documents
//! every key.
//!
//! A process checks only the sections of the services it runs: `serve --only content`
//! in production needs the shared secrets, not WeChat's, the payment channels' or the AI
//! provider's.

use std::{
    collections::BTreeMap,
    ops::{Deref, DerefMut},
    path::Path,
};

use serde::{de::IgnoredAny, Deserialize, Serialize};
use yujie_admin::AdminConfig;
use yujie_billing::BillingConfig;
use yujie_companion::CompanionConfig;
use yujie_identity::WechatConfig;
use yujie_kernel::PlatformConfig;

use crate::{registry::SERVICES, services::ServiceSet};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    #[serde(flatten)]
    pub platform: PlatformConfig,
    /// Identity's: the official account that signs people in.
    pub wechat: WechatConfig,
    pub billing: BillingConfig,
    pub companion: CompanionConfig,
    pub admin: AdminConfig,
    /// Top-level keys nobody reads, refused at load (a typo must not pass silently).
    #[serde(flatten, skip_serializing)]
    unknown: BTreeMap<String, IgnoredAny>,
}

impl Deref for Config {
    type Target = PlatformConfig;

    fn deref(&self) -> &PlatformConfig {
        &self.platform
    }
}

impl DerefMut for Config {
    fn deref_mut(&mut self) -> &mut PlatformConfig {
        &mut self.platform
    }
}

impl Config {
    /// Loads defaults, then `file` if given (it must exist), then the environment, and
    /// refuses keys that no section has. Checking values is [`Config::validate`]'s job.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let config: Config = PlatformConfig::figment(Config::default(), file)?.extract()?;
        let unknown: Vec<&str> = config.unknown.keys().map(String::as_str).collect();
        anyhow::ensure!(unknown.is_empty(), "unknown configuration keys: {}", unknown.join(", "));
        Ok(config)
    }

    /// What serde cannot check, for the shared part and the sections of `services`;
    /// production refuses every local default among them. Every problem is listed at once.
    pub fn validate(&self, services: &ServiceSet) -> anyhow::Result<()> {
        let problems = self.problems(services);
        anyhow::ensure!(problems.is_empty(), "invalid configuration:\n  - {}", problems.join("\n  - "));
        Ok(())
    }

    fn problems(&self, services: &ServiceSet) -> Vec<String> {
        let mut problems = self.platform.problems();
        for service in SERVICES.iter().filter(|service| services.runs(service.name)) {
            (service.config_problems)(self, &mut problems);
        }
        problems
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
