//! Signed-in readers' own reactions, looked up together.
//!
//! Every signed-in page needs one lookup: the viewer's reactions to the ids on it. Under
//! load, most of a lookup's cost is the statement itself (a round trip, a thread switch
//! on each side, the database's work per statement), not the rows. So at most
//! [`STATEMENTS`] lookup statements of a kind run at once; the lookups that arrive while
//! they run wait and go together, oldest first, in the next statement: every viewer's
//! reactions to the span of target ids asked for (one range per viewer, see
//! [`ContentStore::reactions_of_users`]; at most [`PAIRS_PER_STATEMENT`] (viewer, target)
//! pairs asked for), each viewer's answer then cut to the ids it asked for.
//! An idle server runs each lookup at once, alone. A statement runs in its own task, so a
//! reader who leaves does not cancel the others' answers.

use std::{
    collections::{HashMap, HashSet},
    fmt,
    sync::{Arc, Mutex, PoisonError},
};

use tokio::sync::{oneshot, Semaphore};
use yujie_kernel::{ApiError, ApiResult};

use crate::store::ContentStore;

/// Lookup statements of one kind running at once.
const STATEMENTS: usize = 2;
/// One statement reads every (target, viewer) pair of the lookups it takes: at most this
/// many (one lookup alone may have more).
const PAIRS_PER_STATEMENT: usize = 1_000;

type Answer = Result<HashMap<String, i64>, SharedDbError>;

struct Lookup {
    user_id: String,
    target_ids: Vec<String>,
    answer: oneshot::Sender<Answer>,
}

/// One reaction kind's waiting lookups and its statement slots.
pub struct ReactionLookups {
    kind: &'static str,
    waiting: Mutex<Vec<Lookup>>,
    statements: Arc<Semaphore>,
}

impl ReactionLookups {
    pub fn new(kind: &'static str) -> Self {
        Self { kind, waiting: Mutex::default(), statements: Arc::new(Semaphore::new(STATEMENTS)) }
    }

    /// The viewer's reactions (target id → stored value) to these targets.
    pub async fn of(
        &self,
        store: &ContentStore,
        user_id: &str,
        target_ids: &[String],
    ) -> ApiResult<HashMap<String, i64>> {
        if target_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let (answer, mut answered) = oneshot::channel();
        self.queue().push(Lookup { user_id: user_id.to_owned(), target_ids: target_ids.to_vec(), answer });
        // Whoever gets a statement slot takes the oldest lookups waiting by then, perhaps
        // ours. We compete for slots until ours is answered or no longer waiting.
        loop {
            tokio::select! {
                biased;
                answer = &mut answered => return unpack(answer),
                slot = self.statements.clone().acquire_owned() => {
                    let slot = slot.map_err(ApiError::internal)?;
                    let batch = self.take_batch();
                    if batch.is_empty() {
                        break;
                    }
                    let (store, kind) = (store.clone(), self.kind);
                    tokio::spawn(async move {
                        answer_all(&store, kind, batch).await;
                        drop(slot);
                    });
                }
            }
        }
        unpack(answered.await)
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<Lookup>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The oldest waiting lookups, as many as fit in one statement.
    fn take_batch(&self) -> Vec<Lookup> {
        let mut waiting = self.queue();
        let (mut users, mut targets) = (HashSet::new(), HashSet::new());
        let mut count = 0;
        for lookup in waiting.iter() {
            let new_user = usize::from(!users.contains(lookup.user_id.as_str()));
            let new_targets = lookup.target_ids.iter().filter(|id| !targets.contains(id.as_str())).count();
            if count > 0 && (users.len() + new_user) * (targets.len() + new_targets) > PAIRS_PER_STATEMENT {
                break;
            }
            users.insert(lookup.user_id.as_str());
            targets.extend(lookup.target_ids.iter().map(String::as_str));
            count += 1;
        }
        waiting.drain(..count).collect()
    }
}

async fn answer_all(store: &ContentStore, kind: &str, batch: Vec<Lookup>) {
    let users: HashSet<&str> = batch.iter().map(|lookup| lookup.user_id.as_str()).collect();
    let targets: HashSet<&str> = batch.iter().flat_map(|lookup| lookup.target_ids.iter().map(String::as_str)).collect();
    let (users, targets): (Vec<&str>, Vec<&str>) = (users.into_iter().collect(), targets.into_iter().collect());
    match store.reactions_of_users(kind, &users, &targets).await {
        Ok(rows) => {
            let mut by_user: HashMap<String, HashMap<String, i64>> = HashMap::new();
            for (user_id, target_id, value) in rows {
                by_user.entry(user_id).or_default().insert(target_id, value);
            }
            for lookup in batch {
                let theirs = by_user.get(&lookup.user_id);
                let mine: HashMap<String, i64> = lookup
                    .target_ids
                    .iter()
                    .filter_map(|id| theirs.and_then(|values| values.get(id)).map(|&value| (id.clone(), value)))
                    .collect();
                let _ = lookup.answer.send(Ok(mine));
            }
        }
        Err(error) => {
            let error = SharedDbError(Arc::new(error));
            for lookup in batch {
                let _ = lookup.answer.send(Err(error.clone()));
            }
        }
    }
}

fn unpack(answer: Result<Answer, oneshot::error::RecvError>) -> ApiResult<HashMap<String, i64>> {
    match answer {
        Ok(Ok(mine)) => Ok(mine),
        // Through anyhow, so an unreachable database is still a 503.
        Ok(Err(error)) => Err(ApiError::from(anyhow::Error::new(error))),
        Err(lost) => Err(ApiError::internal(lost)),
    }
}

/// One statement's failure, told to each lookup in it.
#[derive(Clone)]
struct SharedDbError(Arc<sqlx::Error>);

impl fmt::Debug for SharedDbError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, formatter)
    }
}

