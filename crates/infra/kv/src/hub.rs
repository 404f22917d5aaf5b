//! Local fan-out of notifications to the tasks of this process that wait on a channel.
//! Subscribing, publishing and dropping a subscription are O(1): a channel lives
//! exactly as long as it has subscribers.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, Weak},
};

use tokio::sync::watch;

type Channels = Mutex<HashMap<String, watch::Sender<u64>>>;

#[derive(Default, Clone)]
pub(crate) struct Hub {
    channels: Arc<Channels>,
}

/// A live subscription to one channel; [`Subscription::notified`] resolves on the next
/// publish after the subscription was made.
pub struct Subscription {
    receiver: Option<watch::Receiver<u64>>,
    channel: String,
    hub: Weak<Channels>,
}

impl Subscription {
    /// Waits for the next notification. Returns `false` if the hub went away.
    pub async fn notified(&mut self) -> bool {
        match &mut self.receiver {
            Some(receiver) => receiver.changed().await.is_ok(),
            None => false,
        }
    }
}

impl Drop for Subscription {
    /// The last subscriber removes its channel.
    fn drop(&mut self) {
        self.receiver = None;
        if let Some(channels) = self.hub.upgrade() {
            let mut channels = lock(&channels);
            if channels.get(&self.channel).is_some_and(|sender| sender.receiver_count() == 0) {
                channels.remove(&self.channel);
            }
        }
    }
}

fn lock(channels: &Channels) -> MutexGuard<'_, HashMap<String, watch::Sender<u64>>> {
    channels.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Hub {
    pub(crate) fn subscribe(&self, channel: &str) -> Subscription {
        let mut channels = lock(&self.channels);
        let sender = channels.entry(channel.to_owned()).or_insert_with(|| watch::channel(0).0);
        Subscription {
            receiver: Some(sender.subscribe()),
            channel: channel.to_owned(),
            hub: Arc::downgrade(&self.channels),
        }
    }

    pub(crate) fn dispatch(&self, channel: &str) {
        if let Some(sender) = lock(&self.channels).get(channel) {
            sender.send_modify(|generation| *generation += 1);
        }
    }

    #[cfg(test)]
    fn channel_count(&self) -> usize {
        lock(&self.channels).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn channels_live_as_long_as_their_subscribers() {
        let hub = Hub::default();
        let first = hub.subscribe("a");
        let mut second = hub.subscribe("a");
        let other = hub.subscribe("b");
        assert_eq!(hub.channel_count(), 2);
        drop(first);
        assert_eq!(hub.channel_count(), 2, "`a` still has a subscriber");
        hub.dispatch("a");
        assert!(second.notified().await);
        drop(second);
        drop(other);
        assert_eq!(hub.channel_count(), 0);
    }
}
