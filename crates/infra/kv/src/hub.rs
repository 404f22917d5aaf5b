//! Local fan-out of notifications to the tasks of this process that wait on a channel.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tokio::sync::watch;

#[derive(Default, Clone)]
pub(crate) struct Hub {
    channels: Arc<Mutex<HashMap<String, watch::Sender<u64>>>>,
}

/// A live subscription to one channel; [`Subscription::notified`] resolves on the next
/// publish after the subscription was made.
pub struct Subscription {
    receiver: watch::Receiver<u64>,
}

impl Subscription {
    /// Waits for the next notification. Returns `false` if the hub went away.
    pub async fn notified(&mut self) -> bool {
        self.receiver.changed().await.is_ok()
    }
}

impl Hub {
    pub(crate) fn subscribe(&self, channel: &str) -> Subscription {
        let mut channels = self.channels.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        channels.retain(|_, sender| sender.receiver_count() > 0);
        let sender = channels.entry(channel.to_owned()).or_insert_with(|| watch::channel(0).0);
        Subscription { receiver: sender.subscribe() }
    }

    pub(crate) fn dispatch(&self, channel: &str) {
        let channels = self.channels.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(sender) = channels.get(channel) {
            sender.send_modify(|generation| *generation += 1);
        }
    }
}
