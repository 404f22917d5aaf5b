//! Content: personas, media, posts, comments, reactions, reports and the change feed (F1, F2).
//!
//! Its place in the process is ready: the binary mounts its router (public routes under
//! `/api/v1`, internal ones under `/internal/content` on the staff listener) and runs its
//! workers. Its routes, tables and workers arrive with its issue.

use yujie_kernel::{Platform, ServiceRoutes};

/// What other services ask of content, in process or over its internal API. It gains its
/// methods with the content issue (the persona change feed, moderation hooks and the report queue).
pub trait ContentClient: Send + Sync {}

pub fn routes(_platform: &Platform) -> ServiceRoutes {
    ServiceRoutes::empty("content")
}
