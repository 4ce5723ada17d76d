//! What running a TwiML document changes, written at once: the call's new course, the calls
//! `<Dial>` placed, the messages `<Message>` sent, the recordings made, the next document to
//! fetch, the Notifications to log, and the fetch itself marked done. All in one
//! transaction, and only while that fetch is still pending, so a document's effects happen
//! exactly once even when a crash makes the fetch run again.

use async_trait::async_trait;

use crate::{
    CallCallbacks, CallConfig, CallRecord, NewCharge, NewMessage, NewWebhook, NotificationRecord,
    RecordingRecord, Result, WebhookOutcome,
};

/// The call's course after the document.
#[derive(Debug, Clone)]
pub struct CallChange {
    pub account_sid: String,
    pub sid: String,
    /// The call's `date_updated` and `ends_at` when the document ran: if either changed
    /// since (hung up, redirected through the API), nothing is written
    /// ([`crate::StoreError::Conflict`]) and the run is redone on the fresh call.
    pub seen_updated: i64,
    pub seen_ends_at: i64,
    pub answered_at: Option<i64>,
    pub ends_at: i64,
    pub final_status: String,
    pub config: CallConfig,
    pub date_updated: i64,
    /// Its status callbacks due after `callbacks_from` are rebuilt from the new course.
    pub callbacks: CallCallbacks,
    pub callbacks_from: i64,
}

/// A message a document sends, checked like one created through the API; a refused one is
/// not sent, and `refused` is logged instead.
#[derive(Debug, Clone)]
pub struct TwimlMessage {
    pub message: NewMessage,
    pub refused: NotificationRecord,
}

#[derive(Debug, Clone)]
pub struct TwimlEffects {
    /// The fetch (a [`crate::WebhookKind::Voice`] or `Messaging` webhook) whose document ran.
    pub webhook_id: i64,
    pub outcome: WebhookOutcome,
    pub now: i64,
    pub call: Option<CallChange>,
    /// `<Dial>`ed calls (children of the call), with their status callbacks.
    pub calls: Vec<(CallRecord, Vec<NewWebhook>)>,
    pub messages: Vec<TwimlMessage>,
    pub recordings: Vec<(RecordingRecord, Option<NewCharge>)>,
    /// The next document to fetch, and any other webhook the document causes.
    pub webhooks: Vec<NewWebhook>,
    pub notifications: Vec<NotificationRecord>,
}

#[async_trait]
pub trait TwimlStore: Send + Sync + 'static {
    /// Write `effects`; `Ok(false)` (and nothing written) when the fetch was no longer
    /// pending (another run finished it).
    async fn apply_twiml(&self, effects: TwimlEffects) -> Result<bool>;
}
