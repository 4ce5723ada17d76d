//! Usage triggers on SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use switchboard_store::*;

use crate::query::{keyset_page, Filter, List};
use crate::worker::sql_error;
use crate::SqliteStore;

const SELECT: &str = "SELECT seq, sid, account_sid, friendly_name, usage_category, trigger_by, \
     trigger_value, recurring, callback_url, callback_method, date_created, date_updated, \
     date_fired, fired_period FROM usage_triggers";

fn row(r: &Row<'_>) -> rusqlite::Result<UsageTriggerRecord> {
    Ok(UsageTriggerRecord {
        seq: r.get(0)?,
        sid: r.get(1)?,
        account_sid: r.get(2)?,
        friendly_name: r.get(3)?,
        usage_category: r.get(4)?,
        trigger_by: r.get(5)?,
        trigger_value: r.get(6)?,
        recurring: r.get(7)?,
        callback_url: r.get(8)?,
        callback_method: r.get(9)?,
        date_created: r.get(10)?,
        date_updated: r.get(11)?,
        date_fired: r.get(12)?,
        fired_period: r.get(13)?,
    })
}

fn load(c: &Connection, account_sid: &str, sid: &str) -> Result<Option<UsageTriggerRecord>> {
    c.prepare_cached(&format!("{SELECT} WHERE sid = ?1 AND account_sid = ?2"))
        .and_then(|mut st| st.query_row([sid, account_sid], row).optional())
        .map_err(sql_error)
}

#[async_trait]
impl UsageTriggerStore for SqliteStore {
    async fn create_usage_trigger(&self, t: UsageTriggerRecord) -> Result<UsageTriggerRecord> {
        self.writer
            .write(move |c| {
                crate::accounts::load_required(c, &t.account_sid)?;
                c.prepare_cached(
                    "INSERT INTO usage_triggers (sid, account_sid, friendly_name, usage_category, \
                     trigger_by, trigger_value, recurring, callback_url, callback_method, \
                     date_created, date_updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .and_then(|mut st| {
                    st.execute(params![
                        t.sid,
                        t.account_sid,
                        t.friendly_name,
                        t.usage_category,
                        t.trigger_by,
                        t.trigger_value,
                        t.recurring,
                        t.callback_url,
                        t.callback_method,
                        t.date_created,
                        t.date_updated
                    ])
                })
                .map_err(sql_error)?;
                Ok(UsageTriggerRecord {
                    seq: c.last_insert_rowid(),
                    ..t
                })
            })
            .await
    }

    async fn usage_trigger(
        &self,
        account_sid: &str,
        sid: &str,
    ) -> Result<Option<UsageTriggerRecord>> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.readers.read(move |c| load(c, &a, &s)).await
    }

    async fn list_usage_triggers(
        &self,
        account_sid: &str,
        q: &UsageTriggerListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<UsageTriggerRecord>> {
        let mut f = Filter::new("account_sid = ?", account_sid.to_owned());
        f.and_opt("trigger_by = ?", q.trigger_by.clone())
            .and_opt("usage_category = ?", q.usage_category.clone());
        match q.recurring.as_deref() {
            Some("") | Some("alltime") => {
                f.and_sql("recurring IN ('', 'alltime')");
            }
            Some(r) => {
                f.and("recurring = ?", r.to_owned());
            }
            None => {}
        }
        self.readers
            .read(move |c| {
                keyset_page(
                    c,
                    &List {
                        select: SELECT,
                        key: "seq",
                        newest_first: false,
                    },
                    f,
                    req,
                    row,
                    |r| r.seq,
                )
            })
            .await
    }

    async fn update_usage_trigger(
        &self,
        account_sid: &str,
        sid: &str,
        patch: UsageTriggerPatch,
        now: i64,
    ) -> Result<UsageTriggerRecord> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let t = load(c, &a, &s)?.ok_or(StoreError::NotFound)?;
                let t = UsageTriggerRecord {
                    friendly_name: patch.friendly_name.unwrap_or(t.friendly_name),
                    callback_url: patch.callback_url.unwrap_or(t.callback_url),
                    callback_method: patch.callback_method.unwrap_or(t.callback_method),
                    date_updated: now,
                    ..t
                };
                c.prepare_cached(
                    "UPDATE usage_triggers SET friendly_name = ?2, callback_url = ?3, \
                     callback_method = ?4, date_updated = ?5 WHERE sid = ?1",
                )
                .and_then(|mut st| {
                    st.execute(params![
                        s,
                        t.friendly_name,
                        t.callback_url,
                        t.callback_method,
                        now
                    ])
                })
                .map_err(sql_error)?;
                Ok(t)
            })
            .await
    }

    async fn delete_usage_trigger(&self, account_sid: &str, sid: &str) -> Result<()> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let n = c
                    .prepare_cached(
                        "DELETE FROM usage_triggers WHERE sid = ?1 AND account_sid = ?2",
                    )
                    .and_then(|mut st| st.execute([&s, &a]))
                    .map_err(sql_error)?;
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            })
            .await
    }

    async fn usage_triggers_after(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<UsageTriggerRecord>> {
        self.readers
            .read(move |c| {
                c.prepare_cached(&format!("{SELECT} WHERE seq > ?1 ORDER BY seq LIMIT ?2"))
                    .and_then(|mut st| {
                        st.query_map(params![after_seq, limit], row)?
                            .collect::<rusqlite::Result<Vec<_>>>()
                    })
                    .map_err(sql_error)
            })
            .await
    }

    async fn fire_usage_trigger(
        &self,
        sid: &str,
        period: &str,
        now: i64,
        callback: NewWebhook,
    ) -> Result<bool> {
        let (s, p) = (sid.to_owned(), period.to_owned());
        self.writer
            .write(move |c| {
                let n = c
                    .prepare_cached(
                        "UPDATE usage_triggers SET fired_period = ?2, date_fired = ?3 \
                         WHERE sid = ?1 AND fired_period IS NOT ?2",
                    )
                    .and_then(|mut st| st.execute(params![s, p, now]))
                    .map_err(sql_error)?;
                if n == 1 {
                    crate::webhooks::insert_webhooks(c, &[callback])?;
                }
                Ok(n == 1)
            })
            .await
    }
}
