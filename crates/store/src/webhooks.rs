//! The webhook queue: every webhook Switchboard sends (status callbacks, TwiML fetches; usage
//! triggers later) is a row here first, written in the same transaction as the event it
//! reports, so an acknowledged write never loses its webhook.
//!
//! Delivery is at least once: a sender leases due rows, sends, then marks them delivered
//! or schedules a retry. A crash between sending and marking sends again after the lease
//! ends, with the same idempotency token, as Twilio does. Per resource, a webhook is not
//! due while an earlier one of the same resource is still pending, so they arrive in order;
//! a TwiML fetch waits only for earlier fetches, and holds back the callbacks due after it
//! (the document it fetches may change the call's course, and so those callbacks).

use async_trait::async_trait;

use crate::Result;

/// What a webhook is for, which decides what is done with the answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WebhookKind {
    /// A status callback (or any notice whose answer is ignored); retried with backoff.
    #[default]
    Callback,
    /// A call's TwiML document (`resource_sid` the call); an empty `url` stands for the
    /// call's `Twiml`. Tried once; failures go to the fallback URL.
    Voice,
    /// The answer to an inbound message (`resource_sid` the message). Tried once.
    Messaging,
}

impl WebhookKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookKind::Callback => "callback",
            WebhookKind::Voice => "voice",
            WebhookKind::Messaging => "messaging",
        }
    }
    pub fn parse(s: &str) -> Self {
        match s {
            "voice" => WebhookKind::Voice,
            "messaging" => WebhookKind::Messaging,
            _ => WebhookKind::Callback,
        }
    }
}

/// A webhook to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    pub kind: WebhookKind,
    /// The account whose auth token signs it.
    pub account_sid: String,
    /// The call or message it reports on; orders its webhooks.
    pub resource_sid: String,
    pub url: String,
    /// `POST` or `GET`.
    pub method: String,
    /// The parameters, form-encoded.
    pub params: String,
    /// When it may be sent first (ms): the time of the event it reports.
    pub due_at: i64,
    /// Sent as `I-Twilio-Idempotency-Token`; unchanged across retries. Names the event
    /// (unique): queueing the same event again keeps the first.
    pub idempotency_token: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRecord {
    pub id: i64,
    pub webhook: NewWebhook,
    /// Attempts made, including the one this lease is for.
    pub attempts: i64,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookOutcome {
    Delivered,
    /// Try again at this time (ms).
    Retry {
        at: i64,
        error: String,
    },
    /// No more attempts.
    Failed {
        error: String,
    },
}

#[async_trait]
pub trait WebhookStore: Send + Sync + 'static {
    /// Queue webhooks on their own (events not written by another store call).
    async fn enqueue_webhooks(&self, webhooks: Vec<NewWebhook>) -> Result<()>;

    /// Lease up to `limit` webhooks due at `now`, each the earliest pending one of its
    /// resource: their next attempt moves to `now + lease_ms` and `attempts` grows by one.
    async fn lease_webhooks(
        &self,
        now: i64,
        lease_ms: i64,
        limit: u32,
    ) -> Result<Vec<WebhookRecord>>;

    /// Record how an attempt ended, with the Notification that reports a failed one; both
    /// only while the webhook is pending (a second finish changes nothing).
    async fn finish_webhook(
        &self,
        id: i64,
        outcome: WebhookOutcome,
        now: i64,
        notification: Option<crate::NotificationRecord>,
    ) -> Result<()>;

    /// Drop a resource's webhooks that are still pending and due after `after` (ms): a
    /// call ended early or a scheduled message canceled no longer reaches those events.
    async fn drop_future_webhooks(&self, resource_sid: &str, after: i64) -> Result<u64>;

    /// Webhooks of one resource in queue order, for tests and the admin plane:
    /// `(record, state)` with state `pending`, `delivered` or `failed`.
    async fn webhooks_of(&self, resource_sid: &str) -> Result<Vec<(WebhookRecord, String)>>;
}
