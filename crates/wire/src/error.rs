//! The error body every failure carries: `{code, message, more_info, status}`.

use serde::Serialize;

/// Twilio's error body. Key order matches real responses; `detail` appears only on 401s,
/// as Twilio sends it. No `type`/`title` keys: twilio-python would pick another exception.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub message: String,
    pub more_info: String,
    pub status: u16,
}

impl ErrorBody {
    pub fn new(code: u32, status: u16, message: impl Into<String>) -> Self {
        ErrorBody {
            code,
            detail: None,
            message: message.into(),
            more_info: more_info(code),
            status,
        }
    }
}

/// The documentation link for an error code.
pub fn more_info(code: u32) -> String {
    format!("https://www.twilio.com/docs/errors/{code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_like_twilio() {
        let body = ErrorBody::new(20404, 404, "The requested resource /x.json was not found");
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"code":20404,"message":"The requested resource /x.json was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}"#
        );
    }
}
