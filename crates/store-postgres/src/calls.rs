//! Calls on Postgres.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use switchboard_store::rules::{self, Traffic};
use switchboard_store::*;
use tokio_postgres::Row;

use crate::messages::{check_inbound, insert_charge, owned_number};
use crate::query::{exec, keyset_page, row_opt, rows, Filter, List, Param};
use crate::{pg_error, pool_error, PostgresStore};

const SELECT: &str = "SELECT seq, sid, account_sid, parent_call_sid, direction, from_number, \
     to_number, from_formatted, to_formatted, phone_number_sid, caller_name, forwarded_from, \
     answered_by, queue_time, config, rate_country, rate, charge_category, initiated_at, \
     ringing_at, answered_at, ends_at, final_status, charged, date_created, date_updated FROM calls";

/// "The call's status at now is $", with now bound four times: the same rule as
/// `CallRecord::status_at`.
const STATUS_IS: &str = "(CASE WHEN ends_at <= $ THEN final_status \
     WHEN answered_at IS NOT NULL AND answered_at <= $ THEN 'in-progress' \
     WHEN ringing_at IS NOT NULL AND ringing_at <= $ THEN 'ringing' \
     WHEN initiated_at <= $ THEN 'initiated' ELSE 'queued' END) = $";

fn record(r: &Row) -> Result<CallRecord> {
    let config: String = r.get(14);
    Ok(CallRecord {
        seq: r.get(0),
        sid: r.get(1),
        account_sid: r.get(2),
        parent_call_sid: r.get(3),
        direction: r.get(4),
        from: r.get(5),
        to: r.get(6),
        from_formatted: r.get(7),
        to_formatted: r.get(8),
        phone_number_sid: r.get(9),
        caller_name: r.get(10),
        forwarded_from: r.get(11),
        answered_by: r.get(12),
        queue_time: r.get(13),
        config: serde_json::from_str(&config).unwrap_or_default(),
        rate_country: r.get(15),
        rate: r.get(16),
        charge_category: r.get(17),
        initiated_at: r.get(18),
        ringing_at: r.get(19),
        answered_at: r.get(20),
        ends_at: r.get(21),
        final_status: r.get(22),
        charged: r.get(23),
        date_created: r.get(24),
        date_updated: r.get(25),
    })
}

pub(crate) async fn load(
    c: &impl GenericClient,
    account_sid: &str,
    sid: &str,
    lock: &str,
) -> Result<Option<CallRecord>> {
    let sql = format!("{SELECT} WHERE sid = $1 AND account_sid = $2 {lock}");
    row_opt(c, &sql, &[&sid, &account_sid])
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

pub(crate) async fn insert(c: &impl GenericClient, k: &CallRecord) -> Result<CallRecord> {
    let config = serde_json::to_string(&k.config).map_err(|e| StoreError::Other(e.to_string()))?;
    let st = c
        .prepare_cached(
            "INSERT INTO calls (sid, account_sid, parent_call_sid, direction, from_number, to_number, \
             from_formatted, to_formatted, phone_number_sid, caller_name, forwarded_from, answered_by, \
             queue_time, config, rate_country, rate, charge_category, initiated_at, ringing_at, \
             answered_at, ends_at, final_status, charged, date_created, date_updated) VALUES ($1, $2, \
             $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
             $22, FALSE, $23, $24) RETURNING seq",
        )
        .await
        .map_err(pg_error)?;
    let row = c
        .query_one(
            &st,
            &[
                &k.sid,
                &k.account_sid,
                &k.parent_call_sid,
                &k.direction,
                &k.from,
                &k.to,
                &k.from_formatted,
                &k.to_formatted,
                &k.phone_number_sid,
                &k.caller_name,
                &k.forwarded_from,
                &k.answered_by,
                &k.queue_time,
                &config,
                &k.rate_country,
                &k.rate,
                &k.charge_category,
                &k.initiated_at,
                &k.ringing_at,
                &k.answered_at,
                &k.ends_at,
                &k.final_status,
                &k.date_created,
                &k.date_updated,
            ],
        )
        .await
        .map_err(pg_error)?;
    Ok(CallRecord {
        seq: row.get(0),
        charged: false,
        ..k.clone()
    })
}

