//! Staff console: OIDC sign-in, report queue, moderation, bans and the audit log (F4).
//!
//! Its place in the process is ready: the binary mounts its router (public routes under
//! `/api/v1`, internal ones under `/internal/admin` on the staff listener) and runs its
//! workers. Its routes, tables and workers arrive with its issue.

use yujie_kernel::{Platform, ServiceRoutes};

/// What other services ask of admin, in process or over its internal API. It gains its
/// methods with the admin issue (the audit log).
pub trait AdminClient: Send + Sync {}

pub fn routes(_platform: &Platform) -> ServiceRoutes {
    ServiceRoutes::empty("admin")
}
