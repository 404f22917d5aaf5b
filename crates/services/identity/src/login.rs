//! Sign-in by WeChat QR: create an attempt, accept the scan pushed to the callback,
//! and complete the attempt for the browser that waits on it.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yujie_kernel::{auth::banned_error, clock::millis_to_datetime, ids::random_hex, wait::Polled, ApiError};

use crate::config::WechatMessageMode;
use crate::error::{IdentityError, Result};
use crate::{
    sessions::TokenPair,
    store::{AttemptRow, AttemptStatus, ScanOutcome},
    wechat::{
        crypto::{signature, signature_matches},
        message::{encrypted_reply, text_reply, Envelope, EventMessage},
    },
    Identity,
};

/// WeChat's timestamps more than this far from our clock are refused as replays.
const MAX_CLOCK_SKEW_SECS: i64 = 300;
/// How long a processed event is remembered to drop WeChat's retries.
const EVENT_DEDUPE_TTL: Duration = Duration::from_secs(3600);
/// A waiter re-reads the attempt this often even without a notification.
pub(crate) const WAIT_POLL: Duration = Duration::from_secs(2);

/// A new sign-in attempt: show `qr_content` as a QR code, then wait on `login_id`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginQr {
    /// Opaque id of this attempt; only its holder can receive the tokens.
    pub login_id: String,
    /// The text to render as a QR code (WeChat's `url`).
    pub qr_content: String,
    /// WeChat's hosted image of the same QR code.
    pub qr_image_url: String,
    pub ticket: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The query WeChat adds to every callback request.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    pub signature: Option<String>,
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
    pub echostr: Option<String>,
    pub encrypt_type: Option<String>,
    pub msg_signature: Option<String>,
}

/// The state of an attempt, as the waiting browser sees it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LoginStatus {
    /// Not scanned yet; wait again.
    Pending { expires_at: chrono::DateTime<chrono::Utc> },
    /// Scanned: the tokens of the new session.
    Completed(TokenPair),
}

fn refused(detail: impl Into<String>) -> IdentityError {
    IdentityError::CallbackRefused(detail.into())
}

impl Identity {
    pub async fn create_login(&self) -> Result<LoginQr> {
        let config = &self.inner.config;
        let scene = random_hex(16);
        let login_id = random_hex(16);
        let qr = self.inner.wechat.create_scene_qr(&scene, config.qr_expire_secs).await.map_err(|error| {
            tracing::error!(error = format!("{error:#}"), "WeChat QR creation failed");
            IdentityError::WechatFailed(error)
        })?;
        let now = self.now_ms();
        let lifetime_secs = qr.expire_seconds.clamp(1, config.qr_expire_secs);
        let expires_at = now + i64::try_from(lifetime_secs).unwrap_or(300) * 1000;
        self.inner.store.insert_attempt(&login_id, &scene, &qr.ticket, expires_at, now).await?;
        self.inner.metrics.login("qr_created");
        Ok(LoginQr {
            login_id,
            qr_image_url: format!("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket={}", url_encode(&qr.ticket)),
            qr_content: qr.url,
            ticket: qr.ticket,
            expires_at: millis_to_datetime(expires_at),
        })
    }

    fn check_request_signature(&self, query: &CallbackQuery) -> Result<(String, String)> {
        let token = self.inner.config.token.expose();
        let (Some(presented), Some(timestamp), Some(nonce)) = (&query.signature, &query.timestamp, &query.nonce) else {
            return Err(refused("signature, timestamp and nonce are required"));
        };
        if !signature_matches(&[token, timestamp, nonce], presented) {
            return Err(refused("the signature does not match"));
        }
        let sent_at = timestamp.parse::<i64>().map_err(|_| refused("the timestamp is not a number"))?;
        if (self.now_ms() / 1000 - sent_at).abs() > MAX_CLOCK_SKEW_SECS {
            return Err(refused("the timestamp is too far from our clock"));
        }
        Ok((timestamp.clone(), nonce.clone()))
    }

    /// URL verification (a GET when the callback URL is configured): echo `echostr`.
    pub fn verify_callback_url(&self, query: &CallbackQuery) -> Result<String> {
        self.check_request_signature(query)?;
        query.echostr.clone().ok_or_else(|| IdentityError::invalid("echostr", "is required"))
    }

