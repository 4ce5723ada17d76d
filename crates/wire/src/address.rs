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

/// `api.v2010.account.address.dependent_phone_number`: a number that relies on an address.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DependentPhoneNumber {
    pub sid: String,
    pub account_sid: String,
    pub friendly_name: String,
    pub phone_number: String,
    pub voice_url: Option<String>,
    pub voice_method: String,
    pub voice_fallback_method: String,
    pub voice_fallback_url: Option<String>,
    pub voice_caller_id_lookup: bool,
    pub date_created: String,
    pub date_updated: String,
    pub sms_fallback_method: String,
    pub sms_fallback_url: Option<String>,
    pub sms_method: String,
    pub sms_url: Option<String>,
    pub address_requirements: String,
    pub capabilities: crate::incoming_phone_number::Capabilities,
    pub status_callback: Option<String>,
    pub status_callback_method: String,
    pub api_version: String,
    pub sms_application_sid: Option<String>,
    pub voice_application_sid: Option<String>,
    pub trunk_sid: Option<String>,
    pub emergency_status: String,
    pub emergency_address_sid: Option<String>,
    pub uri: String,
}
