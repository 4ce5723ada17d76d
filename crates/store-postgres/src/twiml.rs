//! TwiML effects on Postgres, in one transaction. The call's row is locked, so an API
//! update (hang up, redirect) orders before or after the document's effects, never between.

use async_trait::async_trait;
use switchboard_store::*;

use crate::query::exec;
use crate::{pg_error, pool_error, PostgresStore};

#[async_trait]
impl TwimlStore for PostgresStore {
    async fn apply_twiml(&self, e: TwimlEffects) -> Result<bool> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        if !crate::webhooks::finish(&tx, e.webhook_id, e.outcome.clone(), e.now).await? {
            return Ok(false);
        }
        if let Some(ch) = &e.call {
            let k = crate::calls::load(&tx, &ch.account_sid, &ch.sid, "FOR UPDATE")
                .await?
                .ok_or(StoreError::NotFound)?;
            if k.date_updated != ch.seen_updated || k.ends_at != ch.seen_ends_at {
                return Err(StoreError::Conflict(format!("call {} changed", ch.sid)));
            }
            let k = CallRecord {
                answered_at: ch.answered_at,
                ends_at: ch.ends_at,
                final_status: ch.final_status.clone(),
                config: ch.config.clone(),
                date_updated: ch.date_updated,
                ..k
            };
            let cfg =
                serde_json::to_string(&k.config).map_err(|e| StoreError::Other(e.to_string()))?;
            exec(
                &tx,
                "UPDATE calls SET answered_at = $2, ends_at = $3, final_status = $4, config = $5, \
                 date_updated = $6 WHERE sid = $1",
                &[
                    &k.sid,
                    &k.answered_at,
                    &k.ends_at,
                    &k.final_status,
                    &cfg,
                    &k.date_updated,
                ],
            )
            .await?;
            crate::webhooks::drop_future_callbacks(&tx, &k.sid, ch.callbacks_from).await?;
            let hooks: Vec<NewWebhook> = (ch.callbacks)(&k)
                .into_iter()
                .filter(|w| w.due_at >= ch.callbacks_from)
                .collect();
            crate::webhooks::insert_webhooks(&tx, &hooks).await?;
        }
        for (call, hooks) in &e.calls {
            crate::calls::insert(&tx, call).await?;
            crate::webhooks::insert_webhooks(&tx, hooks).await?;
        }
        for m in &e.messages {
            match crate::messages::create(&tx, &m.message).await {
                Ok(_) => {}
                Err(StoreError::Rule(_)) => crate::notifications::insert(&tx, &m.refused).await?,
                Err(other) => return Err(other),
            }
        }
        for (rec, charge) in &e.recordings {
            crate::recordings::insert(&tx, rec, charge.as_ref()).await?;
        }
        crate::webhooks::insert_webhooks(&tx, &e.webhooks).await?;
        for n in &e.notifications {
            crate::notifications::insert(&tx, n).await?;
        }
        tx.commit().await.map_err(pg_error)?;
        Ok(true)
    }
}
