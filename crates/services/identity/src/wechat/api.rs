//! The WeChat official-account API calls we make: a cached access token
//! (`stable_token`, so several instances never rotate each other's token) and
//! temporary `QR_STR_SCENE` QR codes.

use std::time::Duration;

use anyhow::{bail, Context as _};
use serde::{Deserialize, Serialize};
use serde_json::json;
use yujie_kernel::{upstream::Upstream, Secret};
use yujie_kv::SharedKv;

/// WeChat's "access_token invalid or expired" codes: refresh and retry once.
const TOKEN_ERRORS: [i64; 3] = [40001, 40014, 42001];

#[derive(Clone)]
pub struct WechatApi {
    base_url: String,
    appid: String,
    app_secret: Secret,
    /// Every exchange with WeChat goes through its timeout and breaker.
    upstream: Upstream,
    kv: SharedKv,
}

#[derive(Debug, Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    expires_in: Option<u64>,
    errcode: Option<i64>,
    errmsg: Option<String>,
}

/// A temporary QR code made for one sign-in attempt.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QrCode {
    pub ticket: String,
    pub expire_seconds: u64,
    /// The content to render as a QR image.
    pub url: String,
}

#[derive(Debug, Deserialize)]
struct QrResponse {
    ticket: Option<String>,
    expire_seconds: Option<u64>,
    url: Option<String>,
    errcode: Option<i64>,
    errmsg: Option<String>,
}

impl WechatApi {
    pub fn new(base_url: &str, appid: &str, app_secret: Secret, upstream: Upstream, kv: SharedKv) -> Self {
        Self { base_url: base_url.trim_end_matches('/').to_owned(), appid: appid.to_owned(), app_secret, upstream, kv }
    }

    fn token_key(&self) -> String {
        format!("wechat:access_token:{}", self.appid)
    }

    /// The access token, from the shared cache or a fresh `stable_token` call.
    async fn access_token(&self, force_refresh: bool) -> anyhow::Result<String> {
        if !force_refresh {
            match self.kv.get(&self.token_key()).await {
                Ok(Some(token)) => return Ok(token),
                Ok(None) => {}
                // `stable_token` hands out the same token again: ask WeChat instead.
                Err(error) => tracing::warn!(error = format!("{error:#}"), "access token cache unavailable"),
            }
        }
        let request = self.upstream.http().post(format!("{}/cgi-bin/stable_token", self.base_url)).json(&json!({
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self.app_secret.expose(),
            "force_refresh": force_refresh,
        }));
        let response: TokenResponse = self
            .upstream
            .call(async {
                let response =
                    request.send().await.map_err(reqwest::Error::without_url).context("stable_token request failed")?;
                response.json().await.map_err(reqwest::Error::without_url).context("stable_token answer is not JSON")
            })
            .await?;
        let (Some(token), Some(expires_in)) = (response.access_token, response.expires_in) else {
            bail!("stable_token refused: {:?} {:?}", response.errcode, response.errmsg);
        };
        // Refresh five minutes early: WeChat keeps the old token valid that long.
        let ttl = Duration::from_secs(expires_in.saturating_sub(300).max(60));
        if let Err(error) = self.kv.set(&self.token_key(), &token, ttl).await {
            tracing::warn!(error = format!("{error:#}"), "access token not cached");
        }
        Ok(token)
    }

    /// Creates a temporary `QR_STR_SCENE` code for `scene`.
    pub async fn create_scene_qr(&self, scene: &str, expire_seconds: u64) -> anyhow::Result<QrCode> {
        let body = json!({
            "expire_seconds": expire_seconds.min(2_592_000),
            "action_name": "QR_STR_SCENE",
            "action_info": { "scene": { "scene_str": scene } },
        });
        let mut force_refresh = false;
        loop {
            let token = self.access_token(force_refresh).await?;
            let request = self
                .upstream
                .http()
                .post(format!("{}/cgi-bin/qrcode/create", self.base_url))
                .query(&[("access_token", token.as_str())])
                .json(&body);
            let response: QrResponse = self
                .upstream
                .call(async {
                    // The URL carries the access token: keep it out of errors and logs.
                    let response = request
                        .send()
                        .await
                        .map_err(reqwest::Error::without_url)
                        .context("qrcode/create request failed")?;
                    response
                        .json()
                        .await
                        .map_err(reqwest::Error::without_url)
                        .context("qrcode/create answer is not JSON")
                })
                .await?;
            match response {
                QrResponse { ticket: Some(ticket), url: Some(url), expire_seconds, .. } => {
                    return Ok(QrCode {
                        ticket,
                        url,
                        expire_seconds: expire_seconds.unwrap_or(expire_seconds_default(&body)),
                    });
                }
                QrResponse { errcode: Some(code), .. } if TOKEN_ERRORS.contains(&code) && !force_refresh => {
                    force_refresh = true;
                }
                QrResponse { errcode, errmsg, .. } => bail!("qrcode/create refused: {errcode:?} {errmsg:?}"),
            }
        }
    }
}

fn expire_seconds_default(body: &serde_json::Value) -> u64 {
    body["expire_seconds"].as_u64().unwrap_or(0)
}
