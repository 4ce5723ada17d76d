//! The Account resource (`api.v2010.account`).

use serde::Serialize;

/// `api.v2010.account`, properties in spec order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Account {
    pub auth_token: String,
    pub date_created: String,
    pub date_updated: String,
    pub friendly_name: String,
    pub owner_account_sid: String,
    pub sid: String,
    pub status: &'static str,
    pub subresource_uris: AccountSubresourceUris,
    #[serde(rename = "type")]
    pub account_type: &'static str,
    pub uri: String,
}

/// The 20 subresources of the spec's example, in its order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AccountSubresourceUris {
    pub available_phone_numbers: String,
    pub calls: String,
    pub conferences: String,
    pub incoming_phone_numbers: String,
    pub notifications: String,
    pub outgoing_caller_ids: String,
    pub recordings: String,
    pub transcriptions: String,
    pub addresses: String,
    pub signing_keys: String,
    pub connect_apps: String,
    pub sip: String,
    pub authorized_connect_apps: String,
    pub usage: String,
    pub keys: String,
    pub applications: String,
    pub short_codes: String,
    pub queues: String,
    pub messages: String,
    pub balance: String,
}

impl AccountSubresourceUris {
    pub fn for_account(sid: &str) -> Self {
        let u = |name: &str| format!("/2010-04-01/Accounts/{sid}/{name}.json");
        AccountSubresourceUris {
            available_phone_numbers: u("AvailablePhoneNumbers"),
            calls: u("Calls"),
            conferences: u("Conferences"),
            incoming_phone_numbers: u("IncomingPhoneNumbers"),
            notifications: u("Notifications"),
            outgoing_caller_ids: u("OutgoingCallerIds"),
            recordings: u("Recordings"),
            transcriptions: u("Transcriptions"),
            addresses: u("Addresses"),
            signing_keys: u("SigningKeys"),
            connect_apps: u("ConnectApps"),
            sip: u("SIP"),
            authorized_connect_apps: u("AuthorizedConnectApps"),
            usage: u("Usage"),
            keys: u("Keys"),
            applications: u("Applications"),
            short_codes: u("SMS/ShortCodes"),
            queues: u("Queues"),
            messages: u("Messages"),
            balance: u("Balance"),
        }
    }
}

/// The account's own URI: `/2010-04-01/Accounts/{sid}.json`.
pub fn account_uri(sid: &str) -> String {
    format!("/2010-04-01/Accounts/{sid}.json")
}
