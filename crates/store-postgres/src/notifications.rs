//! Notifications on Postgres.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use switchboard_store::*;
use tokio_postgres::Row;

use crate::query::{exec, keyset_page, row_opt, Filter, List};
use crate::{pool_error, PostgresStore};

const SELECT: &str = "SELECT seq, sid, account_sid, call_sid, error_code, log, message_date, \
     message_text, request_method, request_url, request_variables, response_body, \
     response_headers, date_created FROM notifications";

fn record(r: &Row) -> Result<NotificationRecord> {
    Ok(NotificationRecord {
        seq: r.get(0),
        sid: r.get(1),
        account_sid: r.get(2),
        call_sid: r.get(3),
        error_code: r.get(4),
        log: r.get(5),
        message_date: r.get(6),
        message_text: r.get(7),
        request_method: r.get(8),
        request_url: r.get(9),
        request_variables: r.get(10),
        response_body: r.get(11),
        response_headers: r.get(12),
        date_created: r.get(13),
    })
}

/// Record `n` in the caller's transaction.
pub(crate) async fn insert(c: &impl GenericClient, n: &NotificationRecord) -> Result<()> {
    exec(
        c,
        "INSERT INTO notifications (sid, account_sid, call_sid, error_code, log, message_date, \
         message_text, request_method, request_url, request_variables, response_body, \
         response_headers, date_created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, $13)",
        &[
            &n.sid,
            &n.account_sid,
            &n.call_sid,
            &n.error_code,
            &n.log,
            &n.message_date,
            &n.message_text,
            &n.request_method,
            &n.request_url,
            &n.request_variables,
            &n.response_body,
            &n.response_headers,
            &n.date_created,
        ],
    )
    .await
    .map(drop)
}

#[async_trait]
impl NotificationStore for PostgresStore {
    async fn notification(
        &self,
        account_sid: &str,
        sid: &str,
    ) -> Result<Option<NotificationRecord>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let sql = format!("{SELECT} WHERE sid = $1 AND account_sid = $2");
        row_opt(&c, &sql, &[&sid, &account_sid])
            .await?
            .as_ref()
            .map(record)
            .transpose()
    }

    async fn list_notifications(
        &self,
        account_sid: &str,
        q: &NotificationListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<NotificationRecord>> {
        let mut f = Filter::new("account_sid = $", account_sid.to_owned());
        f.and_opt("call_sid = $", q.call_sid.clone())
            .and_opt("log = $", q.log)
            .and_opt("message_date >= $", q.from)
            .and_opt("message_date < $", q.until);
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
}
