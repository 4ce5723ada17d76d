//! Addresses, which numbers with address requirements depend on.

use async_trait::async_trait;

use crate::{PageRequest, PageSlice, PhoneNumberRecord, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressRecord {
    pub seq: i64,
    pub sid: String,
    pub account_sid: String,
    pub customer_name: String,
    pub friendly_name: Option<String>,
    pub street: String,
    pub street_secondary: Option<String>,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub iso_country: String,
    pub emergency_enabled: bool,
    pub validated: bool,
    pub verified: bool,
    pub date_created: i64,
    pub date_updated: i64,
}

/// The fields a client sets; `iso_country` only at creation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressFields {
    pub customer_name: Option<String>,
    pub friendly_name: Option<String>,
    pub street: Option<String>,
    pub street_secondary: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub iso_country: Option<String>,
    pub emergency_enabled: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct AddressListQuery {
    pub customer_name: Option<String>,
    pub friendly_name: Option<String>,
    pub emergency_enabled: Option<bool>,
    pub iso_country: Option<String>,
}

#[async_trait]
pub trait AddressStore: Send + Sync + 'static {
    /// Create an address; the HTTP layer has validated that every required field is there.
    async fn create_address(
        &self,
        account_sid: &str,
        fields: AddressFields,
        now: i64,
    ) -> Result<AddressRecord>;

    async fn address(&self, account_sid: &str, sid: &str) -> Result<Option<AddressRecord>>;

    async fn list_addresses(
        &self,
        account_sid: &str,
        query: &AddressListQuery,
        page: PageRequest,
    ) -> Result<PageSlice<AddressRecord>>;

    async fn update_address(
        &self,
        account_sid: &str,
        sid: &str,
        fields: AddressFields,
        now: i64,
    ) -> Result<AddressRecord>;

    /// Delete an address no in-use number depends on
    /// ([`crate::RuleViolation::AddressInUse`] otherwise).
    async fn delete_address(&self, account_sid: &str, sid: &str) -> Result<()>;

    /// In-use numbers whose `address_sid` is this address.
    async fn dependent_numbers(
        &self,
        account_sid: &str,
        address_sid: &str,
        page: PageRequest,
    ) -> Result<PageSlice<PhoneNumberRecord>>;
}
