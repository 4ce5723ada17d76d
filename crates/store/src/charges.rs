//! Charges: every amount billed to an account (numbers now; calls and messages later).
//! Usage records and the balance are built on these rows.

use async_trait::async_trait;

use crate::Result;

/// Usage category of a number's monthly price.
pub const CATEGORY_PHONE_NUMBERS: &str = "phonenumbers";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRecord {
    pub seq: i64,
    pub account_sid: String,
    /// A usage category name, e.g. `phonenumbers`.
    pub category: String,
    /// What was charged for (a PN, CA or SM SID).
    pub resource_sid: String,
    /// Decimal string, positive: what the account pays.
    pub amount: String,
    pub currency: String,
    pub description: String,
    /// Makes each charge happen once (e.g. `PN...:month:3`).
    pub idempotency_key: String,
    pub charged_at: i64,
}

#[async_trait]
pub trait ChargeStore: Send + Sync + 'static {
    /// Charges of one account, oldest first.
    async fn charges(&self, account_sid: &str) -> Result<Vec<ChargeRecord>>;
}
