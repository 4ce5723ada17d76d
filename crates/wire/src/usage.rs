//! UsageRecord (v2010 `Usage/Records` and its eight period lists, one shape) and Balance.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UsageRecord {
    pub account_sid: String,
    pub api_version: String,
    /// ISO 8601, when the numbers were read.
    pub as_of: String,
    pub category: String,
    pub count: String,
    pub count_unit: String,
    pub description: String,
    /// `YYYY-MM-DD`
    pub end_date: String,
    /// A decimal string (the spec types it a number; Twilio's example, and the clients,
    /// use a string), positive.
    pub price: String,
    pub price_unit: String,
    pub start_date: String,
    pub subresource_uris: UsageRecordSubresourceUris,
    pub uri: String,
    pub usage: String,
    pub usage_unit: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UsageRecordSubresourceUris {
    pub all_time: String,
    pub daily: String,
    pub last_month: String,
    pub monthly: String,
    pub this_month: String,
    pub today: String,
    pub yearly: String,
    pub yesterday: String,
}

impl UsageRecordSubresourceUris {
    pub fn new(account_sid: &str, category: &str) -> Self {
        let u = |period: &str| {
            format!("/2010-04-01/Accounts/{account_sid}/Usage/Records/{period}.json?Category={category}")
        };
        UsageRecordSubresourceUris {
            all_time: u("AllTime"),
            daily: u("Daily"),
            last_month: u("LastMonth"),
            monthly: u("Monthly"),
            this_month: u("ThisMonth"),
            today: u("Today"),
            yearly: u("Yearly"),
            yesterday: u("Yesterday"),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Balance {
    pub account_sid: String,
    pub balance: String,
    pub currency: String,
}

/// UsageTrigger (v2010 `Usage/Triggers`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UsageTrigger {
    pub account_sid: String,
    pub api_version: String,
    pub callback_method: String,
    pub callback_url: String,
    pub current_value: String,
    pub date_created: String,
    pub date_fired: Option<String>,
    pub date_updated: String,
    pub friendly_name: String,
    pub recurring: String,
    pub sid: String,
    pub trigger_by: String,
    pub trigger_value: String,
    pub uri: String,
    pub usage_category: String,
    pub usage_record_uri: String,
}
