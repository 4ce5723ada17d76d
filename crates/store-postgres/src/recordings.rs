//! Recordings on Postgres.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use switchboard_store::*;
use tokio_postgres::Row;

use crate::query::{exec, keyset_page, row_opt, Filter, List};
use crate::{pool_error, PostgresStore};

const SELECT: &str = "SELECT seq, sid, account_sid, call_sid, source, channels, start_time, \
     duration_ms, price, date_created FROM recordings";

fn record(r: &Row) -> Result<RecordingRecord> {
    Ok(RecordingRecord {
        seq: r.get(0),
        sid: r.get(1),
        account_sid: r.get(2),
        call_sid: r.get(3),
        source: r.get(4),
        channels: r.get(5),
        start_time: r.get(6),
        duration_ms: r.get(7),
        price: r.get(8),
        date_created: r.get(9),
    })
}

/// Store a recording and its charge in the caller's transaction.
pub(crate) async fn insert(
    c: &impl GenericClient,
    rec: &RecordingRecord,
    charge: Option<&NewCharge>,
) -> Result<()> {
    exec(
        c,
        "INSERT INTO recordings (sid, account_sid, call_sid, source, channels, start_time, \
         duration_ms, price, date_created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &rec.sid,
            &rec.account_sid,
            &rec.call_sid,
            &rec.source,
            &rec.channels,
            &rec.start_time,
            &rec.duration_ms,
            &rec.price,
            &rec.date_created,
        ],
    )
    .await?;
    if let Some(charge) = charge {
        crate::messages::insert_charge(
            c,
            &rec.account_sid,
            charge,
            &rec.sid,
            &rec.sid,
            rec.ends_at(),
        )
        .await?;
    }
    Ok(())
}

#[async_trait]
impl RecordingStore for PostgresStore {
    async fn recording(&self, account_sid: &str, sid: &str) -> Result<Option<RecordingRecord>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let sql = format!("{SELECT} WHERE sid = $1 AND account_sid = $2");
        row_opt(&c, &sql, &[&sid, &account_sid])
            .await?
            .as_ref()
            .map(record)
            .transpose()
    }

    async fn list_recordings(
        &self,
        account_sid: &str,
        q: &RecordingListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<RecordingRecord>> {
        let mut f = Filter::new("account_sid = $", account_sid.to_owned());
        f.and_opt("call_sid = $", q.call_sid.clone())
            .and_opt("date_created >= $", q.created_from)
            .and_opt("date_created < $", q.created_until);
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

    async fn delete_recording(&self, account_sid: &str, sid: &str) -> Result<()> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let n = exec(
            &c,
            "DELETE FROM recordings WHERE sid = $1 AND account_sid = $2",
            &[&sid, &account_sid],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
