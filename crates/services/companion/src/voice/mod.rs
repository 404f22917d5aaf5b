//! Voice calls (语音通话): the server checks the day's voice seconds, asks the provider
//! to start the persona's voice agent, and hands the browser a signed RTC token that
//! expires when the seconds run out. A call ends by hang-up, by the provider's
//! callback, by a missed heartbeat, or at its deadline (the server then stops it through
//! the provider). Deadlines live in the database, so a restart keeps them; the seconds
//! are accounted once, by whoever ends the call first.

pub mod api;
pub mod callback;
pub mod signing;
pub mod token;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use yujie_kernel::{auth::CurrentUser, clock::millis_to_datetime, ids::new_id};

use self::{api::VoiceAgent, token::AccessToken};
use crate::error::{CompanionError, QuotaKind, QuotaRefusal, Result};
use crate::{character::character_card, quota::quota_day, store::CallRow, Companion};

/// How often the worker looks for calls past their deadline or heartbeat.
const SWEEP: Duration = Duration::from_secs(1);

#[derive(Debug, Serialize, ToSchema)]
pub struct CallView {
    pub id: String,
    pub persona_id: String,
    /// `running` or `ended`.
    pub state: &'static str,
    pub started_at: DateTime<Utc>,
    /// When the day's voice seconds run out: the server ends the call then.
    pub deadline_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Seconds accounted, once ended.
    pub used_secs: Option<i64>,
    /// `hangup`, `provider`, `heartbeat`, `quota` or `failed`.
    pub end_reason: Option<String>,
}

/// What the browser needs to join the room.
#[derive(Debug, Serialize, ToSchema)]
pub struct RtcJoin {
    pub app_id: String,
    pub room_id: String,
    pub user_id: String,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StartedCall {
    pub call: CallView,
    pub rtc: RtcJoin,
    /// Send a heartbeat at least this often, or the call ends.
    pub heartbeat_secs: u64,
}

pub fn view(call: &CallRow) -> CallView {
    CallView {
        id: call.id.clone(),
        persona_id: call.persona_id.clone(),
        state: if call.ended_at.is_some() { "ended" } else { "running" },
        started_at: millis_to_datetime(call.started_at),
        deadline_at: millis_to_datetime(call.deadline_at),
        ended_at: call.ended_at.map(millis_to_datetime),
        used_secs: call.used_secs,
        end_reason: call.end_reason.clone(),
    }
}

impl Companion {
    pub async fn start_call(&self, user: &CurrentUser, persona_id: &str) -> Result<StartedCall> {
        let persona = self.live_persona(persona_id).await?;
        let now = self.now_ms();
        let (day, resets_at) = quota_day(self.inner.platform.clock.now());
        let left = self.inner.quota.voice_left(user, &day).await?;
        if left == 0 {
            return Err(CompanionError::QuotaUsedUp(QuotaRefusal {
                quota: QuotaKind::VoiceSecs,
                limit: self.inner.quota.voice_limit(user),
                member: user.is_member(),
                resets_at,
                now: self.inner.platform.clock.now(),
            }));
        }
        let id = new_id();
        let call = CallRow {
            room_id: format!("yj-{}", id.replace('-', "")),
            task_id: new_id(),
            id,
            user_id: user.user_id.clone(),
            persona_id: persona.id.clone(),
            day,
            started_at: now,
            deadline_at: now + i64::try_from(left).unwrap_or(i64::MAX / 2) * 1000,
            heartbeat_at: now,
            ended_at: None,
            used_secs: None,
            end_reason: None,
        };
        if !self.inner.store.start_call(&call).await? {
            return Err(CompanionError::CallInProgress);
        }
        let entries = self.inner.store.live_entries(&persona.id).await?;
        let character = character_card(&persona, &entries);
        let agent = VoiceAgent {
            room_id: &call.room_id,
            task_id: &call.task_id,
            user_id: &call.user_id,
            persona_id: &persona.id,
            character: &character,
            welcome: &format!("你好呀，我是{}（AI 陪伴角色）。", persona.name),
        };
        if let Err(error) = self.inner.rtc.start(&agent).await {
            self.inner.store.end_call(&call.id, now, None, "failed").await?;
            return Err(CompanionError::VoiceFailed(error.into()));
        }
        let expire_at = u32::try_from(call.deadline_at / 1000).unwrap_or(u32::MAX);
        let token = AccessToken {
            app_id: self.inner.rtc.app_id(),
            room_id: &call.room_id,
            user_id: &call.user_id,
            nonce: rand::random(),
            issued_at: u32::try_from(now / 1000).unwrap_or(0),
            expire_at,
        }
        .serialize(self.inner.config.voice.app_key.expose().as_bytes());
        Ok(StartedCall {
            rtc: RtcJoin {
                app_id: self.inner.rtc.app_id().to_owned(),
                room_id: call.room_id.clone(),
                user_id: call.user_id.clone(),
                token,
                expires_at: millis_to_datetime(call.deadline_at),
            },
            call: view(&call),
            heartbeat_secs: (self.inner.config.heartbeat_timeout_secs / 3).max(1),
        })
    }

