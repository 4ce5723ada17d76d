//! Messages. A message's course is decided when it is created (the simulated carrier's
//! plan): its timeline is stored, and its status at any instant derives from it, so reads
//! are exact on any clock and nothing has to run for a message to progress.

use async_trait::async_trait;

use crate::{PageRequest, PageSlice, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub seq: i64,
    pub sid: String,
    pub account_sid: String,
    /// `outbound-api` or `inbound`.
    pub direction: String,
    pub from: String,
    pub to: String,
    pub messaging_service_sid: Option<String>,
    pub body: String,
    pub num_segments: i64,
    pub num_media: i64,
    pub media_urls: Vec<String>,
    pub status_callback: Option<String>,
    pub api_version: String,
    pub date_created: i64,
    /// When it leaves the queue (its creation, or `SendAt` for a scheduled message).
    pub send_at: i64,
    pub sending_at: i64,
    /// `None`: never sent (failed).
    pub sent_at: Option<i64>,
    pub final_at: i64,
    /// `delivered`, `undelivered`, `failed` (outbound) or `received` (inbound).
    pub final_status: String,
    pub error_code: Option<i64>,
    pub scheduled: bool,
    /// Twilio's price string (negative), charged when created; `None` when free.
    pub price: Option<String>,
    pub price_unit: String,
    pub canceled_at: Option<i64>,
    pub redacted_at: Option<i64>,
}

impl MessageRecord {
    /// The status at `now`.
    pub fn status_at(&self, now: i64) -> &str {
        if self.canceled_at.is_some() {
            return "canceled";
        }
        if self.direction == "inbound" {
            return &self.final_status;
        }
        if self.scheduled && now < self.send_at {
            return "scheduled";
        }
        if now >= self.final_at {
            &self.final_status
        } else if self.sent_at.is_some_and(|t| now >= t) {
            "sent"
        } else if now >= self.sending_at {
            "sending"
        } else {
            "queued"
        }
    }

    /// `date_sent` at `now`.
    pub fn date_sent_at(&self, now: i64) -> Option<i64> {
        if self.canceled_at.is_some() {
            return None;
        }
        self.sent_at.filter(|t| now >= *t)
    }

    /// The error code, once the message has failed or is undelivered.
    pub fn error_code_at(&self, now: i64) -> Option<i64> {
        (self.canceled_at.is_none() && now >= self.final_at)
            .then_some(self.error_code)
            .flatten()
    }

    /// The price shows once the message is sent (or received).
    pub fn price_at(&self, now: i64) -> Option<&str> {
        if self.direction == "inbound" || self.date_sent_at(now).is_some() {
            self.price.as_deref()
        } else {
            None
        }
    }

    /// The last change at or before `now`.
    pub fn date_updated_at(&self, now: i64) -> i64 {
        let mut t = self.date_created;
        for e in [Some(self.sending_at), self.sent_at, Some(self.final_at)]
            .into_iter()
            .flatten()
        {
            if e <= now && !(self.scheduled && e < self.send_at) && self.canceled_at.is_none() {
                t = t.max(e);
            }
        }
        for e in [self.canceled_at, self.redacted_at].into_iter().flatten() {
            t = t.max(e);
        }
        t
    }
}

/// Where a message's charge goes: category and amount (positive decimal string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCharge {
    pub category: String,
    pub amount: String,
    /// Units of the category's usage: minutes (calls, recordings), segments (SMS), 1.
    pub usage: i64,
}

/// A message to store; the rules checked in the creating transaction are named by the
/// `require_*` fields.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub record: MessageRecord,
    /// Outbound: `from` must be an in-use number of the account with this capability
    /// (`sms` or `mms`), unless it is the magic test number.
    pub require_from_capability: Option<&'static str>,
    /// Outbound: the destination country, checked against the tree's SMS permissions.
    pub require_geo_country: Option<String>,
    /// Outbound: the account must be active. Inbound: the owner of `to` must be.
    pub charge: Option<NewCharge>,
    /// Its status callbacks, queued with it.
    pub webhooks: Vec<crate::NewWebhook>,
}

#[derive(Debug, Clone, Default)]
pub struct MessageListQuery {
    pub to: Option<String>,
    pub from: Option<String>,
    /// `date_sent` on or after (ms).
    pub sent_from: Option<i64>,
    /// `date_sent` before (ms).
    pub sent_until: Option<i64>,
    pub now: i64,
}

#[async_trait]
pub trait MessageStore: Send + Sync + 'static {
    /// Store an outbound message after checking, in one transaction, that the account is
    /// active, owns `from` with the capability, and may send to the destination country;
    /// its charge is recorded in the same transaction.
    async fn create_message(&self, new: NewMessage) -> Result<MessageRecord>;

    /// Store an inbound message to the in-use number `to`, for its owner, who must be active.
    async fn receive_message(&self, new: NewMessage) -> Result<MessageRecord>;

    async fn message(&self, account_sid: &str, sid: &str) -> Result<Option<MessageRecord>>;

    async fn list_messages(
        &self,
        account_sid: &str,
        query: &MessageListQuery,
        page: PageRequest,
    ) -> Result<PageSlice<MessageRecord>>;

    /// `Body=""`: remove the body of a message that is no longer in flight.
    async fn redact_message(&self, account_sid: &str, sid: &str, now: i64)
        -> Result<MessageRecord>;

    /// `Status=canceled`: cancel a scheduled message before it is sent; its charge goes.
    async fn cancel_message(&self, account_sid: &str, sid: &str, now: i64)
        -> Result<MessageRecord>;

    async fn delete_message(&self, account_sid: &str, sid: &str, now: i64) -> Result<()>;
}
