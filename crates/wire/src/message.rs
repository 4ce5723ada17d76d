//! Message (`api.v2010.account.message`).

use serde::Serialize;

/// `api.v2010.account.message`, properties in spec order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Message {
    pub body: String,
    pub num_segments: String,
    pub direction: String,
    pub from: String,
    pub to: String,
    pub date_updated: String,
    pub price: Option<String>,
    pub error_message: Option<String>,
    pub uri: String,
    pub account_sid: String,
    pub num_media: String,
    pub status: String,
    pub messaging_service_sid: Option<String>,
    pub sid: String,
    pub date_sent: Option<String>,
    pub date_created: String,
    pub error_code: Option<i64>,
    pub price_unit: String,
    pub api_version: String,
    pub subresource_uris: MessageSubresourceUris,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MessageSubresourceUris {
    pub media: String,
}
