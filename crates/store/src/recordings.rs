//! Recordings made by TwiML (`<Record>`, `<Dial record>`). A recording's status and price
//! derive from its stored start and length, like a call's: `in-progress` until it ends, then
//! `completed` with its price.

use async_trait::async_trait;

use crate::{PageRequest, PageSlice, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingRecord {
    pub seq: i64,
    pub sid: String,
    pub account_sid: String,
    pub call_sid: String,
    /// `RecordVerb` or `DialVerb`.
    pub source: String,
    pub channels: i64,
    pub start_time: i64,
    pub duration_ms: i64,
    /// Twilio's `price` (negative), set with the recording.
    pub price: Option<String>,
    pub date_created: i64,
}

impl RecordingRecord {
    pub fn ends_at(&self) -> i64 {
        self.start_time + self.duration_ms
    }
    pub fn status_at(&self, now: i64) -> &'static str {
        if now >= self.ends_at() {
            "completed"
        } else {
            "in-progress"
        }
    }
    /// Whole seconds, once completed (Twilio reports `-1` while in progress).
    pub fn duration_at(&self, now: i64) -> String {
        if now >= self.ends_at() {
            (self.duration_ms / 1000).to_string()
        } else {
            "-1".into()
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct RecordingListQuery {
    pub call_sid: Option<String>,
    /// `date_created` on or after / before (ms).
    pub created_from: Option<i64>,
    pub created_until: Option<i64>,
}

#[async_trait]
pub trait RecordingStore: Send + Sync + 'static {
    async fn recording(&self, account_sid: &str, sid: &str) -> Result<Option<RecordingRecord>>;

    /// Newest first.
    async fn list_recordings(
        &self,
        account_sid: &str,
        query: &RecordingListQuery,
        page: PageRequest,
    ) -> Result<PageSlice<RecordingRecord>>;

    async fn delete_recording(&self, account_sid: &str, sid: &str) -> Result<()>;
}
