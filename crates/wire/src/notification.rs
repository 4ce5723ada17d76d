//! Notification (v2010, account-level and per call). The list shape omits the request
//! variables and the response; the instance shape has them.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Notification {
    pub account_sid: String,
    pub api_version: String,
    pub call_sid: Option<String>,
    pub date_created: String,
    pub date_updated: String,
    /// A string, as the spec says.
    pub error_code: String,
    /// `0` error, `1` warning.
    pub log: String,
    pub message_date: String,
    pub message_text: String,
    pub more_info: String,
    pub request_method: String,
    pub request_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_variables: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<String>,
    pub sid: String,
    pub uri: String,
}
