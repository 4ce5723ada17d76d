//! Usage rollups and balances on Postgres.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use switchboard_store::usage::{self, UsageDay, UsageScope, UsageStore};
use switchboard_store::*;

use crate::query::{exec, row_opt, rows};
use crate::{pg_error, pool_error, PostgresStore};

/// Add a charge to its account's rollups, in the caller's transaction (the one that records
/// the charge). `at`: when the usage happened (its UTC day is the one it counts for). The
/// owner is read from the account row in the same statement.
pub(crate) async fn record(
    c: &impl GenericClient,
    account_sid: &str,
    resource_sid: &str,
    at: i64,
    category: &str,
    units: i64,
    amount: &str,
) -> Result<()> {
    let (day, shard) = (usage::day_of(at), usage::shard_of(resource_sid));
    exec(
        c,
        "INSERT INTO usage_daily (account_sid, owner_sid, category, day, shard, count, usage, \
         price_nanos) VALUES ($1, COALESCE((SELECT COALESCE(owner_sid, sid) FROM accounts \
         WHERE sid = $1), $1), $2, $3, $4, 1, $5, $6) \
         ON CONFLICT (account_sid, category, day, shard) DO UPDATE SET \
         count = usage_daily.count + 1, usage = usage_daily.usage + EXCLUDED.usage, \
         price_nanos = usage_daily.price_nanos + EXCLUDED.price_nanos",
        &[
            &account_sid,
            &category,
            &day,
            &shard,
            &units,
            &usage::to_nanos(amount),
        ],
    )
    .await
    .map(drop)
}

/// Refuse a charge of `nanos` that a prepaid tree's balance cannot cover, in the caller's
/// transaction: the tree's credit row is locked, so charges checked this way are ordered
/// (calls are charged when they end, so only their first minute is checked at creation).
pub(crate) async fn check_prepaid(
    c: &impl GenericClient,
    account: &AccountRecord,
    nanos: i64,
) -> Result<()> {
    let main = account.owner_sid.as_deref().unwrap_or(&account.sid);
    let prepaid = |lock: &'static str| async move {
        let sql = format!("SELECT prepaid FROM account_credits WHERE account_sid = $1 {lock}");
        Ok::<bool, StoreError>(row_opt(c, &sql, &[&main]).await?.is_some_and(|r| r.get(0)))
    };
    // Only a prepaid tree's charges take the lock.
    if prepaid("").await? && prepaid("FOR UPDATE").await? && balance(c, main).await? < nanos {
        return Err(RuleViolation::InsufficientBalance.into());
    }
    Ok(())
}

async fn balance(c: &impl GenericClient, main_sid: &str) -> Result<i64> {
    let row = row_opt(
        c,
        "SELECT COALESCE((SELECT credit_nanos FROM account_credits WHERE account_sid = $1), 0) \
         - COALESCE((SELECT SUM(price_nanos) FROM usage_daily \
         WHERE owner_sid = $1), 0)::bigint",
        &[&main_sid],
    )
    .await?;
    Ok(row.map_or(0, |r| r.get(0)))
}

#[async_trait]
impl UsageStore for PostgresStore {
    async fn usage_by_day(
        &self,
        scope: &UsageScope,
        from_day: i64,
        to_day: i64,
    ) -> Result<Vec<UsageDay>> {
        let (whose, sid) = match scope {
            UsageScope::Account(s) => ("account_sid = $1", s),
            UsageScope::Tree(s) => ("(owner_sid = $1 OR account_sid = $1)", s),
        };
        let sql = format!(
            "SELECT category, day, SUM(count)::bigint, SUM(usage)::bigint, \
             SUM(price_nanos)::bigint FROM usage_daily WHERE {whose} \
             AND day BETWEEN $2 AND $3 GROUP BY category, day ORDER BY category, day"
        );
        let c = self.pool.get().await.map_err(pool_error)?;
        Ok(rows(&c, &sql, &[sid, &from_day, &to_day])
            .await?
            .iter()
            .map(|r| UsageDay {
                category: r.get(0),
                day: r.get(1),
                count: r.get(2),
                usage: r.get(3),
                price_nanos: r.get(4),
            })
            .collect())
    }

    async fn balance_nanos(&self, main_sid: &str) -> Result<i64> {
        let c = self.pool.get().await.map_err(pool_error)?;
        balance(&c, main_sid).await
    }

    async fn prepaid(&self, main_sid: &str) -> Result<bool> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let row = row_opt(
            &c,
            "SELECT prepaid FROM account_credits WHERE account_sid = $1",
            &[&main_sid],
        )
        .await?;
        Ok(row.is_some_and(|r| r.get(0)))
    }

    async fn set_prepaid(&self, main_sid: &str, prepaid: bool) -> Result<()> {
        let c = self.pool.get().await.map_err(pool_error)?;
        exec(
            &c,
            "INSERT INTO account_credits (account_sid, credit_nanos, prepaid) VALUES ($1, 0, $2) \
             ON CONFLICT (account_sid) DO UPDATE SET prepaid = EXCLUDED.prepaid",
            &[&main_sid, &prepaid],
        )
        .await
        .map(drop)
    }

    async fn credit(&self, main_sid: &str, nanos: i64) -> Result<i64> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        exec(
            &tx,
            "INSERT INTO account_credits (account_sid, credit_nanos) VALUES ($1, $2) \
             ON CONFLICT (account_sid) DO UPDATE SET \
             credit_nanos = account_credits.credit_nanos + EXCLUDED.credit_nanos",
            &[&main_sid, &nanos],
        )
        .await?;
        let b = balance(&tx, main_sid).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(b)
    }
}
