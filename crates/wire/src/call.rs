//! Call (`api.v2010.account.call`).

use serde::Serialize;

/// `api.v2010.account.call`, properties in spec order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Call {
    pub sid: String,
    pub date_created: String,
    pub date_updated: String,
    pub parent_call_sid: Option<String>,
    pub account_sid: String,
    pub to: String,
    pub to_formatted: String,
    pub from: String,
    pub from_formatted: String,
    pub phone_number_sid: Option<String>,
    pub status: String,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    /// Seconds, as a string.
    pub duration: Option<String>,
    pub price: Option<String>,
    pub price_unit: String,
    pub direction: String,
    pub answered_by: Option<String>,
    pub api_version: String,
    pub forwarded_from: Option<String>,
    pub group_sid: Option<String>,
    pub caller_name: Option<String>,
    /// Milliseconds, as a string.
    pub queue_time: String,
    pub trunk_sid: Option<String>,
    pub uri: String,
    pub subresource_uris: CallSubresourceUris,
}

/// The subresources of the guide's example, in its order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CallSubresourceUris {
    pub notifications: String,
    pub recordings: String,
    pub payments: String,
    pub events: String,
    pub siprec: String,
    pub streams: String,
    pub transcriptions: String,
    pub user_defined_message_subscriptions: String,
    pub user_defined_messages: String,
}

impl CallSubresourceUris {
    pub fn new(account_sid: &str, sid: &str) -> Self {
        // Built by appending, not `format!`: nine of these per call in every answer.
        let base = ["/2010-04-01/Accounts/", account_sid, "/Calls/", sid, "/"].concat();
        let u = |name: &str| {
            let mut s = String::with_capacity(base.len() + name.len() + 5);
            s.push_str(&base);
            s.push_str(name);
            s.push_str(".json");
            s
        };
        CallSubresourceUris {
            notifications: u("Notifications"),
            recordings: u("Recordings"),
            payments: u("Payments"),
            events: u("Events"),
            siprec: u("Siprec"),
            streams: u("Streams"),
            transcriptions: u("Transcriptions"),
            user_defined_message_subscriptions: u("UserDefinedMessageSubscriptions"),
            user_defined_messages: u("UserDefinedMessages"),
        }
    }
}
