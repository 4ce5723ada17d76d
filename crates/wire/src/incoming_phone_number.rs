//! IncomingPhoneNumber (`api.v2010.account.incoming_phone_number`) and the AvailablePhoneNumber
//! shapes.

use std::collections::BTreeMap;

use serde::Serialize;

/// `{mms, sms, voice, fax}` as booleans.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Capabilities {
    pub mms: bool,
    pub sms: bool,
    pub voice: bool,
    pub fax: bool,
}

/// `api.v2010.account.incoming_phone_number`, properties in spec order.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IncomingPhoneNumber {
    pub account_sid: String,
    pub address_sid: Option<String>,
    pub address_requirements: String,
    pub api_version: String,
    pub beta: bool,
    pub capabilities: Capabilities,
    pub date_created: String,
    pub date_updated: String,
    pub friendly_name: String,
    pub identity_sid: Option<String>,
    pub phone_number: String,
    pub origin: &'static str,
    pub sid: String,
    pub sms_application_sid: Option<String>,
    pub sms_fallback_method: String,
    pub sms_fallback_url: Option<String>,
    pub sms_method: String,
    pub sms_url: Option<String>,
    pub status_callback: Option<String>,
    pub status_callback_method: String,
    pub trunk_sid: Option<String>,
    pub uri: String,
    pub voice_receive_mode: String,
    pub voice_application_sid: Option<String>,
    pub voice_caller_id_lookup: bool,
    pub voice_fallback_method: String,
    pub voice_fallback_url: Option<String>,
    pub voice_method: String,
    pub voice_url: Option<String>,
    pub emergency_status: String,
    pub emergency_address_sid: Option<String>,
    pub emergency_address_status: String,
    pub bundle_sid: Option<String>,
    pub status: &'static str,
    #[serde(rename = "type")]
    pub number_type: &'static str,
}

/// `api.v2010.account.available_phone_number_country`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AvailablePhoneNumberCountry {
    pub country_code: String,
    pub country: String,
    pub uri: String,
    pub beta: bool,
    pub subresource_uris: BTreeMap<&'static str, String>,
}

/// `{countries, uri}`: the spec's country list has no paging envelope.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AvailablePhoneNumberCountryList {
    pub countries: Vec<AvailablePhoneNumberCountry>,
    pub uri: String,
}

/// `api.v2010.account.available_phone_number_country.available_phone_number_local` (the
/// same 13 properties for every type).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AvailablePhoneNumber {
    pub friendly_name: String,
    pub phone_number: String,
    pub lata: Option<String>,
    pub locality: Option<String>,
    pub rate_center: Option<String>,
    /// Strings, as in Twilio's examples (`"37.774900"`).
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub iso_country: String,
    pub address_requirements: String,
    pub beta: bool,
    pub capabilities: Capabilities,
}
