//! Owned phone numbers (IncomingPhoneNumber) and their configuration.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::{PageRequest, PageSlice, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NumberCapabilities {
    pub voice: bool,
    pub sms: bool,
    pub mms: bool,
    pub fax: bool,
}

/// Everything the API can set on a number. Stored as one JSON document: nothing filters on
/// these fields, and they travel together (transfer keeps them all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberConfig {
    pub api_version: String,
    pub address_sid: Option<String>,
    pub identity_sid: Option<String>,
    pub bundle_sid: Option<String>,
    pub emergency_status: String,
    pub emergency_address_sid: Option<String>,
    pub emergency_address_status: String,
    pub trunk_sid: Option<String>,
    pub voice_receive_mode: String,
    pub sms_application_sid: Option<String>,
    pub sms_fallback_method: String,
    pub sms_fallback_url: Option<String>,
    pub sms_method: String,
    pub sms_url: Option<String>,
    pub status_callback: Option<String>,
    pub status_callback_method: String,
    pub voice_application_sid: Option<String>,
    pub voice_caller_id_lookup: bool,
    pub voice_fallback_method: String,
    pub voice_fallback_url: Option<String>,
    pub voice_method: String,
    pub voice_url: Option<String>,
}

impl Default for NumberConfig {
    /// A new number as Twilio shows it: methods `POST`, SMS URLs and status callback empty,
    /// voice URLs unset, emergency calling inactive.
    fn default() -> Self {
        NumberConfig {
            api_version: "2010-04-01".into(),
            address_sid: None,
            identity_sid: None,
            bundle_sid: None,
            emergency_status: "Inactive".into(),
            emergency_address_sid: None,
            emergency_address_status: "unregistered".into(),
            trunk_sid: None,
            voice_receive_mode: "voice".into(),
            sms_application_sid: None,
            sms_fallback_method: "POST".into(),
            sms_fallback_url: Some(String::new()),
            sms_method: "POST".into(),
            sms_url: Some(String::new()),
            status_callback: Some(String::new()),
            status_callback_method: "POST".into(),
            voice_application_sid: None,
            voice_caller_id_lookup: false,
            voice_fallback_method: "POST".into(),
            voice_fallback_url: None,
            voice_method: "POST".into(),
            voice_url: None,
        }
    }
}

/// Changes to a number's configuration: `Some` sets a field (an empty string clears it).
/// Validation of each value is the HTTP layer's; [`NumberPatch::apply`] is shared by both
/// stores so that the rules between fields hold the same everywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumberPatch {
    pub friendly_name: Option<String>,
    pub api_version: Option<String>,
    pub address_sid: Option<String>,
    pub identity_sid: Option<String>,
    pub bundle_sid: Option<String>,
    pub emergency_status: Option<String>,
    pub emergency_address_sid: Option<String>,
    pub trunk_sid: Option<String>,
    pub voice_receive_mode: Option<String>,
    pub sms_application_sid: Option<String>,
    pub sms_fallback_method: Option<String>,
    pub sms_fallback_url: Option<String>,
    pub sms_method: Option<String>,
    pub sms_url: Option<String>,
    pub status_callback: Option<String>,
    pub status_callback_method: Option<String>,
    pub voice_application_sid: Option<String>,
    pub voice_caller_id_lookup: Option<bool>,
    pub voice_fallback_method: Option<String>,
    pub voice_fallback_url: Option<String>,
    pub voice_method: Option<String>,
    pub voice_url: Option<String>,
}

/// `""` clears a SID field.
fn sid_value(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_owned())
}

impl NumberPatch {
    pub fn apply(&self, c: &mut NumberConfig) {
        let set = |field: &mut String, v: &Option<String>| {
            if let Some(v) = v {
                *field = v.clone();
            }
        };
        let set_opt = |field: &mut Option<String>, v: &Option<String>| {
            if let Some(v) = v {
                *field = Some(v.clone());
            }
        };
        let set_sid = |field: &mut Option<String>, v: &Option<String>| {
            if let Some(v) = v {
                *field = sid_value(v);
            }
        };
        set(&mut c.api_version, &self.api_version);
        set_sid(&mut c.address_sid, &self.address_sid);
        set_sid(&mut c.identity_sid, &self.identity_sid);
        set_sid(&mut c.bundle_sid, &self.bundle_sid);
        set(&mut c.emergency_status, &self.emergency_status);
        set_sid(&mut c.emergency_address_sid, &self.emergency_address_sid);
        set(&mut c.voice_receive_mode, &self.voice_receive_mode);
        set_sid(&mut c.sms_application_sid, &self.sms_application_sid);
        set(&mut c.sms_fallback_method, &self.sms_fallback_method);
        set_opt(&mut c.sms_fallback_url, &self.sms_fallback_url);
        set(&mut c.sms_method, &self.sms_method);
        set_opt(&mut c.sms_url, &self.sms_url);
        set_opt(&mut c.status_callback, &self.status_callback);
        set(&mut c.status_callback_method, &self.status_callback_method);
        if let Some(v) = self.voice_caller_id_lookup {
            c.voice_caller_id_lookup = v;
        }
        set(&mut c.voice_fallback_method, &self.voice_fallback_method);
        set_opt(&mut c.voice_fallback_url, &self.voice_fallback_url);
        set(&mut c.voice_method, &self.voice_method);
        set_opt(&mut c.voice_url, &self.voice_url);
        // Twilio: a voice application and a trunk exclude each other; the one set last wins.
        if let Some(v) = &self.voice_application_sid {
            c.voice_application_sid = sid_value(v);
            if c.voice_application_sid.is_some() {
                c.trunk_sid = None;
            }
        }
        if let Some(v) = &self.trunk_sid {
            c.trunk_sid = sid_value(v);
            if c.trunk_sid.is_some() {
                c.voice_application_sid = None;
            }
        }
        if c.emergency_address_sid.is_some() && c.emergency_address_status == "unregistered" {
            c.emergency_address_status = "registered".into();
        } else if c.emergency_address_sid.is_none() {
            c.emergency_address_status = "unregistered".into();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStatus {
    InUse,
    Released,
}

impl NumberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NumberStatus::InUse => "in-use",
            NumberStatus::Released => "released",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "in-use" => Some(NumberStatus::InUse),
            "released" => Some(NumberStatus::Released),
            _ => None,
        }
    }
}