#[async_trait]
impl CallStore for PostgresStore {
    async fn create_call(&self, new: NewCall) -> Result<CallRecord> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        let mut k = new.record;
        let account = crate::accounts::load_required(&tx, &k.account_sid, "").await?;
        let from = owned_number(&tx, &k.account_sid, &k.from).await?;
        rules::check_outbound(
            &account,
            &k.from,
            from.as_ref().map(|(_, caps)| caps),
            new.require_from_owned.then_some("voice"),
            new.require_geo_country.as_deref(),
            Traffic::Voice,
        )?;
        // Prepaid: the balance must cover the call's first minute.
        crate::usage::check_prepaid(&tx, &account, switchboard_store::usage::to_nanos(&k.rate))
            .await?;
        // The call names the account's number it was made from, when it was one.
        k.phone_number_sid = from.map(|(sid, _)| sid);
        let out = insert(&tx, &k).await?;
        crate::webhooks::insert_webhooks(&tx, &new.webhooks).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(out)
    }

    async fn receive_call(&self, new: NewCall) -> Result<CallRecord> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        check_inbound(&tx, &new.record.account_sid, &new.record.to).await?;
        let out = insert(&tx, &new.record).await?;
        crate::webhooks::insert_webhooks(&tx, &new.webhooks).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(out)
    }

    async fn call(&self, account_sid: &str, sid: &str) -> Result<Option<CallRecord>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        load(&c, account_sid, sid, "").await
    }

    async fn list_calls(
        &self,
        account_sid: &str,
        q: &CallListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<CallRecord>> {
        let mut f = Filter::new("account_sid = $", account_sid.to_owned());
        f.and_opt("to_number = $", q.to.clone())
            .and_opt("from_number = $", q.from.clone())
            .and_opt("parent_call_sid = $", q.parent_call_sid.clone());
        if let Some(status) = &q.status {
            let mut args: Vec<Param> = (0..4).map(|_| Box::new(q.now) as Param).collect();
            args.push(Box::new(status.clone()));
            f.and_all(STATUS_IS, args);
        }
        if q.start_from.is_some() || q.start_until.is_some() {
            f.and("initiated_at <= $", q.now)
                .and_sql("ends_at > initiated_at");
            f.and_opt("initiated_at >= $", q.start_from)
                .and_opt("initiated_at < $", q.start_until);
        }
        if q.end_from.is_some() || q.end_until.is_some() {
            f.and("ends_at <= $", q.now);
            f.and_opt("ends_at >= $", q.end_from)
                .and_opt("ends_at < $", q.end_until);
        }
        let c = self.pool.get().await.map_err(pool_error)?;
        keyset_page(
            &c,
            &List {
                select: SELECT,
                key: "seq",
                newest_first: true,
            },
            f,
            req,
            record,
            |r| r.seq,
        )
        .await
    }

    async fn update_call(
        &self,
        account_sid: &str,
        sid: &str,
        end: Option<CallEnd>,
        config: Option<CallConfig>,
        now: i64,
        callbacks: CallCallbacks,
    ) -> Result<CallRecord> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        let mut k = load(&tx, account_sid, sid, "FOR UPDATE")
            .await?
            .ok_or(StoreError::NotFound)?;
        if let Some(end) = end {
            rules::end_call(&mut k, end, now)?;
        } else if now >= k.ends_at {
            return Err(RuleViolation::CallNotLive.into());
        }
        if let Some(cfg) = config {
            rules::reconfigure_call(&mut k, cfg);
        }
        k.date_updated = now;
        let cfg = serde_json::to_string(&k.config).map_err(|e| StoreError::Other(e.to_string()))?;
        exec(
            &tx,
            "UPDATE calls SET answered_at = $2, ringing_at = $3, ends_at = $4, final_status = $5, \
             config = $6, date_updated = $7 WHERE sid = $1",
            &[
                &sid,
                &k.answered_at,
                &k.ringing_at,
                &k.ends_at,
                &k.final_status,
                &cfg,
                &now,
            ],
        )
        .await?;
        crate::webhooks::drop_future(&tx, sid, now).await?;
        let hooks: Vec<NewWebhook> = callbacks(&k)
            .into_iter()
            .filter(|w| w.due_at >= now)
            .collect();
        crate::webhooks::insert_webhooks(&tx, &hooks).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(k)
    }

    async fn delete_call(&self, account_sid: &str, sid: &str, now: i64) -> Result<()> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        let k = load(&tx, account_sid, sid, "FOR UPDATE")
            .await?
            .ok_or(StoreError::NotFound)?;
        if now < k.ends_at {
            return Err(RuleViolation::CallNotLive.into());
        }
        exec(
            &tx,
            "DELETE FROM calls WHERE sid = $1 AND account_sid = $2",
            &[&sid, &account_sid],
        )
        .await?;
        tx.commit().await.map_err(pg_error)
    }

    async fn charge_ended_calls(&self, now: i64) -> Result<u64> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let mut made = 0;
        loop {
            let tx = c.transaction().await.map_err(pg_error)?;
            // SKIP LOCKED: instances running this job at once share the work. A call whose
            // TwiML document is still to run may yet end differently: it waits.
            let sql = format!(
                "{SELECT} WHERE NOT charged AND ends_at <= $1 AND NOT EXISTS (SELECT 1 FROM \
                 webhooks w WHERE w.resource_sid = calls.sid AND w.state = 'pending' \
                 AND w.kind = 'voice') ORDER BY ends_at LIMIT 500 FOR UPDATE SKIP LOCKED"
            );
            let due = rows(&tx, &sql, &[&now]).await?;
            if due.is_empty() {
                return Ok(made);
            }
            for r in &due {
                let k = record(r)?;
                if let Some(charge) = rules::call_charge(&k) {
                    // A call's usage counts on the day it started.
                    insert_charge(&tx, &k.account_sid, &charge, &k.sid, &k.sid, k.initiated_at)
                        .await?;
                    made += 1;
                }
                exec(
                    &tx,
                    "UPDATE calls SET charged = TRUE WHERE sid = $1",
                    &[&k.sid],
                )
                .await?;
            }
            tx.commit().await.map_err(pg_error)?;
        }
    }
}
