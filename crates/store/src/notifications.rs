//! Notifications: what went wrong with an account's webhooks (Twilio's v2010 Notifications,
//! account-level and per call), written with the webhook attempt they describe.

use async_trait::async_trait;

use crate::{PageRequest, PageSlice, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    pub seq: i64,
    pub sid: String,
    pub account_sid: String,
    pub call_sid: Option<String>,
    pub error_code: i64,
    /// 0 error, 1 warning.
    pub log: i64,
    pub message_date: i64,
    pub message_text: String,
    pub request_method: String,
    pub request_url: String,
    pub request_variables: String,
    pub response_body: String,
    pub response_headers: String,
    pub date_created: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NotificationListQuery {
    pub call_sid: Option<String>,
    pub log: Option<i64>,
    /// `message_date` on or after (ms).
    pub from: Option<i64>,
    /// `message_date` before (ms).
    pub until: Option<i64>,
}

#[async_trait]
pub trait NotificationStore: Send + Sync + 'static {
    async fn notification(
        &self,
        account_sid: &str,
        sid: &str,
    ) -> Result<Option<NotificationRecord>>;

    /// Newest first.
    async fn list_notifications(
        &self,
        account_sid: &str,
        query: &NotificationListQuery,
        page: PageRequest,
    ) -> Result<PageSlice<NotificationRecord>>;
}
