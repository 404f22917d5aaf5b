//! AI companion: persona chat, voice calls, daily quotas and knowledge sync (F3).
//!
//! Its place in the process is ready: the binary mounts its router (public routes under
//! `/api/v1`, internal ones under `/internal/companion` on the staff listener) and runs its
//! workers. Its routes, tables and workers arrive with its issue.

use yujie_kernel::{Platform, ServiceRoutes};

/// What other services ask of companion, in process or over its internal API. It gains its
/// methods with the companion issue (quota and knowledge-sync state for staff).
pub trait CompanionClient: Send + Sync {}

pub fn routes(_platform: &Platform) -> ServiceRoutes {
    ServiceRoutes::empty("companion")
}
