//! Billing: membership plans, orders, WeChat Pay and Alipay, exactly-once fulfilment (F0).
//!
//! Its place in the process is ready: the binary mounts its router (public routes under
//! `/api/v1`, internal ones under `/internal/billing` on the staff listener) and runs its
//! workers. Its routes, tables and workers arrive with its issue.

use yujie_kernel::{Platform, ServiceRoutes};

/// What other services ask of billing, in process or over its internal API. It gains its
/// methods with the billing issue (order history and membership purchases).
pub trait BillingClient: Send + Sync {}

pub fn routes(_platform: &Platform) -> ServiceRoutes {
    ServiceRoutes::empty("billing")
}
