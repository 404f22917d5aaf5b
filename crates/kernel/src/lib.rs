//! What every Yujie Station service shares.

pub mod auth;
pub mod cache;
pub mod clock;
pub mod config;
pub mod error;
pub mod fault;
pub mod http;
pub mod ids;
pub mod metrics;
pub mod openapi;
pub mod safety;
mod secret;
pub mod service;
pub mod telemetry;
pub mod text;
pub mod upstream;
pub mod wait;

pub use clock::Clock;
pub use config::{Mode, PlatformConfig};
pub use error::{ApiError, ApiResult, ErrorCode};
pub use metrics::Metrics;
pub use secret::Secret;
pub use service::{Platform, ServiceRoutes};
