//! The billing table: orders. Nobody else reads or writes it.

use sqlx::AnyPool;
use yujie_db::{is_unique_violation, Db};

use crate::domain::{Channel, OrderState};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub id: String,
    pub out_trade_no: String,
    pub user_id: String,
    pub plan_id: String,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub amount_fen: i64,
    pub period_days: i64,
    #[sqlx(try_from = "String")]
    pub state: OrderState,
    pub qr_payload: Option<String>,
    pub channel_trade_no: Option<String>,
    pub member_until: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub paid_at: Option<i64>,
    pub fulfilled_at: Option<i64>,
    pub closed_at: Option<i64>,
}

const COLUMNS: &str = "id, out_trade_no, user_id, plan_id, channel, amount_fen, period_days, state, qr_payload, \
                       channel_trade_no, member_until, created_at, expires_at, paid_at, fulfilled_at, closed_at";

/// A new order, before its channel is asked.
pub struct NewOrder<'a> {
    pub id: &'a str,
    pub out_trade_no: &'a str,
    pub user_id: &'a str,
    pub plan_id: &'a str,
    pub channel: Channel,
    pub amount_fen: i64,
    pub period_days: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Filters of the staff listing; every one is optional.
#[derive(Debug, Default)]
pub struct OrderFilter {
    pub user_id: Option<String>,
    pub state: Option<OrderState>,
    pub created_from: Option<i64>,
    pub created_before: Option<i64>,
}

#[derive(Clone)]
pub struct BillingStore {
    db: Db,
}

impl BillingStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    fn pool(&self) -> &AnyPool {
        self.db.pool()
    }

    /// Stores a pending order. `false` if the user already has an open order for this
    /// plan (the unique open key), in which case nothing is written.
    pub async fn insert(&self, order: &NewOrder<'_>) -> sqlx::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO orders (id, out_trade_no, user_id, plan_id, channel, amount_fen, period_days, state, \
             open_key, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
        )
        .bind(order.id)
        .bind(order.out_trade_no)
        .bind(order.user_id)
        .bind(order.plan_id)
        .bind(order.channel.as_str())
        .bind(order.amount_fen)
        .bind(order.period_days)
        .bind(format!("{}:{}", order.user_id, order.plan_id))
        .bind(order.created_at)
        .bind(order.expires_at)
        .execute(self.pool())
        .await;
        match inserted {
            Ok(_) => Ok(true),
            Err(error) if is_unique_violation(&error) => Ok(false),
            Err(error) => Err(error),
        }
    }

    pub async fn set_qr(&self, id: &str, qr_payload: &str) -> sqlx::Result<()> {
        sqlx::query("UPDATE orders SET qr_payload = ? WHERE id = ?")
            .bind(qr_payload)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes an order whose channel refused it, so that the user can try again.
    pub async fn delete_unsent(&self, id: &str) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM orders WHERE id = ? AND qr_payload IS NULL AND state = 'pending'")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn by_id(&self, id: &str) -> sqlx::Result<Option<OrderRow>> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM orders WHERE id = ?")).bind(id).fetch_optional(self.pool()).await
    }

    pub async fn by_out_trade_no(&self, out_trade_no: &str) -> sqlx::Result<Option<OrderRow>> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM orders WHERE out_trade_no = ?"))
            .bind(out_trade_no)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn open_for(&self, user_id: &str, plan_id: &str) -> sqlx::Result<Option<OrderRow>> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM orders WHERE open_key = ?"))
            .bind(format!("{user_id}:{plan_id}"))
            .fetch_optional(self.pool())
            .await
    }

    /// Marks the order paid, from any state but paid: a channel that says paid wins
    /// over our own expiry. `true` for the one caller that made the transition.
    pub async fn mark_paid(&self, id: &str, channel_trade_no: Option<&str>, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE orders SET state = 'paid', open_key = NULL, paid_at = ?, channel_trade_no = ? \
             WHERE id = ? AND state <> 'paid'",
        )
        .bind(now)
        .bind(channel_trade_no)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records that the membership extension was made. `true` for the first caller.
    pub async fn mark_fulfilled(&self, id: &str, member_until: i64, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE orders SET fulfilled_at = ?, member_until = ? WHERE id = ? AND state = 'paid' AND fulfilled_at IS NULL",
        )
        .bind(now)
        .bind(member_until)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Moves a pending order to `expired` or `closed`. `true` if it was pending.
    pub async fn mark_ended(&self, id: &str, state: OrderState, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE orders SET state = ?, open_key = NULL, closed_at = ? WHERE id = ? AND state = 'pending'",
        )
        .bind(state.as_str())
        .bind(now)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Pending orders created before `created_before`, oldest first.
    pub async fn pending_before(&self, created_before: i64, limit: i64) -> sqlx::Result<Vec<OrderRow>> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM orders WHERE state = 'pending' AND created_at < ? ORDER BY created_at LIMIT ?"
        ))
        .bind(created_before)
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    /// Paid orders whose membership extension did not complete (a crash, an outage).
    pub async fn unfulfilled(&self, limit: i64) -> sqlx::Result<Vec<OrderRow>> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM orders WHERE state = 'paid' AND fulfilled_at IS NULL ORDER BY created_at LIMIT ?"
        ))
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    /// A user's orders, newest first, before the `before` creation time.
    pub async fn history(&self, user_id: &str, before: Option<i64>, limit: i64) -> sqlx::Result<Vec<OrderRow>> {
        let filter =
            OrderFilter { user_id: Some(user_id.to_owned()), created_before: before, ..OrderFilter::default() };
        self.list(&filter, limit).await
    }

    /// The staff listing: newest first.
    pub async fn list(&self, filter: &OrderFilter, limit: i64) -> sqlx::Result<Vec<OrderRow>> {
        let mut conditions = Vec::new();
        if filter.user_id.is_some() {
            conditions.push("user_id = ?");
        }
        if filter.state.is_some() {
            conditions.push("state = ?");
        }
        if filter.created_from.is_some() {
            conditions.push("created_at >= ?");
        }
        if filter.created_before.is_some() {
            conditions.push("created_at < ?");
        }
        let condition =
            if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        let sql = format!("SELECT {COLUMNS} FROM orders {condition} ORDER BY created_at DESC, id DESC LIMIT ?");
        let mut query = sqlx::query_as(&sql);
        if let Some(user_id) = &filter.user_id {
            query = query.bind(user_id);
        }
        if let Some(state) = filter.state {
            query = query.bind(state.as_str());
        }
        if let Some(from) = filter.created_from {
            query = query.bind(from);
        }
        if let Some(before) = filter.created_before {
            query = query.bind(before);
        }
        query.bind(limit).fetch_all(self.pool()).await
    }
}
