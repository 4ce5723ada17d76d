//! The webhook queue on SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, Row};
use switchboard_store::*;

use crate::worker::sql_error;
use crate::SqliteStore;

const SELECT: &str = "SELECT id, account_sid, resource_sid, url, method, params, due_at, \
     idempotency_token, attempts, state, kind FROM webhooks";

fn row(r: &Row<'_>) -> rusqlite::Result<(WebhookRecord, String)> {
    Ok((
        WebhookRecord {
            id: r.get(0)?,
            webhook: NewWebhook {
                kind: WebhookKind::parse(&r.get::<_, String>(10)?),
                account_sid: r.get(1)?,
                resource_sid: r.get(2)?,
                url: r.get(3)?,
                method: r.get(4)?,
                params: r.get(5)?,
                due_at: r.get(6)?,
                idempotency_token: r.get(7)?,
            },
            attempts: r.get(8)?,
        },
        r.get(9)?,
    ))
}

/// Queue `webhooks` in the caller's transaction.
pub(crate) fn insert_webhooks(c: &Connection, webhooks: &[NewWebhook]) -> Result<()> {
    if webhooks.is_empty() {
        return Ok(());
    }
    let mut st = c
        .prepare_cached(
            "INSERT INTO webhooks (account_sid, resource_sid, url, method, params, due_at, \
             idempotency_token, next_attempt_at, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8) \
             ON CONFLICT (idempotency_token) DO NOTHING",
        )
        .map_err(sql_error)?;
    for w in webhooks {
        st.execute(params![
            w.account_sid,
            w.resource_sid,
            w.url,
            w.method,
            w.params,
            w.due_at,
            w.idempotency_token,
            w.kind.as_str()
        ])
        .map_err(sql_error)?;
    }
    Ok(())
}

/// Drop a resource's pending webhooks due after `after`, in the caller's transaction.
pub(crate) fn drop_future(c: &Connection, resource_sid: &str, after: i64) -> Result<u64> {
    c.prepare_cached(
        "DELETE FROM webhooks WHERE resource_sid = ?1 AND state = 'pending' AND due_at > ?2",
    )
    .and_then(|mut st| st.execute(params![resource_sid, after]))
    .map(|n| n as u64)
    .map_err(sql_error)
}

/// Record how an attempt ended, in the caller's transaction; false when the webhook was no
/// longer pending (nothing changed).
pub(crate) fn finish(c: &Connection, id: i64, outcome: WebhookOutcome, now: i64) -> Result<bool> {
    let (state, next, error) = match outcome {
        WebhookOutcome::Delivered => ("delivered", None, None),
        WebhookOutcome::Retry { at, error } => ("pending", Some(at), Some(error)),
        WebhookOutcome::Failed { error } => ("failed", None, Some(error)),
    };
    c.prepare_cached(
        "UPDATE webhooks SET state = ?2, next_attempt_at = COALESCE(?3, next_attempt_at), \
         last_error = ?4, finished_at = CASE WHEN ?2 = 'pending' THEN NULL ELSE ?5 END \
         WHERE id = ?1 AND state = 'pending'",
    )
    .and_then(|mut st| st.execute(params![id, state, next, error, now]))
    .map(|n| n == 1)
    .map_err(sql_error)
}

/// Drop a resource's pending status callbacks due after `after` (not its TwiML fetches).
pub(crate) fn drop_future_callbacks(c: &Connection, resource_sid: &str, after: i64) -> Result<u64> {
    c.prepare_cached(
        "DELETE FROM webhooks WHERE resource_sid = ?1 AND state = 'pending' AND due_at > ?2 \
         AND kind = 'callback'",
    )
    .and_then(|mut st| st.execute(params![resource_sid, after]))
    .map(|n| n as u64)
    .map_err(sql_error)
}

#[async_trait]
impl WebhookStore for SqliteStore {
    async fn enqueue_webhooks(&self, webhooks: Vec<NewWebhook>) -> Result<()> {
        self.writer
            .write(move |c| insert_webhooks(c, &webhooks))
            .await
    }

    async fn lease_webhooks(
        &self,
        now: i64,
        lease_ms: i64,
        limit: u32,
    ) -> Result<Vec<WebhookRecord>> {
        self.writer
            .write(move |c| {
                let leased = c
                    .prepare_cached(
                        "UPDATE webhooks SET attempts = attempts + 1, next_attempt_at = ?2 \
                         WHERE id IN (SELECT w.id FROM webhooks w WHERE w.state = 'pending' \
                         AND w.next_attempt_at <= ?1 AND NOT EXISTS (SELECT 1 FROM webhooks e \
                         WHERE e.resource_sid = w.resource_sid AND e.state = 'pending' \
                         AND e.id <> w.id AND (CASE WHEN e.kind = 'callback' \
                         THEN w.kind = 'callback' AND e.id < w.id \
                         ELSE e.due_at < w.due_at OR (e.due_at = w.due_at AND e.id < w.id) END)) \
                         ORDER BY w.next_attempt_at, w.id LIMIT ?3) \
                         RETURNING id, account_sid, resource_sid, url, method, params, due_at, \
                         idempotency_token, attempts, state, kind",
                    )
                    .and_then(|mut st| {
                        st.query_map(params![now, now + lease_ms, limit], row)?
                            .collect::<rusqlite::Result<Vec<_>>>()
                    })
                    .map_err(sql_error)?;
                let mut out: Vec<WebhookRecord> = leased.into_iter().map(|(w, _)| w).collect();
                out.sort_by_key(|w| (w.webhook.due_at, w.id));
                Ok(out)
            })
            .await
    }

    async fn finish_webhook(
        &self,
        id: i64,
        outcome: WebhookOutcome,
        now: i64,
        notification: Option<NotificationRecord>,
    ) -> Result<()> {
        self.writer
            .write(move |c| {
                let changed = finish(c, id, outcome, now)?;
                // A webhook already finished (its lease ran out and another run sent it)
                // gets no second Notification.
                match &notification {
                    Some(n) if changed => crate::notifications::insert(c, n),
                    _ => Ok(()),
                }
            })
            .await
    }

    async fn drop_future_webhooks(&self, resource_sid: &str, after: i64) -> Result<u64> {
        let r = resource_sid.to_owned();
        self.writer.write(move |c| drop_future(c, &r, after)).await
    }

    async fn webhooks_of(&self, resource_sid: &str) -> Result<Vec<(WebhookRecord, String)>> {
        let r = resource_sid.to_owned();
        self.readers
            .read(move |c| {
                c.prepare_cached(&format!("{SELECT} WHERE resource_sid = ?1 ORDER BY id"))
                    .and_then(|mut st| st.query_map([&r], row)?.collect())
                    .map_err(sql_error)
            })
            .await
    }
}
