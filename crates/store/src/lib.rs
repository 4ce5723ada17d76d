//! The storage contract shared by the SQLite and Postgres implementations.
//!
//! Rules that must hold under concurrency (the subaccount limit, status transitions, who
//! owns a number) are checked by the functions in [`rules`] *inside* the store's write
//! transaction, so both stores enforce exactly the same rules and no race can slip between
//! check and write. Every method on a tenant-owned resource takes the owning account's SID
//! and binds it in its queries.

pub mod accounts;
pub mod addresses;
pub mod auth_cache;
pub mod calls;
pub mod charges;
pub mod error;
pub mod incoming_phone_numbers;
pub mod keys;
pub mod messages;
pub mod notifications;
pub mod paging;
pub mod recordings;
pub mod rules;
pub mod testsuite;
pub mod twiml;
pub mod usage;
pub mod usage_triggers;
pub mod webhooks;
pub mod workspaces;

use async_trait::async_trait;

pub use accounts::*;
pub use addresses::*;
pub use calls::*;
pub use charges::*;
pub use error::{RuleViolation, StoreError};
pub use incoming_phone_numbers::*;
pub use keys::*;
pub use messages::*;
pub use notifications::*;
pub use paging::{PageRequest, PageSlice};
pub use recordings::*;
pub use twiml::*;
pub use usage::{UsageDay, UsageScope, UsageStore};
pub use usage_triggers::*;
pub use webhooks::*;
pub use workspaces::*;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Tables whose rows belong to an account (column `account_sid`), children first: purging
/// an account deletes from each, then the account. A new resource's table is added here.
pub const ACCOUNT_OWNED_TABLES: &[&str] = &[
    "webhooks",
    "usage_triggers",
    "notifications",
    "charges",
    "messages",
    "recordings",
    "calls",
    "incoming_phone_numbers",
    "addresses",
];

/// Everything the server needs from a database. One implementation per driver; handlers hold
/// an `Arc<dyn Store>` and never see SQL.
pub trait Store:
    AccountStore
    + PhoneNumberStore
    + AddressStore
    + ChargeStore
    + MessageStore
    + CallStore
    + KeyStore
    + WorkspaceStore
    + WebhookStore
    + NotificationStore
    + RecordingStore
    + TwimlStore
    + UsageStore
    + UsageTriggerStore
{
    /// A short name for logs and benchmarks: `sqlite` or `postgres`.
    fn kind(&self) -> &'static str;
}

/// Accounts: main accounts and their subaccounts.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// One account by SID, with its parent's status (for the effective status).
    async fn account(&self, sid: &str) -> Result<Option<AccountRecord>>;

    /// How many accounts exist (bootstrap creates one when there are none).
    async fn count_accounts(&self) -> Result<u64>;

    /// Create a main account (operator plane and bootstrap).
    async fn create_main_account(&self, new: NewMainAccount) -> Result<AccountRecord>;

    /// Create a subaccount of `owner_sid`; refuses with [`RuleViolation`]s for a subaccount
    /// owner (21101), an inactive owner, and a full owner (21480), checked in the transaction.
    async fn create_subaccount(&self, new: NewSubaccount) -> Result<AccountRecord>;

    /// Change a subaccount's name and/or status through the public API; rules in
    /// [`rules::check_api_status_change`]. Closing releases the account's phone numbers in
    /// the same transaction.
    async fn update_account(&self, sid: &str, update: AccountUpdate) -> Result<AccountRecord>;

    /// Operator changes to a main account: limit, status, auto-deletion, credentials.
    async fn operator_update_account(
        &self,
        sid: &str,
        update: OperatorUpdate,
    ) -> Result<AccountRecord>;

    /// A page of accounts: the tree of `query.tree_sid`, or one account when `only_sid` is set.
    async fn list_accounts(
        &self,
        query: &AccountListQuery,
        page: PageRequest,
    ) -> Result<PageSlice<AccountRecord>>;

    /// Main accounts only (operator listing).
    async fn list_main_accounts(&self, page: PageRequest) -> Result<PageSlice<AccountRecord>>;

    /// Delete, with all their data (numbers, addresses, charges), the closed subaccounts whose main account has
    /// auto-deletion on and whose closure is at least `retention_ms` before `now`.
    /// Returns how many accounts were deleted.
    async fn purge_closed_subaccounts(&self, now: i64, retention_ms: i64) -> Result<u64>;
}
