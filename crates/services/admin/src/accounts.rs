//! Staff accounts (admins only): who has console access, how many sessions each has
//! open, and signing an account out everywhere (a lost laptop, someone leaving before
//! the identity provider's change reaches us).

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use yujie_kernel::ApiResult;

use crate::{
    audit::{self, Action},
    error::AdminError,
    roles::Role,
    session::{LiveSince, Staff},
    store::StaffAccount,
    Admin,
};

/// Staff accounts with their role, last sign-in and open sessions (admins only).
#[utoipa::path(get, path = "/accounts", operation_id = "accounts", tag = "session", security(("staff_session" = [])),
    responses((status = 200, body = Vec<StaffAccount>)))]
pub async fn list(State(admin): State<Admin>, staff: Staff) -> ApiResult<Json<Vec<StaffAccount>>> {
    staff.require(Role::Admin)?;
    let live = LiveSince::at(&admin.inner.config, admin.now_ms());
    Ok(Json(admin.inner.store.accounts(live).await?))
}

/// How many sessions were ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionsEnded {
    pub ended: u64,
}

/// Ends every session of the account at once (admins only; recorded in the audit log):
/// its next request is refused and it must sign in again.
#[utoipa::path(delete, path = "/accounts/{id}/sessions", tag = "session", params(("id" = String, Path)),
    security(("staff_session" = [])), responses((status = 200, body = SessionsEnded)))]
pub async fn end_sessions(
    State(admin): State<Admin>,
    staff: Staff,
    Path(account_id): Path<String>,
) -> ApiResult<Json<SessionsEnded>> {
    staff.require(Role::Admin)?;
    let mut tx = admin.db().pool().begin().await.map_err(AdminError::from)?;
    let name =
        admin.inner.store.account_name(&mut *tx, &account_id).await?.ok_or(AdminError::NotFound("staff account"))?;
    let ended = admin.inner.store.end_sessions_of(&mut *tx, &account_id).await?;
    let action = Action {
        action: "end_sessions",
        target_kind: "staff",
        target_id: &account_id,
        reason: None,
        before: None,
        after: Some(json!({ "name": name, "ended": ended })),
    };
    audit::record_in(&mut *tx, &staff, action, admin.now_ms()).await?;
    tx.commit().await.map_err(AdminError::from)?;
    Ok(Json(SessionsEnded { ended }))
}
