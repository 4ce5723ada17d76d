//! Calls. Like messages, a call's course is a stored timeline, so its status, start and end
//! times and price at any instant derive from it; an update (hang up, cancel) rewrites the
//! end. The charge is recorded once the call has ended, by [`CallStore::charge_ended_calls`].

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::{PageRequest, PageSlice, Result};

/// What the API can set on a call, kept together (TwiML execution and callbacks use it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallConfig {
    pub url: Option<String>,
    pub method: Option<String>,
    pub twiml: Option<String>,
    pub application_sid: Option<String>,
    pub fallback_url: Option<String>,
    pub fallback_method: Option<String>,
    pub status_callback: Option<String>,
    pub status_callback_events: Vec<String>,
    pub status_callback_method: Option<String>,
    pub timeout: i64,
    pub record: bool,
    pub machine_detection: Option<String>,
    pub caller_id: Option<String>,
    pub send_digits: Option<String>,
    /// TwiML state (see `switchboard_twiml`): the other party's `<Gather>` inputs and how many
    /// were used, how long they speak into a `<Record>`, how long clips play, how many
    /// documents the call has run, and the document fetch it waits for.
    #[serde(default)]
    pub inputs: Vec<String>,
    #[serde(default)]
    pub inputs_used: usize,
    #[serde(default)]
    pub record_seconds: Option<i64>,
    #[serde(default)]
    pub play_seconds: Option<i64>,
    #[serde(default)]
    pub documents: u32,
    /// When the other party hangs up, whatever the documents say (ms).
    #[serde(default)]
    pub hangup_at: Option<i64>,
    #[serde(default)]
    pub fetch: Option<PendingFetch>,
}

/// The next TwiML document a call fetches: a [`crate::WebhookKind::Voice`] webhook, rebuilt
/// from this whenever the call's webhooks are (an empty `url` means the call's `Twiml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingFetch {
    pub token: String,
    pub url: String,
    pub method: String,
    /// Form-encoded.
    pub params: String,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    pub seq: i64,
    pub sid: String,
    pub account_sid: String,
    pub parent_call_sid: Option<String>,
    /// `outbound-api` or `inbound`.
    pub direction: String,
    pub from: String,
    pub to: String,
    pub from_formatted: String,
    pub to_formatted: String,
    pub phone_number_sid: Option<String>,
    pub caller_name: Option<String>,
    pub forwarded_from: Option<String>,
    pub answered_by: Option<String>,
    pub queue_time: String,
    pub config: CallConfig,
    /// The country whose rate prices the call, and that rate per started minute.
    pub rate_country: String,
    pub rate: String,
    pub charge_category: String,
    pub initiated_at: i64,
    pub ringing_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub ends_at: i64,
    /// `completed`, `busy`, `no-answer`, `failed` or `canceled`.
    pub final_status: String,
    pub charged: bool,
    pub date_created: i64,
    pub date_updated: i64,
}

impl CallRecord {
    pub fn status_at(&self, now: i64) -> &str {
        if now >= self.ends_at {
            &self.final_status
        } else if self.answered_at.is_some_and(|t| now >= t) {
            "in-progress"
        } else if self.ringing_at.is_some_and(|t| now >= t) {
            "ringing"
        } else if now >= self.initiated_at {
            "initiated"
        } else {
            "queued"
        }
    }

    /// Set once the call has been initiated (a call canceled or failed before that has none).
    pub fn start_time_at(&self, now: i64) -> Option<i64> {
        (now >= self.initiated_at && self.ends_at > self.initiated_at).then_some(self.initiated_at)
    }

    /// What the call costs once ended: the rate per started minute of its duration.
    pub fn cost_at(&self, now: i64) -> Option<rust_decimal::Decimal> {
        let seconds = self.duration_at(now)?;
        let rate: rust_decimal::Decimal = self.rate.parse().ok()?;
        Some(switchboard_carrier::call_cost(rate, seconds))
    }

    /// Twilio's `price` once ended: negative, five decimals; `None` for calls that cost nothing.
    pub fn price_at(&self, now: i64) -> Option<String> {
        self.cost_at(now)
            .filter(|c| !c.is_zero())
            .map(switchboard_carrier::price_string)
    }

