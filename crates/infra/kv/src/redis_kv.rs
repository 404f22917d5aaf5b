use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Weak,
    },
    time::{Duration, Instant},
};

use anyhow::Context as _;
use futures::StreamExt as _;
use redis::{
    aio::{ConnectionManager, ConnectionManagerConfig},
    AsyncCommands as _, Script,
};

use crate::{hub::Hub, Kv, Subscription};

/// Redis-backed store shared by every instance. Notifications travel over one pattern
/// subscription per process and are fanned out locally by the [`Hub`].
pub struct RedisKv {
    connection: ConnectionManager,
    prefix: String,
    hub: Arc<Hub>,
    window_script: Script,
    refund_script: Script,
    capped_script: Script,
    breaker: Breaker,
}

const WINDOW_SCRIPT: &str = r"
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
";

/// INCR only below the limit (ARGV[1]); a new key gets the window (ARGV[2] ms).
const CAPPED_SCRIPT: &str = r"
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then
  return -1
end
count = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return count
";

/// DECR keeps the key's expiry; a key that expired is not brought back.
const REFUND_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) and tonumber(redis.call('GET', KEYS[1])) > 0 then
  redis.call('DECR', KEYS[1])
end
return 0
";

/// Bounds on every wait for Redis, so that an outage is an error within seconds (rate
/// limits then fail open, caches fall back to the database) rather than a hang.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(1);
/// The pause between reconnect attempts.
const RECONNECT_DELAY_MS: u64 = 1_000;
/// How long `connect` may take before the process gives up starting.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// After a failed operation, further ones fail at once for this long instead of each
/// waiting out its timeout: a request touching the store several times stays fast
/// while Redis is away.
const BACK_OFF: Duration = Duration::from_secs(2);

/// When operations may try Redis again (a breaker that opens on failure).
struct Breaker {
    started: Instant,
    open_until_ms: AtomicU64,
}