    /// Handles one pushed message and returns the body to answer WeChat with.
    pub async fn handle_callback(&self, query: &CallbackQuery, body: &str) -> Result<String> {
        let result = self.process_callback(query, body).await;
        match &result {
            Ok(_) => {}
            Err(error @ IdentityError::CallbackRefused(_)) => {
                tracing::warn!(reason = %error, "WeChat callback refused");
                self.inner.metrics.wechat_event("refused");
            }
            Err(error) => {
                tracing::warn!(reason = %error, "WeChat callback failed");
                self.inner.metrics.wechat_event("failed");
            }
        }
        result
    }

    async fn process_callback(&self, query: &CallbackQuery, body: &str) -> Result<String> {
        let (timestamp, nonce) = self.check_request_signature(query)?;
        let encrypted = query.encrypt_type.as_deref() == Some("aes");
        let mode = self.inner.config.message_mode;
        let xml = match (encrypted, mode, &self.inner.cipher) {
            (false, WechatMessageMode::Safe, _) => return Err(refused("plain messages are refused in safe mode")),
            (true, WechatMessageMode::Plain, _) | (true, _, None) => {
                return Err(refused("encrypted messages are not configured"))
            }
            (false, _, _) => body.to_owned(),
            (true, _, Some(cipher)) => {
                let envelope: Envelope = quick_xml::de::from_str(body).map_err(malformed)?;
                let encrypt = envelope.encrypt.ok_or_else(|| malformed("the Encrypt element is missing"))?;
                let token = self.inner.config.token.expose();
                let presented = query.msg_signature.as_deref().unwrap_or_default();
                if !signature_matches(&[token, &timestamp, &nonce, &encrypt], presented) {
                    return Err(refused("msg_signature does not match"));
                }
                cipher.decrypt(&encrypt).map_err(|error| refused(error.to_string()))?
            }
        };
        let message = EventMessage::parse(&xml).map_err(malformed)?;
        let original_id = &self.inner.config.original_id;
        if !original_id.is_empty() && message.to_user_name != *original_id {
            return Err(refused("ToUserName is not our official account"));
        }
        let Some(scan) = message.scan() else {
            self.inner.metrics.wechat_event("ignored");
            return Ok("success".to_owned());
        };
        let kv = &self.inner.platform.kv;
        // WeChat suggests FromUserName + CreateTime; the ticket tells two quick scans of
        // different codes apart, while a retry of one event repeats all three.
        let dedupe_key = format!("wechat:event:{}:{}:{}", scan.openid, scan.create_time, scan.ticket);
        match kv.set_if_absent(&dedupe_key, "1", EVENT_DEDUPE_TTL).await {
            Ok(true) => {}
            Ok(false) => {
                self.inner.metrics.wechat_event("duplicate");
                return Ok("success".to_owned());
            }
            // Without the store, a retried event reaches the database, which accepts a
            // scan once: the retry at most gets the "already used" reply.
            Err(error) => tracing::warn!(error = format!("{error:#}"), "scan dedupe unavailable; going on without it"),
        }
        let outcome = self
            .inner
            .store
            .accept_scan(&scan.ticket, &scan.scene, &scan.openid, message.union_id.as_deref(), self.now_ms())
            .await;
        let text = match outcome {
            Ok(ScanOutcome::Accepted { attempt_id, user_id }) => {
                self.inner.metrics.wechat_event("accepted");
                tracing::info!(user_id, new_follower = scan.new_follower, "sign-in QR code scanned");
                if let Err(error) = kv.publish(&login_channel(&attempt_id)).await {
                    // The waiter also polls, so it still completes, a little later.
                    tracing::warn!(error = format!("{error:#}"), "cannot notify the login waiter");
                }
                "扫码成功，请回到网页继续。"
            }
            Ok(ScanOutcome::Refused) => {
                self.inner.metrics.wechat_event("stale_scene");
                "二维码已过期或已使用，请在网页上刷新二维码后重新扫码。"
            }
            Err(error) => {
                // Forget the event so that WeChat's retry is processed.
                let _ = kv.delete(&dedupe_key).await;
                return Err(error.into());
            }
        };
        let reply = text_reply(&scan.openid, &message.to_user_name, self.now_ms() / 1000, text);
        Ok(if encrypted { self.encrypt_reply(&reply) } else { reply })
    }

