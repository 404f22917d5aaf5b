//! The companion's tables. Nobody else reads or writes them.

mod calls;
mod conversations;
mod knowledge;
mod usage;

pub use calls::CallRow;
pub use conversations::{ConversationRow, DislikedReply, MessageRow};
pub use knowledge::{DocumentChange, DocumentRow, PersonaRow, SyncState, Tx};
pub use usage::UsageKind;

use sqlx::AnyPool;
use yujie_db::Db;

#[derive(Clone)]
pub struct CompanionStore {
    db: Db,
}

impl CompanionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    fn pool(&self) -> &AnyPool {
        self.db.pool()
    }
}
