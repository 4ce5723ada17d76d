//! Usage triggers: a callback when an account's usage of a category crosses a value, at
//! most once per period (`daily`, `monthly`, `yearly` on UTC boundaries; once ever when not
//! recurring). Firing records the period and queues the callback in one transaction, so
//! several instances evaluating the same trigger fire it once.

use async_trait::async_trait;

use crate::{NewWebhook, PageRequest, PageSlice, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageTriggerRecord {
    pub seq: i64,
    pub sid: String,
    pub account_sid: String,
    pub friendly_name: String,
    pub usage_category: String,
    /// `count`, `usage` or `price`.
    pub trigger_by: String,
    /// A decimal string.
    pub trigger_value: String,
    /// `daily`, `monthly`, `yearly`, `alltime`, or empty (not recurring, as `alltime`).
    pub recurring: String,
    pub callback_url: String,
    pub callback_method: String,
    pub date_created: i64,
    pub date_updated: i64,
    pub date_fired: Option<i64>,
    /// The period it last fired in (e.g. `day:17000`, `month:2018-01`, `alltime`).
    pub fired_period: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct UsageTriggerListQuery {
    /// `Some("")`: the non-recurring ones.
    pub recurring: Option<String>,
    pub trigger_by: Option<String>,
    pub usage_category: Option<String>,
}

/// What an update may change.
#[derive(Debug, Clone, Default)]
pub struct UsageTriggerPatch {
    pub friendly_name: Option<String>,
    pub callback_url: Option<String>,
    pub callback_method: Option<String>,
}

#[async_trait]
pub trait UsageTriggerStore: Send + Sync + 'static {
    async fn create_usage_trigger(&self, t: UsageTriggerRecord) -> Result<UsageTriggerRecord>;

    async fn usage_trigger(
        &self,
        account_sid: &str,
        sid: &str,
    ) -> Result<Option<UsageTriggerRecord>>;

    /// Oldest first.
    async fn list_usage_triggers(
        &self,
        account_sid: &str,
        query: &UsageTriggerListQuery,
        page: PageRequest,
    ) -> Result<PageSlice<UsageTriggerRecord>>;

    async fn update_usage_trigger(
        &self,
        account_sid: &str,
        sid: &str,
        patch: UsageTriggerPatch,
        now: i64,
    ) -> Result<UsageTriggerRecord>;

    async fn delete_usage_trigger(&self, account_sid: &str, sid: &str) -> Result<()>;

    /// Triggers in creation order after `after_seq`, up to `limit`: the job that evaluates
    /// them walks them all.
    async fn usage_triggers_after(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<UsageTriggerRecord>>;

    /// Fire a trigger for `period` at `now` and queue its callback, unless it already fired
    /// in that period (then `false`, nothing written).
    async fn fire_usage_trigger(
        &self,
        sid: &str,
        period: &str,
        now: i64,
        callback: NewWebhook,
    ) -> Result<bool>;
}
