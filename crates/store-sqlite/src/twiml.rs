//! TwiML effects on SQLite: one writer job, so one transaction.

use async_trait::async_trait;
use rusqlite::params;
use switchboard_store::*;

use crate::worker::sql_error;
use crate::SqliteStore;

#[async_trait]
impl TwimlStore for SqliteStore {
    async fn apply_twiml(&self, e: TwimlEffects) -> Result<bool> {
        self.writer
            .write(move |c| {
                if !crate::webhooks::finish(c, e.webhook_id, e.outcome.clone(), e.now)? {
                    return Ok(false);
                }
                if let Some(ch) = &e.call {
                    let k = crate::calls::load(c, &ch.account_sid, &ch.sid)?
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
                    let cfg = serde_json::to_string(&k.config)
                        .map_err(|e| StoreError::Other(e.to_string()))?;
                    c.prepare_cached(
                        "UPDATE calls SET answered_at = ?2, ends_at = ?3, final_status = ?4, \
                         config = ?5, date_updated = ?6 WHERE sid = ?1",
                    )
                    .and_then(|mut st| {
                        st.execute(params![
                            k.sid,
                            k.answered_at,
                            k.ends_at,
                            k.final_status,
                            cfg,
                            k.date_updated
                        ])
                    })
                    .map_err(sql_error)?;
                    crate::webhooks::drop_future_callbacks(c, &k.sid, ch.callbacks_from)?;
                    let hooks: Vec<NewWebhook> = (ch.callbacks)(&k)
                        .into_iter()
                        .filter(|w| w.due_at >= ch.callbacks_from)
                        .collect();
                    crate::webhooks::insert_webhooks(c, &hooks)?;
                }
                for (call, hooks) in &e.calls {
                    crate::calls::insert(c, call)?;
                    crate::webhooks::insert_webhooks(c, hooks)?;
                }
                for m in &e.messages {
                    match crate::messages::create(c, &m.message) {
                        Ok(_) => {}
                        Err(StoreError::Rule(_)) => crate::notifications::insert(c, &m.refused)?,
                        Err(other) => return Err(other),
                    }
                }
                for (rec, charge) in &e.recordings {
                    crate::recordings::insert(c, rec, charge.as_ref())?;
                }
                crate::webhooks::insert_webhooks(c, &e.webhooks)?;
                for n in &e.notifications {
                    crate::notifications::insert(c, n)?;
                }
                Ok(true)
            })
            .await
    }
}
