//! The content tables. Every write runs in one transaction that also appends to the
//! change feed (an outbox), so a change and its feed entry exist together or not at all.

mod change_log;
mod comments;
mod counters;
mod entries;
mod personas;
mod photos;
#[cfg(test)]
mod plans;
mod posts;
mod reactions;
mod recent;
mod reports;
mod search;

use sqlx::{Any, AnyPool, Transaction};
use yujie_db::Db;

pub use change_log::{Change, ChangeAction};
pub use comments::CommentRow;
pub use counters::{Counted, CounterDelta};
pub use entries::EntryRow;
pub use personas::{PersonaRow, PersonaSort};
pub use photos::PhotoRow;
pub use posts::{FeedScope, FeedSort, PostRow};
pub use reactions::Toggle;
#[cfg(test)]
pub(crate) use reactions::SPAN_ROWS_PER_USER;
pub use reports::{QueueFilter, ReportRow};

/// How much each live contribution adds to a persona's popularity.
pub const PHOTO_WEIGHT: i64 = 3;
pub const ENTRY_WEIGHT: i64 = 2;
pub const POST_WEIGHT: i64 = 5;

#[derive(Clone)]
pub struct ContentStore {
    db: Db,
}

/// A write in progress: the transaction and the feed sequence number reserved for it.
pub struct ChangeTx {
    tx: Transaction<'static, Any>,
    seq: i64,
}

impl ContentStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    fn pool(&self) -> &AnyPool {
        self.db.pool()
    }

    /// Starts a write. Taking the next sequence number locks the feed counter until
    /// commit, so feed entries commit in sequence order with no gaps: a reader that
    /// has seen `n` will never later find a smaller, newly committed number. It also
    /// makes every content write take its write lock first, which SQLite needs.
    pub async fn begin_change(&self) -> sqlx::Result<ChangeTx> {
        change_log::begin(self.pool()).await
    }

    /// Starts a write that is not in the change feed (reactions, reports).
    pub async fn begin(&self) -> sqlx::Result<Transaction<'static, Any>> {
        self.pool().begin().await
    }
}

impl ChangeTx {
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Appends the feed entry and commits the whole write.
    pub async fn commit(mut self, change: Change<'_>, now: i64) -> sqlx::Result<i64> {
        let seq = self.seq;
        change_log::append(&mut self.tx, seq, &change, now).await?;
        self.tx.commit().await?;
        Ok(seq)
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        self.tx.rollback().await
    }
}