    pub fn end_time_at(&self, now: i64) -> Option<i64> {
        (now >= self.ends_at).then_some(self.ends_at)
    }

    /// Seconds talked, once ended (0 for calls that were never answered).
    pub fn duration_at(&self, now: i64) -> Option<i64> {
        (now >= self.ends_at).then(|| {
            self.answered_at
                .map_or(0, |a| (self.ends_at - a).max(0) / 1000)
        })
    }

    /// The instants at which the status changes, in order, up to the end.
    pub fn events(&self) -> Vec<(i64, &str)> {
        let mut out = vec![(self.initiated_at, "initiated")];
        if let Some(r) = self.ringing_at {
            out.push((r, "ringing"));
        }
        if let Some(a) = self.answered_at {
            out.push((a, "in-progress"));
        }
        out.retain(|(t, _)| *t < self.ends_at);
        out.push((self.ends_at, self.final_status.as_str()));
        out
    }

    /// The last change at or before `now`.
    pub fn date_updated_at(&self, now: i64) -> i64 {
        self.events()
            .into_iter()
            .map(|(t, _)| t)
            .filter(|t| *t <= now)
            .fold(self.date_updated, i64::max)
    }
}

#[derive(Debug, Clone)]
pub struct NewCall {
    pub record: CallRecord,
    /// Outbound: `from` must be an in-use, voice-capable number of the account, unless it
    /// is the magic test number.
    pub require_from_owned: bool,
    /// Outbound: the destination country, checked against the tree's voice permissions.
    pub require_geo_country: Option<String>,
    /// Its status callbacks, queued with it.
    pub webhooks: Vec<crate::NewWebhook>,
}

/// Builds a call's status callbacks from its record; an update that changes the call's
/// course or callback settings queues them again from the update on (see
/// [`CallStore::update_call`]).
pub type CallCallbacks = fn(&CallRecord) -> Vec<crate::NewWebhook>;

/// `Status` changes the API allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallEnd {
    /// Hang up an answered call (or cancel one that has not been answered).
    Completed,
    /// Cancel a call that has not been answered.
    Canceled,
}

#[derive(Debug, Clone, Default)]
pub struct CallListQuery {
    pub to: Option<String>,
    pub from: Option<String>,
    pub parent_call_sid: Option<String>,
    pub status: Option<String>,
    pub start_from: Option<i64>,
    pub start_until: Option<i64>,
    pub end_from: Option<i64>,
    pub end_until: Option<i64>,
    pub now: i64,
}

#[async_trait]
pub trait CallStore: Send + Sync + 'static {
    /// Store an outbound call after checking, in one transaction, that the account is
    /// active, owns `from`, and may call the destination country.
    async fn create_call(&self, new: NewCall) -> Result<CallRecord>;

    /// Store an inbound call to the in-use number `to`, for its owner, who must be active.
    async fn receive_call(&self, new: NewCall) -> Result<CallRecord>;

    async fn call(&self, account_sid: &str, sid: &str) -> Result<Option<CallRecord>>;

    async fn list_calls(
        &self,
        account_sid: &str,
        query: &CallListQuery,
        page: PageRequest,
    ) -> Result<PageSlice<CallRecord>>;

    /// End a live call at `now` ([`crate::RuleViolation::CallNotLive`] when it has ended, or
    /// for `Canceled`, when it was answered), and/or change its configuration. In the same
    /// transaction, its pending status callbacks due after `now` are replaced by those
    /// `callbacks` builds from the updated call, due from `now` on.
    async fn update_call(
        &self,
        account_sid: &str,
        sid: &str,
        end: Option<CallEnd>,
        config: Option<CallConfig>,
        now: i64,
        callbacks: CallCallbacks,
    ) -> Result<CallRecord>;

    /// Delete an ended call.
    async fn delete_call(&self, account_sid: &str, sid: &str, now: i64) -> Result<()>;

    /// Record the charge of every call that has ended by `now` and is not charged yet.
    async fn charge_ended_calls(&self, now: i64) -> Result<u64>;
}
