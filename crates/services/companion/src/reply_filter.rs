//! The AI's reply passes the sensitive-word filter while it streams: the filter holds
//! back a tail as long as the longest word, so a word split across chunks is caught
//! before any of it reaches the client. A block (or review) word ends the reply with a
//! polite change of topic and stops the provider.

use yujie_kernel::safety::{Hit, Safety, StreamFilter, StreamStep};

/// What ends a reply the filter stopped.
pub const CHANGE_OF_TOPIC: &str = "……这个话题我们就聊到这里吧，换个话题好不好？";

/// What the relay may show after a chunk.
#[derive(Debug, PartialEq, Eq)]
pub enum Filtered {
    /// Safe text (masked where needed); may be empty while the filter holds a tail.
    Show(String),
    /// The safe text before a stopped word, with the change of topic; the reply is over.
    Stopped(String),
}

pub struct ReplyFilter {
    safety: Safety,
    stream: StreamFilter,
    /// Hits with their ranges in the text as streamed, for the audit.
    hits: Vec<Hit>,
}

impl ReplyFilter {
    pub fn new(safety: &Safety) -> Self {
        Self { safety: safety.clone(), stream: safety.stream(), hits: Vec::new() }
    }

    pub fn push(&mut self, chunk: &str) -> Filtered {
        let step = self.stream.push(chunk);
        self.take(step)
    }

    pub fn finish(&mut self) -> Filtered {
        let step = self.stream.finish();
        self.take(step)
    }

    /// The provider replaced the whole reply: it is filtered afresh, with nothing held.
    pub fn replace(&mut self, whole: &str) -> Filtered {
        self.stream = self.safety.stream();
        match self.push(whole) {
            Filtered::Show(mut shown) => match self.finish() {
                Filtered::Show(rest) => {
                    shown.push_str(&rest);
                    Filtered::Show(shown)
                }
                Filtered::Stopped(rest) => Filtered::Stopped(shown + &rest),
            },
            stopped => stopped,
        }
    }

    fn take(&mut self, step: StreamStep) -> Filtered {
        match step {
            StreamStep::Emit { text, hits } => {
                self.hits.extend(hits);
                Filtered::Show(text)
            }
            StreamStep::Blocked { text, hit } => {
                self.hits.push(hit);
                Filtered::Stopped(text + CHANGE_OF_TOPIC)
            }
        }
    }

    /// Audits what the filter found in this reply.
    pub async fn record(&self, user_id: &str, reply_id: &str) {
        if !self.hits.is_empty() {
            let place = yujie_kernel::safety::Place::ChatReply;
            self.safety.record_stream_hits(place, Some(user_id), Some(reply_id), &self.hits).await;
        }
    }
}
