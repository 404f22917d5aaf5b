//! Daily quotas (Asia/Shanghai days): messages and voice seconds.
//!
//! A message is taken atomically, never checked then deducted: with Redis by one script
//! (INCR below the limit), without it by one conditional UPDATE in SQL. Either is exact
//! across instances. Voice seconds are always in SQL: a call ends in one transaction
//! that accounts its seconds (see `store::calls`).

use std::time::Duration;

use chrono::{DateTime, NaiveTime, TimeZone as _, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use yujie_kernel::{auth::CurrentUser, clock::shanghai, Clock};
use yujie_kv::SharedKv;

use crate::config::CompanionConfig;
use crate::error::{CompanionError, QuotaKind, QuotaRefusal, Result};
use crate::store::{CompanionStore, UsageKind};

/// Message counters live two days in Redis, past any clock skew around midnight.
const KV_WINDOW: Duration = Duration::from_secs(2 * 24 * 3600);

/// Which Asia/Shanghai day `now` falls in, and when the next one starts.
pub fn quota_day(now: DateTime<Utc>) -> (String, DateTime<Utc>) {
    let local = now.with_timezone(&shanghai());
    let tomorrow = local.date_naive().succ_opt().unwrap_or(local.date_naive());
    let reset = shanghai()
        .from_local_datetime(&tomorrow.and_time(NaiveTime::MIN))
        .single()
        .map_or(now, |reset| reset.with_timezone(&Utc));
    (local.format("%Y-%m-%d").to_string(), reset)
}

/// What is left today, for the app.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaView {
    pub member: bool,
    pub messages_limit: u64,
    pub messages_left: u64,
    pub voice_secs_limit: u64,
    pub voice_secs_left: u64,
    /// 00:00 Asia/Shanghai of the next day.
    pub resets_at: DateTime<Utc>,
}

/// A message taken from today's quota; give it back if the reply fails before it starts.
#[derive(Debug, Clone)]
pub struct TakenMessage {
    pub user_id: String,
    pub day: String,
}

#[derive(Clone)]
pub struct Quota {
    store: CompanionStore,
    /// Redis when configured; `None` keeps the counters in SQL.
    kv: Option<SharedKv>,
    clock: Clock,
    config: CompanionConfig,
}

impl Quota {
    pub fn new(store: CompanionStore, kv: SharedKv, clock: Clock, config: CompanionConfig) -> Self {
        let kv = (kv.backend() == "redis").then_some(kv);
        Self { store, kv, clock, config }
    }

    fn message_limit(&self, user: &CurrentUser) -> u64 {
        if user.is_member() {
            self.config.member_daily_messages
        } else {
            self.config.daily_messages
        }
    }

    pub fn voice_limit(&self, user: &CurrentUser) -> u64 {
        if user.is_member() {
            self.config.member_daily_voice_secs
        } else {
            self.config.daily_voice_secs
        }
    }

    fn kv_key(user_id: &str, day: &str) -> String {
        format!("companion:messages:{user_id}:{day}")
    }

    /// Takes one message from today's quota, or refuses with when it resets.
    pub async fn take_message(&self, user: &CurrentUser) -> Result<TakenMessage> {
        let (day, resets_at) = quota_day(self.clock.now());
        let limit = self.message_limit(user);
        let taken = match &self.kv {
            Some(kv) => kv
                .incr_capped(&Self::kv_key(&user.user_id, &day), limit, KV_WINDOW)
                .await
                .map_err(CompanionError::QuotaUnavailable)?
                .is_some(),
            None => self.store.take(&user.user_id, &day, UsageKind::Message, 1, limit).await?,
        };
        if !taken {
            return Err(self.refusal(user.is_member(), limit, resets_at));
        }
        Ok(TakenMessage { user_id: user.user_id.clone(), day })
    }

    fn refusal(&self, member: bool, limit: u64, resets_at: DateTime<Utc>) -> CompanionError {
        let now = self.clock.now();
        CompanionError::QuotaUsedUp(QuotaRefusal { quota: QuotaKind::Messages, limit, member, resets_at, now })
    }

    /// Gives a message back (the provider failed before its first token).
    pub async fn give_back(&self, taken: &TakenMessage) {
        let result = match &self.kv {
            Some(kv) => kv.decr_window(&Self::kv_key(&taken.user_id, &taken.day)).await,
            None => self.store.give_back(&taken.user_id, &taken.day, UsageKind::Message, 1).await.map_err(Into::into),
        };
        if let Err(error) = result {
            tracing::warn!(error = format!("{error:#}"), "could not give a message back");
        }
    }

    async fn messages_used(&self, user_id: &str, day: &str) -> Result<u64> {
        Ok(match &self.kv {
            Some(kv) => kv.counter(&Self::kv_key(user_id, day)).await.map_err(CompanionError::QuotaUnavailable)?,
            None => self.store.used(user_id, day, UsageKind::Message).await?,
        })
    }

    /// Voice seconds left today.
    pub async fn voice_left(&self, user: &CurrentUser, day: &str) -> Result<u64> {
        let used = self.store.used(&user.user_id, day, UsageKind::VoiceSecs).await?;
        Ok(self.voice_limit(user).saturating_sub(used))
    }

    pub async fn view(&self, user: &CurrentUser) -> Result<QuotaView> {
        let (day, resets_at) = quota_day(self.clock.now());
        let messages_limit = self.message_limit(user);
        let used = self.messages_used(&user.user_id, &day).await?;
        Ok(QuotaView {
            member: user.is_member(),
            messages_limit,
            messages_left: messages_limit.saturating_sub(used),
            voice_secs_limit: self.voice_limit(user),
            voice_secs_left: self.voice_left(user, &day).await?,
            resets_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_turns_at_midnight_in_shanghai() {
        let before = DateTime::parse_from_rfc3339("2026-12-02T15:59:59Z").map(|t| t.with_timezone(&Utc));
        let after = DateTime::parse_from_rfc3339("2026-12-02T16:00:00Z").map(|t| t.with_timezone(&Utc));
        let (Ok(before), Ok(after)) = (before, after) else { panic!("bad fixture") };
        assert_eq!(quota_day(before).0, "2026-12-02");
        assert_eq!(quota_day(before).1, after);
        assert_eq!(quota_day(after).0, "2026-12-03");
    }
}
