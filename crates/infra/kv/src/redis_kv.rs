use std::{
    sync::{Arc, Weak},
    time::Duration,
};

use anyhow::Context as _;
use futures::StreamExt as _;
use redis::{aio::ConnectionManager, AsyncCommands as _, Script};

use crate::{hub::Hub, Kv, Subscription};

/// Redis-backed store shared by every instance. Notifications travel over one pattern
/// subscription per process and are fanned out locally by the [`Hub`].
pub struct RedisKv {
    connection: ConnectionManager,
    prefix: String,
    hub: Arc<Hub>,
    window_script: Script,
    refund_script: Script,
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

/// DECR keeps the key's expiry; a key that expired is not brought back.
const REFUND_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) and tonumber(redis.call('GET', KEYS[1])) > 0 then
  redis.call('DECR', KEYS[1])
end
return 0
";

impl RedisKv {
    pub async fn connect(url: &str, prefix: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url).context("invalid Redis URL")?;
        let connection = ConnectionManager::new(client.clone()).await.context("cannot connect to Redis")?;
        let hub = Arc::new(Hub::default());
        let pattern = format!("{prefix}:notify:*");
        let mut pubsub = client.get_async_pubsub().await.context("cannot open Redis pub/sub")?;
        pubsub.psubscribe(&pattern).await?;
        tokio::spawn(forward_notifications(client, pubsub, pattern, Arc::downgrade(&hub)));
        Ok(Self {
            connection,
            prefix: prefix.to_owned(),
            hub,
            window_script: Script::new(WINDOW_SCRIPT),
            refund_script: Script::new(REFUND_SCRIPT),
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
        Ok(self.connection.clone().get(self.key(key)).await?)
    }

    async fn set(&self, key: &str, value: &str, ttl: Duration) -> anyhow::Result<()> {
        let options = redis::SetOptions::default().with_expiration(redis::SetExpiry::PX(millis(ttl)));
        let _: () = self.connection.clone().set_options(self.key(key), value, options).await?;
        Ok(())
    }

    async fn set_if_absent(&self, key: &str, value: &str, ttl: Duration) -> anyhow::Result<bool> {
        let options = redis::SetOptions::default()
            .conditional_set(redis::ExistenceCheck::NX)
            .with_expiration(redis::SetExpiry::PX(millis(ttl)));
        let reply: Option<String> = self.connection.clone().set_options(self.key(key), value, options).await?;
        Ok(reply.is_some())
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        let _: () = self.connection.clone().del(self.key(key)).await?;
        Ok(())
    }

    async fn incr_window(&self, key: &str, window: Duration) -> anyhow::Result<(u64, Duration)> {
        let (count, ttl_ms): (u64, u64) = self
            .window_script
            .key(self.key(key))
            .arg(millis(window))
            .invoke_async(&mut self.connection.clone())
            .await?;
        Ok((count, Duration::from_millis(ttl_ms)))
    }

    async fn decr_window(&self, key: &str) -> anyhow::Result<()> {
        let _: i64 = self.refund_script.key(self.key(key)).invoke_async(&mut self.connection.clone()).await?;
        Ok(())
    }

    async fn publish(&self, channel: &str) -> anyhow::Result<()> {
        let _: () = self.connection.clone().publish(self.channel(channel), "1").await?;
        Ok(())
    }

    fn subscribe(&self, channel: &str) -> Subscription {
        self.hub.subscribe(channel)
    }

    async fn ping(&self) -> anyhow::Result<()> {
        let _: String = redis::cmd("PING").query_async(&mut self.connection.clone()).await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "redis"
    }
}