impl fmt::Display for SharedDbError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("looking up viewers' reactions")
    }
}

impl std::error::Error for SharedDbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use yujie_db::Db;

    use super::*;

    async fn database() -> (Db, std::path::PathBuf) {
        let path = std::env::temp_dir().join(format!("yujie_lookups_{}.db", uuid::Uuid::new_v4().simple()));
        let db =
            Db::connect(&format!("sqlite://{}?mode=rwc", path.display()), 2, Duration::from_secs(10)).await.unwrap();
        db.migrate(&[&crate::migrations()]).await.unwrap();
        (db, path)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn viewers_looked_up_together_each_get_exactly_their_own_reactions() {
        let (db, path) = database().await;
        // User n likes post n and dislikes post n + 1.
        for n in 0..64 {
            for (post, value) in [(n, 1), (n + 1, -1)] {
                sqlx::query("INSERT INTO reactions (target_kind, target_id, user_id, value, created_at) VALUES ('post', ?, ?, ?, 0)")
                    .bind(format!("p{post}"))
                    .bind(format!("u{n}"))
                    .bind(value)
                    .execute(db.pool())
                    .await
                    .unwrap();
            }
        }
        let (store, lookups) = (ContentStore::new(db), Arc::new(ReactionLookups::new("post")));
        // Far more lookups than statement slots, so most wait and go together; each user
        // twice, asking for different posts (two pages open at once).
        let asks: Vec<(usize, Vec<usize>)> =
            (0..64).flat_map(|n| [(n, vec![n, n + 2, n + 3]), (n, vec![n + 1, n + 5])]).collect();
        let answers = futures::future::join_all(asks.iter().map(|(user, posts)| {
            let (store, lookups) = (store.clone(), lookups.clone());
            let posts: Vec<String> = posts.iter().map(|post| format!("p{post}")).collect();
            async move { lookups.of(&store, &format!("u{user}"), &posts).await.unwrap() }
        }))
        .await;
        for ((user, posts), answer) in asks.iter().zip(answers) {
            let expected: HashMap<String, i64> = posts
                .iter()
                .filter_map(|&post| match post - user {
                    0 => Some((format!("p{post}"), 1)),
                    1 => Some((format!("p{post}"), -1)),
                    _ => None,
                })
                .collect();
            assert_eq!(answer, expected, "user {user} asking for {posts:?}");
        }
        assert!(lookups.queue().is_empty());
        let _ = std::fs::remove_file(path);
    }

    #[tokio::test]
    async fn a_user_with_more_reactions_in_the_span_than_a_range_may_read_still_gets_exact_answers() {
        let (db, path) = database().await;
        let many = crate::store::SPAN_ROWS_PER_USER * 2 + 10;
        // "heavy" liked every post p0000..; "light" disliked two of them.
        let mut rows: Vec<(String, &str, i64)> = (0..many).map(|n| (format!("p{n:04}"), "heavy", 1)).collect();
        rows.extend([("p0003".to_owned(), "light", -1), ("p0400".to_owned(), "light", -1)]);
        for (post, user, value) in rows {
            sqlx::query("INSERT INTO reactions (target_kind, target_id, user_id, value, created_at) VALUES ('post', ?, ?, ?, 0)")
                .bind(post)
                .bind(user)
                .bind(value)
                .execute(db.pool())
                .await
                .unwrap();
        }
        let store = ContentStore::new(db);
        let page = ["p0003", "p0200", "p0400", "p9999"];
        let mut answer = store.reactions_of_users("post", &["heavy", "light"], &page).await.unwrap();
        answer.sort();
        let expected: Vec<(String, String, i64)> = [
            ("heavy", "p0003", 1),
            ("heavy", "p0200", 1),
            ("heavy", "p0400", 1),
            ("light", "p0003", -1),
            ("light", "p0400", -1),
        ]
        .iter()
        .map(|&(user, post, value)| (user.to_owned(), post.to_owned(), value))
        .collect();
        assert_eq!(answer, expected, "both users' reactions, past the span's row limit");
        let answer = store.reactions_of_users("post", &["light"], &page).await.unwrap();
        assert_eq!(answer.len(), 2, "the light user alone: {answer:?}");
        let _ = std::fs::remove_file(path);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_database_out_of_reach_is_a_503_for_every_viewer_of_the_statement() {
        let (db, path) = database().await;
        db.pool().close().await;
        let (store, lookups) = (ContentStore::new(db), Arc::new(ReactionLookups::new("post")));
        let answers = futures::future::join_all((0..16).map(|n| {
            let (store, lookups) = (store.clone(), lookups.clone());
            async move { lookups.of(&store, &format!("u{n}"), &["p1".to_owned()]).await }
        }))
        .await;
        for answer in answers {
            let error = answer.unwrap_err();
            assert_eq!(error.code, yujie_kernel::ErrorCode::Unavailable);
        }
        let _ = std::fs::remove_file(path);
    }
}