    async fn own_call(&self, user_id: &str, call_id: &str) -> Result<CallRow> {
        match self.inner.store.call(call_id).await? {
            Some(call) if call.user_id == user_id => Ok(call),
            _ => Err(CompanionError::NotFound("call")),
        }
    }

    pub async fn call_view(&self, user_id: &str, call_id: &str) -> Result<CallView> {
        Ok(view(&self.own_call(user_id, call_id).await?))
    }

    pub async fn heartbeat(&self, user_id: &str, call_id: &str) -> Result<CallView> {
        let call = self.own_call(user_id, call_id).await?;
        if call.ended_at.is_none() && !self.inner.store.heartbeat(call_id, self.now_ms()).await? {
            tracing::debug!(call_id, "heartbeat raced with the end of the call");
        }
        self.call_view(user_id, call_id).await
    }

    pub async fn hang_up(&self, user_id: &str, call_id: &str) -> Result<CallView> {
        let call = self.own_call(user_id, call_id).await?;
        if call.ended_at.is_none() {
            self.end_call(&call, "hangup", true).await?;
        }
        self.call_view(user_id, call_id).await
    }

    /// Ends a call once; `stop` asks the provider to stop its agent too.
    pub(crate) async fn end_call(&self, call: &CallRow, reason: &str, stop: bool) -> Result<()> {
        if stop {
            if let Err(error) = self.inner.rtc.stop(&call.room_id, &call.task_id).await {
                tracing::warn!(call = call.id, error = %error, "could not stop the voice agent; its token expires anyway");
            }
        }
        // A silent call is billed until its heartbeat was missed, not until noticed.
        let billed_until = (reason == "heartbeat").then(|| {
            let timeout = self.inner.config.heartbeat_timeout_secs;
            call.heartbeat_at + i64::try_from(timeout).unwrap_or(i64::MAX / 2_000) * 1000
        });
        if let Some(ended) = self.inner.store.end_call(&call.id, self.now_ms(), billed_until, reason).await? {
            tracing::info!(call = call.id, reason, used_secs = ended.used_secs, "voice call ended");
            self.inner.metrics.voice_used(ended.used_secs);
        }
        Ok(())
    }

    /// A verified provider callback: a `taskStop` ends the call it names.
    pub async fn voice_callback(&self, callback: &callback::Callback) -> Result<()> {
        let secret = self.inner.config.voice.callback_secret.expose();
        if !callback.verifies(secret) || callback.app_id != self.inner.rtc.app_id() {
            return Err(CompanionError::CallbackRefused);
        }
        if !self.inner.store.first_delivery(&callback.event_id, self.now_ms()).await? {
            tracing::debug!(event_id = callback.event_id, "repeated callback delivery ignored");
            return Ok(());
        }
        let handled = self.handle_voice_event(callback).await;
        if handled.is_err() {
            // Not handled: forget the delivery so that the provider's retry is.
            self.inner.store.forget_delivery(&callback.event_id).await?;
        }
        handled
    }

    async fn handle_voice_event(&self, callback: &callback::Callback) -> Result<()> {
        let Some(event) = callback.voice_event() else {
            return Ok(());
        };
        if event.run_stage == "taskStop" {
            if let Some(call) = self.inner.store.call_by_room(&event.room_id, &event.task_id).await? {
                if call.ended_at.is_none() {
                    self.end_call(&call, "provider", false).await?;
                }
            }
        }
        Ok(())
    }
}

/// Ends calls past their deadline (quota used up) or without a heartbeat.
pub async fn worker(companion: Companion) -> anyhow::Result<()> {
    let platform = companion.inner.platform.clone();
    let silence = i64::try_from(companion.inner.config.heartbeat_timeout_secs)? * 1000;
    loop {
        tokio::select! {
            () = platform.shutdown.cancelled() => return Ok(()),
            () = tokio::time::sleep(SWEEP) => {}
        }
        let now = companion.now_ms();
        let overdue = match companion.inner.store.overdue_calls(now, now - silence).await {
            Ok(overdue) => overdue,
            Err(error) => {
                tracing::warn!(error = %error, "cannot read running calls");
                continue;
            }
        };
        for call in overdue {
            let reason = if call.deadline_at <= now { "quota" } else { "heartbeat" };
            if let Err(error) = companion.end_call(&call, reason, true).await {
                tracing::warn!(call = call.id, error = %error, "could not end an overdue call");
            }
        }
    }
}
