//! Usage rollups and balances on SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};
use switchboard_store::usage::{self, UsageDay, UsageScope, UsageStore};
use switchboard_store::*;

use crate::worker::sql_error;
use crate::SqliteStore;

/// Add a charge to its account's rollups, in the caller's transaction (the one that records
/// the charge). `at`: when the usage happened (its UTC day is the one it counts for).
pub(crate) fn record(
    c: &Connection,
    account_sid: &str,
    resource_sid: &str,
    at: i64,
    category: &str,
    units: i64,
    amount: &str,
) -> Result<()> {
    let owner: String = c
        .prepare_cached("SELECT COALESCE(owner_sid, sid) FROM accounts WHERE sid = ?1")
        .and_then(|mut st| st.query_row([account_sid], |r| r.get(0)).optional())
        .map_err(sql_error)?
        .unwrap_or_else(|| account_sid.to_owned());
    c.prepare_cached(
        "INSERT INTO usage_daily (account_sid, owner_sid, category, day, shard, count, usage, \
         price_nanos) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7) \
         ON CONFLICT (account_sid, category, day, shard) DO UPDATE SET \
         count = count + 1, usage = usage + excluded.usage, \
         price_nanos = price_nanos + excluded.price_nanos",
    )
    .and_then(|mut st| {
        st.execute(params![
            account_sid,
            owner,
            category,
            usage::day_of(at),
            usage::shard_of(resource_sid),
            units,
            usage::to_nanos(amount)
        ])
    })
    .map_err(sql_error)?;
    Ok(())
}

/// Refuse a charge of `nanos` that a prepaid tree's balance cannot cover, in the caller's
/// transaction (the single writer orders it with every other charge).
pub(crate) fn check_prepaid(c: &Connection, account: &AccountRecord, nanos: i64) -> Result<()> {
    let main = account.owner_sid.as_deref().unwrap_or(&account.sid);
    let prepaid: bool = c
        .prepare_cached("SELECT prepaid FROM account_credits WHERE account_sid = ?1")
        .and_then(|mut st| st.query_row([main], |r| r.get(0)).optional())
        .map_err(sql_error)?
        .unwrap_or(false);
    if prepaid && credit_of(c, main)? - total_price(c, main)? < nanos {
        return Err(RuleViolation::InsufficientBalance.into());
    }
    Ok(())
}

fn total_price(c: &Connection, main_sid: &str) -> Result<i64> {
    c.prepare_cached("SELECT COALESCE(SUM(price_nanos), 0) FROM usage_daily WHERE owner_sid = ?1")
        .and_then(|mut st| st.query_row([main_sid], |r| r.get(0)))
        .map_err(sql_error)
}

fn credit_of(c: &Connection, main_sid: &str) -> Result<i64> {
    c.prepare_cached("SELECT credit_nanos FROM account_credits WHERE account_sid = ?1")
        .and_then(|mut st| st.query_row([main_sid], |r| r.get(0)).optional())
        .map(|v| v.unwrap_or(0))
        .map_err(sql_error)
}

#[async_trait]
impl UsageStore for SqliteStore {
    async fn usage_by_day(
        &self,
        scope: &UsageScope,
        from_day: i64,
        to_day: i64,
    ) -> Result<Vec<UsageDay>> {
        let (whose, sid) = match scope {
            UsageScope::Account(s) => ("account_sid = ?1", s.clone()),
            UsageScope::Tree(s) => ("(owner_sid = ?1 OR account_sid = ?1)", s.clone()),
        };
        let sql = format!(
            "SELECT category, day, SUM(count), SUM(usage), SUM(price_nanos) FROM usage_daily \
             WHERE {whose} AND day BETWEEN ?2 AND ?3 GROUP BY category, day \
             ORDER BY category, day"
        );
        self.readers
            .read(move |c| {
                c.prepare_cached(&sql)
                    .and_then(|mut st| {
                        st.query_map(params![sid, from_day, to_day], |r| {
                            Ok(UsageDay {
                                category: r.get(0)?,
                                day: r.get(1)?,
                                count: r.get(2)?,
                                usage: r.get(3)?,
                                price_nanos: r.get(4)?,
                            })
                        })?
                        .collect()
                    })
                    .map_err(sql_error)
            })
            .await
    }

    async fn balance_nanos(&self, main_sid: &str) -> Result<i64> {
        let s = main_sid.to_owned();
        self.readers
            .read(move |c| Ok(credit_of(c, &s)? - total_price(c, &s)?))
            .await
    }

    async fn prepaid(&self, main_sid: &str) -> Result<bool> {
        let s = main_sid.to_owned();
        self.readers
            .read(move |c| {
                c.prepare_cached("SELECT prepaid FROM account_credits WHERE account_sid = ?1")
                    .and_then(|mut st| st.query_row([s], |r| r.get(0)).optional())
                    .map(|v| v.unwrap_or(false))
                    .map_err(sql_error)
            })
            .await
    }

    async fn set_prepaid(&self, main_sid: &str, prepaid: bool) -> Result<()> {
        let s = main_sid.to_owned();
        self.writer
            .write(move |c| {
                c.prepare_cached(
                    "INSERT INTO account_credits (account_sid, credit_nanos, prepaid) VALUES (?1, 0, ?2) \
                     ON CONFLICT (account_sid) DO UPDATE SET prepaid = excluded.prepaid",
                )
                .and_then(|mut st| st.execute(params![s, prepaid]))
                .map(drop)
                .map_err(sql_error)
            })
            .await
    }

    async fn credit(&self, main_sid: &str, nanos: i64) -> Result<i64> {
        let s = main_sid.to_owned();
        self.writer
            .write(move |c| {
                c.prepare_cached(
                    "INSERT INTO account_credits (account_sid, credit_nanos) VALUES (?1, ?2) \
                     ON CONFLICT (account_sid) DO UPDATE SET \
                     credit_nanos = credit_nanos + excluded.credit_nanos",
                )
                .and_then(|mut st| st.execute(params![s, nanos]))
                .map_err(sql_error)?;
                Ok(credit_of(c, &s)? - total_price(c, &s)?)
            })
            .await
    }
}
