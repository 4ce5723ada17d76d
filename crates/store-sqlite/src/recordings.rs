//! Recordings on SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use switchboard_store::*;

use crate::query::{keyset_page, Filter, List};
use crate::worker::sql_error;
use crate::SqliteStore;

const SELECT: &str = "SELECT seq, sid, account_sid, call_sid, source, channels, start_time, \
     duration_ms, price, date_created FROM recordings";

fn row(r: &Row<'_>) -> rusqlite::Result<RecordingRecord> {
    Ok(RecordingRecord {
        seq: r.get(0)?,
        sid: r.get(1)?,
        account_sid: r.get(2)?,
        call_sid: r.get(3)?,
        source: r.get(4)?,
        channels: r.get(5)?,
        start_time: r.get(6)?,
        duration_ms: r.get(7)?,
        price: r.get(8)?,
        date_created: r.get(9)?,
    })
}

/// Store a recording and its charge in the caller's transaction.
pub(crate) fn insert(
    c: &Connection,
    rec: &RecordingRecord,
    charge: Option<&NewCharge>,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO recordings (sid, account_sid, call_sid, source, channels, start_time, \
         duration_ms, price, date_created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .and_then(|mut st| {
        st.execute(params![
            rec.sid,
            rec.account_sid,
            rec.call_sid,
            rec.source,
            rec.channels,
            rec.start_time,
            rec.duration_ms,
            rec.price,
            rec.date_created
        ])
    })
    .map_err(sql_error)?;
    if let Some(charge) = charge {
        crate::messages::insert_charge(
            c,
            &rec.account_sid,
            charge,
            &rec.sid,
            &rec.sid,
            rec.ends_at(),
        )?;
    }
    Ok(())
}

#[async_trait]
impl RecordingStore for SqliteStore {
    async fn recording(&self, account_sid: &str, sid: &str) -> Result<Option<RecordingRecord>> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.readers
            .read(move |c| {
                c.prepare_cached(&format!("{SELECT} WHERE sid = ?1 AND account_sid = ?2"))
                    .and_then(|mut st| st.query_row([&s, &a], row).optional())
                    .map_err(sql_error)
            })
            .await
    }

    async fn list_recordings(
        &self,
        account_sid: &str,
        q: &RecordingListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<RecordingRecord>> {
        let mut f = Filter::new("account_sid = ?", account_sid.to_owned());
        f.and_opt("call_sid = ?", q.call_sid.clone())
            .and_opt("date_created >= ?", q.created_from)
            .and_opt("date_created < ?", q.created_until);
        self.readers
            .read(move |c| {
                keyset_page(
                    c,
                    &List {
                        select: SELECT,
                        key: "seq",
                        newest_first: true,
                    },
                    f,
                    req,
                    row,
                    |r| r.seq,
                )
            })
            .await
    }

    async fn delete_recording(&self, account_sid: &str, sid: &str) -> Result<()> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let n = c
                    .prepare_cached("DELETE FROM recordings WHERE sid = ?1 AND account_sid = ?2")
                    .and_then(|mut st| st.execute([&s, &a]))
                    .map_err(sql_error)?;
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            })
            .await
    }
}
