//! Address (`api.v2010.account.address`).

use serde::Serialize;

/// `api.v2010.account.address`, properties in spec order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Address {
    pub account_sid: String,
    pub city: String,
    pub customer_name: String,
    pub date_created: String,
    pub date_updated: String,
    pub friendly_name: Option<String>,
    pub iso_country: String,
    pub postal_code: String,
    pub region: String,
    pub sid: String,
    pub street: String,
    pub uri: String,
    pub emergency_enabled: bool,
    pub validated: bool,
    pub verified: bool,
    pub street_secondary: Option<String>,
}
