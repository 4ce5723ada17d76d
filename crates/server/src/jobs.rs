//! Background work that becomes due with time: charges of ended calls, numbers' monthly
//! charges, deleting closed subaccounts 30 days after closure, firing usage triggers, and
//! sending due webhooks. A loop runs it every second on the server's clock (webhooks every
//! 100 ms, so callbacks follow their events closely); the admin clock advance runs it before
//! answering, so manual-clock users see its effect at once.
//!
//! Every step is idempotent and keyed on stored times, so several instances on one Postgres
//! database may all run it.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use switchboard_store::{Store, StoreError, CLOSED_RETENTION_MS};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::carrier::Carrier;
use crate::clock::Clock;
use crate::webhooks::sender::Sender;

pub struct Jobs {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    webhooks: Sender,
    /// One run at a time per instance: a clock advance that asks for a run waits for the
    /// background run in flight, so it answers after that run's writes too (on Postgres a
    /// concurrent run would skip the rows the other has locked and return early).
    running: tokio::sync::Mutex<()>,
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct DueReport {
    pub call_charges: u64,
    pub number_charges: u64,
    pub purged_subaccounts: u64,
    pub usage_triggers_fired: u64,
    pub webhooks_delivered: u64,
}

impl Jobs {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, carrier: Arc<Carrier>) -> Self {
        let webhooks = Sender::new(store.clone(), clock.clone(), carrier);
        Jobs {
            store,
            clock,
            webhooks,
            running: tokio::sync::Mutex::new(()),
        }
    }

    /// Run everything due at the clock's current time.
    pub async fn run_due(&self) -> Result<DueReport, StoreError> {
        self.run_due_after(|| {}).await
    }

    /// Do `before` (a manual clock's advance), then run what became due, with no other run
    /// of this instance in between: the report says everything the advance made due.
    pub async fn run_due_after(&self, before: impl FnOnce()) -> Result<DueReport, StoreError> {
        let _running = self.running.lock().await;
        before();
        // Webhooks first: a TwiML document may change how a call ends, and so its charge.
        let webhooks_delivered = self.webhooks.deliver_due().await?;
        let now = self.clock.now_ms();
        let call_charges = self.store.charge_ended_calls(now).await?;
        let number_charges = self.store.charge_due_numbers(now).await?;
        let purged = self
            .store
            .purge_closed_subaccounts(now, CLOSED_RETENTION_MS)
            .await?;
        if purged > 0 {
            tracing::info!(purged, "deleted closed subaccounts past retention");
        }
        // After the charges (usage is read from what they added), before the callbacks they
        // queue are sent.
        let usage_triggers_fired =
            crate::routes::usage_triggers::fire_due(self.store.as_ref(), now).await?;
        let webhooks_delivered = webhooks_delivered + self.webhooks.deliver_due().await?;
        Ok(DueReport {
            call_charges,
            number_charges,
            purged_subaccounts: purged,
            usage_triggers_fired,
            webhooks_delivered,
        })
    }

    /// This server's own URL, once bound (recordings' URLs are sent with it).
    pub fn set_base_url(&self, url: String) {
        self.webhooks.twiml.set_base_url(url);
    }

    /// This server's own URL (empty until bound).
    pub fn base_url(&self) -> String {
        self.webhooks.twiml.base_url()
    }

    /// Run [`Jobs::run_due`] every second until `shutdown` turns true.
    pub fn spawn_loop(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut hooks = tokio::time::interval(Duration::from_millis(100));
            hooks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        if let Err(e) = self.run_due().await {
                            tracing::warn!(error = %e, "background work failed; retrying");
                        }
                    }
                    _ = hooks.tick() => {
                        if let Err(e) = self.webhooks.deliver_due().await {
                            tracing::warn!(error = %e, "webhook delivery failed; retrying");
                        }
                    }
                    _ = shutdown.changed() => break,
                }
            }
        })
    }
}
