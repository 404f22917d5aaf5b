//! Content safety (内容安全): every text people or the AI write passes [`Safety::screen`]
//! or a [`StreamFilter`] from [`Safety::stream`]. The lexicon lives in the database; a
//! change bumps a version stamp in the key-value store, and every instance rebuilds its
//! automaton off the request path and swaps it in (see [`Safety::refresh`]).

mod audit;
mod guard;
mod recheck;
pub mod routes;
mod store;

use std::sync::{Arc, RwLock};

use yujie_db::Migrations;
pub use yujie_safety::{Action, Category, Filter, Hit, StreamFilter, StreamStep};

pub use audit::{HitQuery, HitView};
pub use guard::{refusal, Place, Screened};
pub use recheck::RecheckJob;
pub use store::{WordEntry, WordList};

/// The tables of the lexicon and the audit; every process that writes text needs them.
pub fn migrations() -> Migrations {
    Migrations {
        service: "safety",
        sqlite: sqlx::migrate!("migrations/sqlite"),
        mysql: sqlx::migrate!("migrations/mysql"),
    }
}

/// The filter in force in this process, and where its lexicon and audit live.
#[derive(Clone)]
pub struct Safety {
    inner: Arc<Inner>,
}

struct Inner {
    db: yujie_db::Db,
    kv: yujie_kv::SharedKv,
    clock: crate::Clock,
    options: yujie_safety::Options,
    recheck_days: u32,
    filter: RwLock<Arc<Filter>>,
    /// The version stamp the current filter was built for.
    version: tokio::sync::Mutex<Option<String>>,
    metrics: guard::HitMetrics,
}

/// The key-value key holding the lexicon's version stamp.
const VERSION_KEY: &str = "safety:lexicon:version";