/// One owned (or formerly owned) number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumberRecord {
    pub seq: i64,
    pub sid: String,
    /// The current owner (the last owner, once released).
    pub account_sid: String,
    pub phone_number: String,
    pub iso_country: String,
    /// `local`, `mobile` or `toll-free`.
    pub number_type: String,
    pub friendly_name: String,
    pub address_requirements: String,
    pub beta: bool,
    pub capabilities: NumberCapabilities,
    pub config: NumberConfig,
    /// Decimal string, USD per month.
    pub monthly_price: String,
    pub status: NumberStatus,
    pub date_created: i64,
    pub date_updated: i64,
    pub released_at: Option<i64>,
    /// Monthly charges made so far (the purchase is the first).
    pub months_charged: i64,
    pub next_charge_at: i64,
}

/// A purchase: the inventory's facts about the number plus the buyer's configuration.
#[derive(Debug, Clone)]
pub struct NewPhoneNumber {
    pub account_sid: String,
    pub phone_number: String,
    pub iso_country: String,
    pub number_type: String,
    pub friendly_name: String,
    pub address_requirements: String,
    pub beta: bool,
    pub capabilities: NumberCapabilities,
    pub config: NumberConfig,
    pub monthly_price: String,
    pub now: i64,
}

/// Filters of the IncomingPhoneNumbers lists.
#[derive(Debug, Clone, Default)]
pub struct NumberListQuery {
    /// Digits that must appear in the number; `*` matches any one digit.
    pub phone_number: Option<String>,
    pub friendly_name: Option<String>,
    pub beta: Option<bool>,
    pub origin: Option<String>,
    /// `local`, `mobile` or `toll-free` (the sub-lists).
    pub number_type: Option<String>,
}

#[async_trait]
pub trait PhoneNumberStore: Send + Sync + 'static {
    /// Which of `numbers` (E.164) are owned by any account.
    async fn owned_among(&self, numbers: &[String]) -> Result<Vec<String>>;

    /// Buy a number for `new.account_sid`: the account must be active, the number free
    /// ([`crate::RuleViolation::NumberUnavailable`]) and its address requirement met; the
    /// first month is charged in the same transaction.
    async fn purchase_number(&self, new: NewPhoneNumber) -> Result<PhoneNumberRecord>;

    /// An in-use number of `account_sid`.
    async fn number(&self, account_sid: &str, sid: &str) -> Result<Option<PhoneNumberRecord>>;

    /// The in-use number with this E.164 value, whoever owns it (inbound routing).
    async fn number_by_e164(&self, phone_number: &str) -> Result<Option<PhoneNumberRecord>>;

    async fn list_numbers(
        &self,
        account_sid: &str,
        query: &NumberListQuery,
        page: PageRequest,
    ) -> Result<PageSlice<PhoneNumberRecord>>;

    /// Apply `patch` to an in-use number of `account_sid`; an `AddressSid` must be one of the
    /// account's addresses and satisfy the number's requirement.
    async fn update_number(
        &self,
        account_sid: &str,
        sid: &str,
        patch: NumberPatch,
        now: i64,
    ) -> Result<PhoneNumberRecord>;

    /// Move an in-use number of `account_sid` to `target_sid` (same tree, active, with an
    /// address meeting the requirement), applying `patch` too; all or nothing.
    async fn transfer_number(
        &self,
        account_sid: &str,
        sid: &str,
        target_sid: &str,
        patch: NumberPatch,
        now: i64,
    ) -> Result<PhoneNumberRecord>;

    /// Release an in-use number: it leaves the account's list and returns to the inventory.
    async fn release_number(&self, account_sid: &str, sid: &str, now: i64) -> Result<()>;

    /// Charge every in-use number whose monthly anniversary is at or before `now` (each
    /// month once, even across restarts and instances). Returns the charges made.
    async fn charge_due_numbers(&self, now: i64) -> Result<u64>;
}
