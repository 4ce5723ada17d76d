//! The webhook queue on Postgres. Leasing uses `FOR UPDATE SKIP LOCKED`, so several
//! Switchboard instances share the queue without sending one webhook twice at once.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use switchboard_store::*;
use tokio_postgres::Row;

use crate::query::{exec, rows};
use crate::{pool_error, PostgresStore};

const COLUMNS: &str = "id, account_sid, resource_sid, url, method, params, due_at, \
     idempotency_token, attempts, state, kind";

fn record(r: &Row) -> (WebhookRecord, String) {
    (
        WebhookRecord {
            id: r.get(0),
            webhook: NewWebhook {
                kind: WebhookKind::parse(r.get(10)),
                account_sid: r.get(1),
                resource_sid: r.get(2),
                url: r.get(3),
                method: r.get(4),
                params: r.get(5),
                due_at: r.get(6),
                idempotency_token: r.get(7),
            },
            attempts: r.get(8),
        },
        r.get(9),
    )
}

/// Queue `webhooks` in the caller's transaction.
pub(crate) async fn insert_webhooks(c: &impl GenericClient, webhooks: &[NewWebhook]) -> Result<()> {
    for w in webhooks {
        exec(
            c,
            "INSERT INTO webhooks (account_sid, resource_sid, url, method, params, due_at, \
             idempotency_token, next_attempt_at, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8) \
             ON CONFLICT (idempotency_token) DO NOTHING",
            &[
                &w.account_sid,
                &w.resource_sid,
                &w.url,
                &w.method,
                &w.params,
                &w.due_at,
                &w.idempotency_token,
                &w.kind.as_str(),
            ],
        )
        .await?;
    }
    Ok(())
}

/// Drop a resource's pending webhooks due after `after`, in the caller's transaction.
pub(crate) async fn drop_future(
    c: &impl GenericClient,
    resource_sid: &str,
    after: i64,
) -> Result<u64> {
    exec(
        c,
        "DELETE FROM webhooks WHERE resource_sid = $1 AND state = 'pending' AND due_at > $2",
        &[&resource_sid, &after],
    )
    .await
}

/// Record how an attempt ended, in the caller's transaction; false when the webhook was no
/// longer pending (nothing changed).
pub(crate) async fn finish(
    c: &impl GenericClient,
    id: i64,
    outcome: WebhookOutcome,
    now: i64,
) -> Result<bool> {
    let (state, next, error) = match outcome {
        WebhookOutcome::Delivered => ("delivered", None, None),
        WebhookOutcome::Retry { at, error } => ("pending", Some(at), Some(error)),
        WebhookOutcome::Failed { error } => ("failed", None, Some(error)),
    };
    let changed = exec(
        c,
        "UPDATE webhooks SET state = $2, next_attempt_at = COALESCE($3, next_attempt_at), \
         last_error = $4, finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE $5::bigint END \
         WHERE id = $1 AND state = 'pending'",
        &[&id, &state, &next, &error, &now],
    )
    .await?;
    Ok(changed == 1)
}

/// Drop a resource's pending status callbacks due after `after` (not its TwiML fetches).
pub(crate) async fn drop_future_callbacks(
    c: &impl GenericClient,
    resource_sid: &str,
    after: i64,
) -> Result<u64> {
    exec(
        c,
        "DELETE FROM webhooks WHERE resource_sid = $1 AND state = 'pending' AND due_at > $2 \
         AND kind = 'callback'",
        &[&resource_sid, &after],
    )
    .await
}

#[async_trait]
impl WebhookStore for PostgresStore {
    async fn enqueue_webhooks(&self, webhooks: Vec<NewWebhook>) -> Result<()> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(crate::pg_error)?;
        insert_webhooks(&tx, &webhooks).await?;
        tx.commit().await.map_err(crate::pg_error)
    }

    async fn lease_webhooks(
        &self,
        now: i64,
        lease_ms: i64,
        limit: u32,
    ) -> Result<Vec<WebhookRecord>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let until = now + lease_ms;
        let limit = i64::from(limit);
        let sql = format!(
            "UPDATE webhooks SET attempts = attempts + 1, next_attempt_at = $2 WHERE id IN \
             (SELECT w.id FROM webhooks w WHERE w.state = 'pending' AND w.next_attempt_at <= $1 \
             AND NOT EXISTS (SELECT 1 FROM webhooks e WHERE e.resource_sid = w.resource_sid \
             AND e.state = 'pending' AND e.id <> w.id AND (CASE WHEN e.kind = 'callback' \
             THEN w.kind = 'callback' AND e.id < w.id \
             ELSE (e.due_at, e.id) < (w.due_at, w.id) END)) ORDER BY w.next_attempt_at, w.id \
             LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING {COLUMNS}"
        );
        let mut out: Vec<WebhookRecord> = rows(&c, &sql, &[&now, &until, &limit])
            .await?
            .iter()
            .map(|r| record(r).0)
            .collect();
        out.sort_by_key(|w| (w.webhook.due_at, w.id));
        Ok(out)
    }

    async fn finish_webhook(
        &self,
        id: i64,
        outcome: WebhookOutcome,
        now: i64,
        notification: Option<NotificationRecord>,
    ) -> Result<()> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(crate::pg_error)?;
        let changed = finish(&tx, id, outcome, now).await?;
        // A webhook already finished (its lease ran out and another run sent it) gets no
        // second Notification.
        if let (Some(n), true) = (&notification, changed) {
            crate::notifications::insert(&tx, n).await?;
        }
        tx.commit().await.map_err(crate::pg_error)
    }

    async fn drop_future_webhooks(&self, resource_sid: &str, after: i64) -> Result<u64> {
        let c = self.pool.get().await.map_err(pool_error)?;
        drop_future(&c, resource_sid, after).await
    }

    async fn webhooks_of(&self, resource_sid: &str) -> Result<Vec<(WebhookRecord, String)>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE resource_sid = $1 ORDER BY id");
        Ok(rows(&c, &sql, &[&resource_sid])
            .await?
            .iter()
            .map(record)
            .collect())
    }
}
