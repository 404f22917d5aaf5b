//! Staff sign-in: `/auth/login` sends the browser to the identity provider with PKCE,
//! `/auth/callback` validates what comes back, registers the account on its first
//! sign-in and opens a session; `/auth/logout` ends it.

use axum::{
    extract::{Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use yujie_kernel::{ids::random_hex, ApiResult};

use crate::{
    oidc::PendingLogin,
    roles::Role,
    session::{token_hash, Staff, COOKIE},
    Admin,
};

/// How long a sign-in may take at the provider.
const LOGIN_TTL: Duration = Duration::from_secs(600);

fn pending_key(state: &str) -> String {
    format!("admin:login:{state}")
}

#[derive(Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
}

/// Only paths of the console itself: never an open redirect.
fn safe_return(raw: Option<&str>) -> String {
    match raw {
        Some(path) if path.starts_with("/staff/") && !path.starts_with("//") && !path.contains('\\') => path.to_owned(),
        _ => "/staff/".to_owned(),
    }
}

pub async fn login(State(admin): State<Admin>, Query(query): Query<LoginQuery>) -> Response {
    let oidc = &admin.inner.oidc;
    let (url, state, pending) = match oidc.begin(&safe_return(query.return_to.as_deref())).await {
        Ok(begun) => begun,
        Err(error) => return page(StatusCode::BAD_GATEWAY, "无法连接统一身份认证", &error.to_string()),
    };
    let stored = serde_json::to_string(&pending).unwrap_or_default();
    if let Err(error) = admin.inner.platform.kv.set(&pending_key(&state), &stored, LOGIN_TTL).await {
        tracing::error!(error = format!("{error:#}"), "cannot keep a staff sign-in");
        return page(StatusCode::SERVICE_UNAVAILABLE, "暂时无法登录", "请稍后再试。");
    }
    Redirect::to(&url).into_response()
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn callback(State(admin): State<Admin>, Query(query): Query<CallbackQuery>) -> Response {
    if let Some(error) = query.error {
        return page(StatusCode::BAD_REQUEST, "登录未完成", &format!("统一身份认证返回：{error}"));
    }
    let (Some(code), Some(state)) = (query.code, query.state) else {
        return page(StatusCode::BAD_REQUEST, "登录未完成", "缺少授权码或 state 参数。");
    };
    let kv = &admin.inner.platform.kv;
    let pending: Option<PendingLogin> =
        kv.get(&pending_key(&state)).await.ok().flatten().and_then(|raw| serde_json::from_str(&raw).ok());
    let Some(pending) = pending else {
        return page(StatusCode::BAD_REQUEST, "登录已过期", "这个登录链接已失效，请重新登录。");
    };
    let _ = kv.delete(&pending_key(&state)).await;
    let claims = match admin.inner.oidc.finish(&code, &pending).await {
        Ok(claims) => claims,
        Err(error) => {
            tracing::warn!(error = %error, "a staff sign-in was refused");
            return page(StatusCode::FORBIDDEN, "登录失败", "身份令牌未通过校验，请重新登录。");
        }
    };
    let config = admin.inner.oidc.config();
    let Some(role) = Role::from_claim(&claims.values_of(&config.roles_claim), config) else {
        tracing::info!(subject = claims.sub, "a staff sign-in without a console role was refused");
        return page(
            StatusCode::FORBIDDEN,
            "没有访问权限",
            "你的账号没有管理后台的角色（审核员或管理员）。请联系管理员在统一身份认证中为你添加。",
        );
    };
    match open_session(&admin, &claims, role).await {
        Ok(cookie) => {
            let mut response = Redirect::to(&pending.return_to).into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Err(error) => {
            tracing::error!(error = %error, "cannot open a staff session");
            page(StatusCode::SERVICE_UNAVAILABLE, "暂时无法登录", "请稍后再试。")
        }
    }
}

async fn open_session(admin: &Admin, claims: &crate::oidc::IdClaims, role: Role) -> anyhow::Result<String> {
    let now = admin.now_ms();
    let issuer = admin.inner.oidc.issuer();
    let name = claims.name.clone().unwrap_or_else(|| claims.sub.clone());
    let store = &admin.inner.store;
    let account = store.sign_in(issuer, &claims.sub, &name, claims.email.as_deref(), role, now).await?;
    let token = random_hex(32);
    store.create_session(&token_hash(&token), &account, role, &random_hex(32), now).await?;
    tracing::info!(account, role = role.as_str(), "staff signed in");
    Ok(cookie(admin, &token, admin.inner.config.session_absolute_secs))
}

fn cookie(admin: &Admin, token: &str, max_age: u64) -> String {
    let secure = if admin.inner.platform.staff_base_url.starts_with("https://") { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/staff; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// Ends the session and clears its cookie.
#[utoipa::path(post, path = "/auth/logout", tag = "session", security(("staff_session" = [])),
    responses((status = 204, description = "signed out")))]
pub async fn logout(State(admin): State<Admin>, staff: Staff) -> ApiResult<Response> {
    admin.inner.store.end_session(&staff.token_hash).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie(&admin, "", 0)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The signed-in staff member, with the CSRF token the console sends back.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct Me {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub csrf_token: String,
}

#[utoipa::path(get, path = "/me", tag = "session", security(("staff_session" = [])), responses((status = 200, body = Me)))]
pub async fn me(staff: Staff) -> Json<Me> {
    Json(Me { id: staff.account_id, name: staff.name, role: staff.role, csrf_token: staff.csrf_token })
}

/// A plain page for the browser during sign-in.
fn page(status: StatusCode, title: &str, message: &str) -> Response {
    let escape = |text: &str| text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>{t}</title>\
         <main style=\"font-family:sans-serif;max-width:32rem;margin:4rem auto\"><h1>{t}</h1><p>{m}</p>\
         <p><a href=\"/staff/admin/auth/login\">重新登录</a></p></main></html>",
        t = escape(title),
        m = escape(message)
    );
    (status, Html(html)).into_response()
}
