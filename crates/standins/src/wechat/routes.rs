use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, PoisonError},
};

use axum::{
    extract::{Query, State},
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use yujie_kernel::Platform;

use crate::WechatAccount;

use super::peer::{scan_event_xml, SignedPush, WechatPeer};

const TOKEN_LIFETIME_SECS: u64 = 7200;

#[derive(Clone)]
struct Standin {
    platform: Platform,
    account: WechatAccount,
    peer: WechatPeer,
    state: Arc<Mutex<StandinState>>,
}

#[derive(Default)]
struct StandinState {
    access_token: Option<String>,
    /// ticket → scene
    tickets: HashMap<String, String>,
    followers: HashSet<String>,
}

pub fn router(platform: &Platform, account: &WechatAccount) -> Router {
    let peer = WechatPeer {
        token: account.token.expose().to_owned(),
        appid: account.appid.clone(),
        aes_key: account.encoding_aes_key.as_ref().and_then(|key| WechatPeer::decode_aes_key(key.expose())),
        account_id: account.original_id.clone(),
    };
    let standin = Standin { platform: platform.clone(), account: account.clone(), peer, state: Arc::default() };
    Router::new()
        .route("/cgi-bin/token", get(token))
        .route("/cgi-bin/stable_token", post(stable_token))
        .route("/cgi-bin/qrcode/create", post(create_qr))
        .route("/simulate-scan", post(simulate_scan))
        .with_state(standin)
}

fn random_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

impl Standin {
    fn lock(&self) -> std::sync::MutexGuard<'_, StandinState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn credentials_error(&self, appid: &str, secret: &str) -> Option<Value> {
        let config = &self.account;
        if appid != config.appid {
            return Some(json!({ "errcode": 40013, "errmsg": "invalid appid" }));
        }
        if secret != config.app_secret.expose() {
            return Some(json!({ "errcode": 40125, "errmsg": "invalid appsecret" }));
        }
        None
    }

    fn issue_token(&self, rotate: bool) -> Value {
        let mut state = self.lock();
        if rotate || state.access_token.is_none() {
            state.access_token = Some(random_token(64));
        }
        json!({ "access_token": state.access_token, "expires_in": TOKEN_LIFETIME_SECS })
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    appid: String,
    secret: String,
}

/// `GET /cgi-bin/token`: every call makes a new token, as WeChat's does.
async fn token(State(standin): State<Standin>, Query(query): Query<TokenQuery>) -> Json<Value> {
    Json(standin.credentials_error(&query.appid, &query.secret).unwrap_or_else(|| standin.issue_token(true)))
}

#[derive(Deserialize)]
struct StableTokenRequest {
    grant_type: String,
    appid: String,
    secret: String,
    #[serde(default)]
    force_refresh: bool,
}

/// `POST /cgi-bin/stable_token`: the same token until it expires, unless forced.
async fn stable_token(State(standin): State<Standin>, Json(request): Json<StableTokenRequest>) -> Json<Value> {
    if request.grant_type != "client_credential" {
        return Json(json!({ "errcode": 40002, "errmsg": "invalid grant_type" }));
    }
    Json(
        standin
            .credentials_error(&request.appid, &request.secret)
            .unwrap_or_else(|| standin.issue_token(request.force_refresh)),
    )
}

#[derive(Deserialize)]
struct AccessTokenQuery {
    access_token: String,
}

/// `POST /cgi-bin/qrcode/create`, temporary `QR_STR_SCENE` codes only.
async fn create_qr(
    State(standin): State<Standin>,
    Query(query): Query<AccessTokenQuery>,
    Json(body): Json<Value>,
) -> Json<Value> {
    let mut state = standin.lock();
    if state.access_token.as_deref() != Some(query.access_token.as_str()) {
        return Json(
            json!({ "errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest" }),
        );
    }
    let scene = body["action_info"]["scene"]["scene_str"].as_str().unwrap_or_default();
    let expire_seconds = body["expire_seconds"].as_u64().unwrap_or(60);
    if body["action_name"] != "QR_STR_SCENE"
        || scene.is_empty()
        || scene.chars().count() > 64
        || expire_seconds > 2_592_000
    {
        return Json(json!({ "errcode": 40097, "errmsg": "invalid args" }));
    }
    let ticket = format!("gQ{}", random_token(94));
    state.tickets.insert(ticket.clone(), scene.to_owned());
    Json(json!({
        "ticket": ticket,
        "expire_seconds": expire_seconds,
        "url": format!("http://weixin.qq.com/q/{}", random_token(22)),
    }))
}

/// A 「模拟扫码」 request.
#[derive(Debug, Deserialize, Serialize)]
pub struct SimulateScanRequest {
    pub ticket: String,
    /// The scanning WeChat user; a new follower when absent.
    pub openid: Option<String>,
    /// Where to push; our own callback when absent. Lets a test deliver a scan to
    /// another instance of the same deployment: only the callback path, on the host of
    /// our own public URL, is accepted (any port), so this is no open relay.
    pub callback_url: Option<String>,
    /// `false` builds and returns the push without sending it (for tests that tamper).
    pub deliver: Option<bool>,
}

/// What the stand-in pushed and what our callback answered.
#[derive(Debug, Deserialize, Serialize)]
pub struct SimulatedScan {
    pub openid: String,
    pub event: String,
    pub scene: String,
    /// Our callback's HTTP status; absent when the push was not delivered.
    pub callback_status: Option<u16>,
    /// Our answer, decrypted and verified when it was encrypted.
    pub reply: Option<String>,
    /// The exact push, so that tests can replay or tamper with it.
    pub push: SignedPush,
    pub callback_url: String,
}

const CALLBACK_PATH: &str = "/api/v1/auth/wechat/callback";

/// The callback path on the scheme and host of our public URL; the port may differ.
fn is_our_callback(candidate: &str, public_base_url: &str) -> bool {
    match (url::Url::parse(candidate), url::Url::parse(public_base_url)) {
        (Ok(candidate), Ok(ours)) => {
            candidate.scheme() == ours.scheme()
                && candidate.host_str() == ours.host_str()
                && candidate.path() == CALLBACK_PATH
                && candidate.query().is_none()
                && candidate.username().is_empty()
        }
        _ => false,
    }
}

async fn simulate_scan(
    State(standin): State<Standin>,
    Json(request): Json<SimulateScanRequest>,
) -> Result<Json<SimulatedScan>, (StatusCode, Json<Value>)> {
    let (scene, openid, new_follower) = {
        let mut state = standin.lock();
        let Some(scene) = state.tickets.get(&request.ticket).cloned() else {
            return Err((StatusCode::NOT_FOUND, Json(json!({ "error": "unknown ticket" }))));
        };
        let openid = request.openid.unwrap_or_else(|| format!("o{}", random_token(27)));
        let new_follower = state.followers.insert(openid.clone());
        (scene, openid, new_follower)
    };
    let now = chrono::Utc::now().timestamp();
    let xml = scan_event_xml(&standin.peer.account_id, &openid, &scene, &request.ticket, now, new_follower);
    let push = standin.peer.push(&xml, now);
    let own_callback = format!("{}{CALLBACK_PATH}", standin.platform.public_base_url);
    let callback_url = request.callback_url.unwrap_or(own_callback);
    if !is_our_callback(&callback_url, &standin.platform.public_base_url) {
        return Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": "callback_url must be this deployment's WeChat callback" })),
        ));
    }
    let (mut callback_status, mut reply) = (None, None);
    if request.deliver.unwrap_or(true) {
        let response = standin
            .platform
            .http_client
            .post(&callback_url)
            .query(&push.query)
            .header("content-type", "text/xml")
            .body(push.body.clone())
            .send()
            .await
            .map_err(|error| (StatusCode::BAD_GATEWAY, Json(json!({ "error": error.to_string() }))))?;
        callback_status = Some(response.status().as_u16());
        reply = response.text().await.ok().and_then(|text| standin.peer.open_reply(&text));
        tracing::info!(callback_status, new_follower, "stand-in WeChat pushed a simulated scan");
    }
    Ok(Json(SimulatedScan {
        openid,
        event: if new_follower { "subscribe" } else { "SCAN" }.to_owned(),
        scene,
        callback_status,
        reply,
        push,
        callback_url,
    }))
}
