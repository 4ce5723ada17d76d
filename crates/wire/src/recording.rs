//! Recording (v2010): the account-level shape, and the per-call shape (which the spec orders
//! differently, without `subresource_uris`/`media_url` and with `track`).

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recording {
    pub account_sid: String,
    pub api_version: String,
    pub call_sid: String,
    pub conference_sid: Option<String>,
    pub date_created: String,
    pub date_updated: String,
    pub start_time: String,
    pub duration: String,
    pub sid: String,
    pub price: Option<String>,
    pub price_unit: String,
    pub status: String,
    pub channels: i64,
    pub source: String,
    pub error_code: Option<i64>,
    pub uri: String,
    pub encryption_details: Option<Value>,
    pub subresource_uris: RecordingSubresourceUris,
    pub media_url: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RecordingSubresourceUris {
    pub add_on_results: String,
    pub transcriptions: String,
}

/// `Calls/{CallSid}/Recordings`. `price` is a string here too (the spec types it a number;
/// Twilio serves the same string in both places, and the clients read either).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CallRecording {
    pub account_sid: String,
    pub api_version: String,
    pub call_sid: String,
    pub conference_sid: Option<String>,
    pub date_created: String,
    pub date_updated: String,
    pub start_time: String,
    pub duration: String,
    pub sid: String,
    pub price: Option<String>,
    pub uri: String,
    pub encryption_details: Option<Value>,
    pub price_unit: String,
    pub status: String,
    pub channels: i64,
    pub source: String,
    pub error_code: Option<i64>,
    pub track: String,
}

impl Recording {
    pub fn for_call(self) -> CallRecording {
        CallRecording {
            uri: format!(
                "/2010-04-01/Accounts/{}/Calls/{}/Recordings/{}.json",
                self.account_sid, self.call_sid, self.sid
            ),
            account_sid: self.account_sid,
            api_version: self.api_version,
            call_sid: self.call_sid,
            conference_sid: self.conference_sid,
            date_created: self.date_created,
            date_updated: self.date_updated,
            start_time: self.start_time,
            duration: self.duration,
            sid: self.sid,
            price: self.price,
            encryption_details: self.encryption_details,
            price_unit: self.price_unit,
            status: self.status,
            channels: self.channels,
            source: self.source,
            error_code: self.error_code,
            track: "both".into(),
        }
    }
}
