//! Usage triggers on Postgres.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use switchboard_store::*;
use tokio_postgres::Row;

use crate::query::{exec, keyset_page, row_opt, rows, Filter, List};
use crate::{pg_error, pool_error, PostgresStore};

const SELECT: &str = "SELECT seq, sid, account_sid, friendly_name, usage_category, trigger_by, \
     trigger_value, recurring, callback_url, callback_method, date_created, date_updated, \
     date_fired, fired_period FROM usage_triggers";

fn record(r: &Row) -> Result<UsageTriggerRecord> {
    Ok(UsageTriggerRecord {
        seq: r.get(0),
        sid: r.get(1),
        account_sid: r.get(2),
        friendly_name: r.get(3),
        usage_category: r.get(4),
        trigger_by: r.get(5),
        trigger_value: r.get(6),
        recurring: r.get(7),
        callback_url: r.get(8),
        callback_method: r.get(9),
        date_created: r.get(10),
        date_updated: r.get(11),
        date_fired: r.get(12),
        fired_period: r.get(13),
    })
}

async fn load(
    c: &impl GenericClient,
    account_sid: &str,
    sid: &str,
    lock: &str,
) -> Result<Option<UsageTriggerRecord>> {
    let sql = format!("{SELECT} WHERE sid = $1 AND account_sid = $2 {lock}");
    row_opt(c, &sql, &[&sid, &account_sid])
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

#[async_trait]
impl UsageTriggerStore for PostgresStore {
    async fn create_usage_trigger(&self, t: UsageTriggerRecord) -> Result<UsageTriggerRecord> {
        let c = self.pool.get().await.map_err(pool_error)?;
        crate::accounts::load_required(&c, &t.account_sid, "").await?;
        let row = row_opt(
            &c,
            "INSERT INTO usage_triggers (sid, account_sid, friendly_name, usage_category, \
             trigger_by, trigger_value, recurring, callback_url, callback_method, date_created, \
             date_updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING seq",
            &[
                &t.sid,
                &t.account_sid,
                &t.friendly_name,
                &t.usage_category,
                &t.trigger_by,
                &t.trigger_value,
                &t.recurring,
                &t.callback_url,
                &t.callback_method,
                &t.date_created,
                &t.date_updated,
            ],
        )
        .await?
        .ok_or_else(|| StoreError::Other("insert returned nothing".into()))?;
        Ok(UsageTriggerRecord {
            seq: row.get(0),
            ..t
        })
    }

    async fn usage_trigger(
        &self,
        account_sid: &str,
        sid: &str,
    ) -> Result<Option<UsageTriggerRecord>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        load(&c, account_sid, sid, "").await
    }

    async fn list_usage_triggers(
        &self,
        account_sid: &str,
        q: &UsageTriggerListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<UsageTriggerRecord>> {
        let mut f = Filter::new("account_sid = $", account_sid.to_owned());
        f.and_opt("trigger_by = $", q.trigger_by.clone())
            .and_opt("usage_category = $", q.usage_category.clone());
        match q.recurring.as_deref() {
            Some("") | Some("alltime") => {
                f.and_sql("recurring IN ('', 'alltime')");
            }
            Some(r) => {
                f.and("recurring = $", r.to_owned());
            }
            None => {}
        }
        let c = self.pool.get().await.map_err(pool_error)?;
        keyset_page(
            &c,
            &List {
                select: SELECT,
                key: "seq",
                newest_first: false,
            },
            f,
            req,
            record,
            |r| r.seq,
        )
        .await
    }

    async fn update_usage_trigger(
        &self,
        account_sid: &str,
        sid: &str,
        patch: UsageTriggerPatch,
        now: i64,
    ) -> Result<UsageTriggerRecord> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        let t = load(&tx, account_sid, sid, "FOR UPDATE")
            .await?
            .ok_or(StoreError::NotFound)?;
        let t = UsageTriggerRecord {
            friendly_name: patch.friendly_name.unwrap_or(t.friendly_name),
            callback_url: patch.callback_url.unwrap_or(t.callback_url),
            callback_method: patch.callback_method.unwrap_or(t.callback_method),
            date_updated: now,
            ..t
        };
        exec(
            &tx,
            "UPDATE usage_triggers SET friendly_name = $2, callback_url = $3, callback_method = $4, \
             date_updated = $5 WHERE sid = $1",
            &[
                &sid,
                &t.friendly_name,
                &t.callback_url,
                &t.callback_method,
                &now,
            ],
        )
        .await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(t)
    }

    async fn delete_usage_trigger(&self, account_sid: &str, sid: &str) -> Result<()> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let n = exec(
            &c,
            "DELETE FROM usage_triggers WHERE sid = $1 AND account_sid = $2",
            &[&sid, &account_sid],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn usage_triggers_after(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<UsageTriggerRecord>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let sql = format!("{SELECT} WHERE seq > $1 ORDER BY seq LIMIT $2");
        rows(&c, &sql, &[&after_seq, &i64::from(limit)])
            .await?
            .iter()
            .map(record)
            .collect()
    }

    async fn fire_usage_trigger(
        &self,
        sid: &str,
        period: &str,
        now: i64,
        callback: NewWebhook,
    ) -> Result<bool> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        let n = exec(
            &tx,
            "UPDATE usage_triggers SET fired_period = $2, date_fired = $3 \
             WHERE sid = $1 AND fired_period IS DISTINCT FROM $2",
            &[&sid, &period, &now],
        )
        .await?;
        if n == 1 {
            crate::webhooks::insert_webhooks(&tx, &[callback]).await?;
        }
        tx.commit().await.map_err(pg_error)?;
        Ok(n == 1)
    }
}
