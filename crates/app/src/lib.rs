//! The Yujie Station application: builds the platform from config, the selected
//! services on top of it, and the two listeners (public and staff).

mod backup;
mod config;
pub mod data;
mod media;
mod openapi;
mod registry;
mod serve;
mod services;
#[cfg(feature = "standins")]
pub mod standin_accounts;
mod startup;
mod web;

pub use backup::backup;
pub use config::Config;
pub use services::{ServiceSet, ALL_SERVICES};
pub use startup::{migrate, Application};