    fn encrypt_reply(&self, reply: &str) -> String {
        let Some(cipher) = &self.inner.cipher else { return "success".to_owned() };
        let encrypt = cipher.encrypt(reply);
        let timestamp = (self.now_ms() / 1000).to_string();
        let nonce = random_hex(8);
        let token = self.inner.config.token.expose();
        let msg_signature = signature(&[token, &timestamp, &nonce, &encrypt]);
        encrypted_reply(&encrypt, &msg_signature, &timestamp, &nonce)
    }

    /// Waits up to `timeout` for the attempt to be scanned, then completes it once.
    /// Waiters on one attempt share one reader.
    pub async fn wait_login(&self, login_id: &str, timeout: Duration) -> Result<LoginStatus> {
        let mut attempt = self.inner.store.attempt(login_id).await?.ok_or_else(|| IdentityError::NotFound("login"))?;
        let until_expiry = Duration::from_millis(u64::try_from(attempt.expires_at - self.now_ms()).unwrap_or(0));
        let wait = timeout.min(until_expiry);
        if attempt.status() == AttemptStatus::Pending && !wait.is_zero() {
            let identity = self.clone();
            let id = login_id.to_owned();
            let mut updates = self.inner.login_polls.watch(id.clone(), login_channel(login_id), move || {
                let (identity, id) = (identity.clone(), id.clone());
                async move {
                    let attempt = identity.inner.store.attempt(&id).await?;
                    let attempt = attempt.ok_or_else(|| anyhow::anyhow!("sign-in attempt {id} is gone"))?;
                    let settled = attempt.status() != AttemptStatus::Pending;
                    Ok(Polled { value: attempt, settled })
                }
            });
            let scanned = |latest: &Option<AttemptRow>| {
                latest.as_ref().is_some_and(|attempt| attempt.status() != AttemptStatus::Pending)
            };
            // A shutdown ends the wait with the state as it is, so that draining is quick.
            tokio::select! {
                _ = tokio::time::timeout(wait, updates.wait_for(scanned)) => {}
                () = self.inner.platform.shutdown.cancelled() => {}
            }
            let latest = updates.borrow().clone();
            if let Some(latest) = latest {
                attempt = latest;
            }
        }
        match attempt.status() {
            AttemptStatus::Completed => Err(IdentityError::LoginAlreadyUsed),
            AttemptStatus::Scanned => self.complete_login(login_id, attempt.user_id.as_deref()).await,
            AttemptStatus::Pending if attempt.expires_at <= self.now_ms() => {
                self.inner.metrics.login("expired");
                Err(IdentityError::LoginExpired)
            }
            AttemptStatus::Pending => Ok(LoginStatus::Pending { expires_at: millis_to_datetime(attempt.expires_at) }),
        }
    }

    async fn complete_login(&self, login_id: &str, user_id: Option<&str>) -> Result<LoginStatus> {
        if !self.inner.store.complete_attempt(login_id, self.now_ms()).await? {
            return Err(IdentityError::LoginAlreadyUsed);
        }
        let user_id = user_id.ok_or_else(|| ApiError::internal(anyhow::anyhow!("scanned attempt without user")))?;
        let user = self.inner.store.user(user_id).await?.ok_or_else(|| IdentityError::NotFound("user"))?;
        if let Some(until) = user.banned_until.filter(|until| *until > self.now_ms()) {
            self.inner.metrics.login("banned");
            return Err(banned_error(until, user.ban_reason.as_deref()).into());
        }
        let tokens = self.issue_session(&user).await?;
        self.inner.metrics.login("completed");
        Ok(LoginStatus::Completed(tokens))
    }
}

fn login_channel(login_id: &str) -> String {
    format!("login:{login_id}")
}

fn malformed(error: impl std::fmt::Display) -> IdentityError {
    IdentityError::MalformedMessage(error.to_string())
}

fn url_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
