//! TaskRouter Workspaces: a subdomain product, whose rows belong to the account the
//! credentials name (no account in the URL).

use async_trait::async_trait;

use crate::{PageRequest, PageSlice, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceRecord {
    pub seq: i64,
    pub sid: String,
    pub account_sid: String,
    pub friendly_name: String,
    pub event_callback_url: Option<String>,
    pub events_filter: Option<String>,
    pub multi_task_enabled: bool,
    /// `FIFO` or `LIFO`.
    pub prioritize_queue_order: String,
    pub default_activity_sid: String,
    pub timeout_activity_sid: String,
    pub date_created: i64,
    pub date_updated: i64,
}

/// Changes of an update; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceUpdate {
    pub friendly_name: Option<String>,
    pub event_callback_url: Option<Option<String>>,
    pub events_filter: Option<Option<String>>,
    pub multi_task_enabled: Option<bool>,
    pub prioritize_queue_order: Option<String>,
    pub now: i64,
}

#[async_trait]
pub trait WorkspaceStore: Send + Sync + 'static {
    async fn create_workspace(&self, w: WorkspaceRecord) -> Result<WorkspaceRecord>;
    async fn workspace(&self, account_sid: &str, sid: &str) -> Result<Option<WorkspaceRecord>>;
    async fn list_workspaces(
        &self,
        account_sid: &str,
        friendly_name: Option<String>,
        page: PageRequest,
    ) -> Result<PageSlice<WorkspaceRecord>>;
    async fn update_workspace(
        &self,
        account_sid: &str,
        sid: &str,
        update: WorkspaceUpdate,
    ) -> Result<WorkspaceRecord>;
    async fn delete_workspace(&self, account_sid: &str, sid: &str) -> Result<()>;
}