impl Breaker {
    fn new() -> Self {
        Self { started: Instant::now(), open_until_ms: AtomicU64::new(0) }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Runs one operation under [`OPERATION_TIMEOUT`] (also while the connection manager
    /// is reconnecting), unless a recent failure says Redis is away.
    async fn run<T>(&self, operation: impl std::future::Future<Output = redis::RedisResult<T>>) -> anyhow::Result<T> {
        if self.now_ms() < self.open_until_ms.load(Ordering::Relaxed) {
            anyhow::bail!("Redis is unavailable (a recent operation failed)");
        }
        self.attempt(operation).await
    }

    /// Always tries, under the timeout: for writes that must not be skipped because an
    /// unrelated call failed a moment ago (a ban or a revocation replacing a cached entry).
    async fn attempt<T>(
        &self,
        operation: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> anyhow::Result<T> {
        let failed = |error: anyhow::Error| {
            self.open_until_ms.store(self.now_ms() + BACK_OFF.as_millis() as u64, Ordering::Relaxed);
            error
        };
        match tokio::time::timeout(OPERATION_TIMEOUT, operation).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) if error.is_io_error() || error.is_connection_dropped() || error.is_timeout() => {
                Err(failed(error.into()))
            }
            Ok(Err(error)) => Err(error.into()),
            Err(_) => Err(failed(anyhow::anyhow!("Redis did not answer within {OPERATION_TIMEOUT:?}"))),
        }
    }
}

impl RedisKv {
    pub async fn connect(url: &str, prefix: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url).context("invalid Redis URL")?;
        // Reconnect attempts 1 s apart. The crate's default factor (100, read by its
        // backoff as a multiplier on a 1 s minimum) puts a minute between the first and
        // second attempt: every request waited out a Redis blip for that long.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(CONNECT_TIMEOUT)
            .set_response_timeout(OPERATION_TIMEOUT)
            .set_number_of_retries(2)
            .set_factor(1)
            .set_max_delay(RECONNECT_DELAY_MS);
        let connection =
            tokio::time::timeout(START_TIMEOUT, ConnectionManager::new_with_config(client.clone(), config))
                .await
                .map_err(|_| anyhow::anyhow!("Redis did not answer within {START_TIMEOUT:?}"))?
                .context("cannot connect to Redis")?;
        let hub = Arc::new(Hub::default());
        let pattern = format!("{prefix}:notify:*");
        let mut pubsub = tokio::time::timeout(START_TIMEOUT, client.get_async_pubsub())
            .await
            .map_err(|_| anyhow::anyhow!("Redis pub/sub did not answer within {START_TIMEOUT:?}"))?
            .context("cannot open Redis pub/sub")?;
        pubsub.psubscribe(&pattern).await?;
        tokio::spawn(forward_notifications(client, pubsub, pattern, Arc::downgrade(&hub)));
        Ok(Self {
            connection,
            prefix: prefix.to_owned(),
            hub,
            window_script: Script::new(WINDOW_SCRIPT),
            refund_script: Script::new(REFUND_SCRIPT),
            capped_script: Script::new(CAPPED_SCRIPT),
            breaker: Breaker::new(),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }

    fn channel(&self, channel: &str) -> String {
        format!("{}:notify:{channel}", self.prefix)
    }
}

/// Forwards pub/sub messages to local waiters until the store is dropped, reconnecting
/// when the connection breaks. Waiters also re-read their state periodically, so a
/// message lost during a reconnect only delays them.
async fn forward_notifications(client: redis::Client, mut pubsub: redis::aio::PubSub, pattern: String, hub: Weak<Hub>) {
    let prefix_len = pattern.len() - 1;
    loop {
        {
            let mut messages = pubsub.on_message();
            loop {
                let next = tokio::time::timeout(Duration::from_secs(5), messages.next()).await;
                let Some(hub) = hub.upgrade() else { return };
                match next {
                    Ok(Some(message)) => {
                        let channel = message.get_channel_name();
                        if let Some(name) = channel.get(prefix_len..) {
                            hub.dispatch(name);
                        }
                    }
                    Ok(None) => break,
                    Err(_idle) => {}
                }
            }
        }
        tracing::warn!("Redis pub/sub connection lost; reconnecting");
        loop {
            if hub.strong_count() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
            if let Ok(mut fresh) = client.get_async_pubsub().await {
                if fresh.psubscribe(&pattern).await.is_ok() {
                    pubsub = fresh;
                    break;
                }
            }
        }
    }
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[async_trait::async_trait]
impl Kv for RedisKv {
    async fn get(&self, key: &str) -> anyhow::Result<Option<String>> {
        self.breaker.run(self.connection.clone().get(self.key(key))).await
    }

    async fn set(&self, key: &str, value: &str, ttl: Duration) -> anyhow::Result<()> {
        let options = redis::SetOptions::default().with_expiration(redis::SetExpiry::PX(millis(ttl)));
        let _: () = self.breaker.attempt(self.connection.clone().set_options(self.key(key), value, options)).await?;
        Ok(())
    }

    async fn set_if_absent(&self, key: &str, value: &str, ttl: Duration) -> anyhow::Result<bool> {
        let options = redis::SetOptions::default()
            .conditional_set(redis::ExistenceCheck::NX)
            .with_expiration(redis::SetExpiry::PX(millis(ttl)));
        let reply: Option<String> =
            self.breaker.run(self.connection.clone().set_options(self.key(key), value, options)).await?;
        Ok(reply.is_some())
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        let _: () = self.breaker.attempt(self.connection.clone().del(self.key(key))).await?;
        Ok(())
    }

    async fn incr_window(&self, key: &str, window: Duration) -> anyhow::Result<(u64, Duration)> {
        let mut connection = self.connection.clone();
        let (count, ttl_ms): (u64, u64) = self
            .breaker
            .run(self.window_script.key(self.key(key)).arg(millis(window)).invoke_async(&mut connection))
            .await?;
        Ok((count, Duration::from_millis(ttl_ms)))
    }

    async fn incr_capped(&self, key: &str, limit: u64, window: Duration) -> anyhow::Result<Option<u64>> {
        let mut connection = self.connection.clone();
        let mut invocation = self.capped_script.key(self.key(key));
        invocation.arg(limit).arg(millis(window));
        let count: i64 = self.breaker.run(invocation.invoke_async(&mut connection)).await?;
        Ok(u64::try_from(count).ok())
    }

    async fn decr_window(&self, key: &str) -> anyhow::Result<()> {
        let mut connection = self.connection.clone();
        let _: i64 = self.breaker.run(self.refund_script.key(self.key(key)).invoke_async(&mut connection)).await?;
        Ok(())
    }

    async fn publish(&self, channel: &str) -> anyhow::Result<()> {
        let _: () = self.breaker.run(self.connection.clone().publish(self.channel(channel), "1")).await?;
        Ok(())
    }

    fn subscribe(&self, channel: &str) -> Subscription {
        self.hub.subscribe(channel)
    }

    async fn ping(&self) -> anyhow::Result<()> {
        let mut connection = self.connection.clone();
        let _: String = self.breaker.run(redis::cmd("PING").query_async(&mut connection)).await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "redis"
    }
}
