//! Request parameters: the query string and the form body, as name/value pairs.
//!
//! Not serde structs: Twilio's names repeat (`MediaUrl`), carry `<`/`>` (`StartTime<`), and
//! each bad value must become its own Twilio code, which a handler decides field by field.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;

use crate::error::ApiError;

#[derive(Debug, Clone, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn from_pairs<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        Params {
            pairs: pairs.into_iter().collect(),
        }
    }

    fn parse_into(pairs: &mut Vec<(String, String)>, bytes: &[u8]) {
        pairs.extend(form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())));
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A boolean as Twilio's clients send it (`true`/`false`, any case).
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(ApiError::invalid_parameter(name, v)),
        }
    }

    /// A non-negative integer.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => match v.trim().parse::<i64>() {
                Ok(n) if n >= 0 => Ok(Some(n)),
                _ => Err(ApiError::invalid_parameter(name, v)),
            },
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mut pairs = Vec::new();
        if let Some(q) = req.uri().query() {
            Self::parse_into(&mut pairs, q.as_bytes());
        }
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::bad_request(20422, "Invalid request body"))?;
        if is_form {
            Self::parse_into(&mut pairs, &body);
        }
        Ok(Params { pairs })
    }
}

/// `FriendlyName`: 1 to 64 characters where given (20002 otherwise).
pub fn friendly_name(params: &Params) -> Result<Option<String>, ApiError> {
    match params.get("FriendlyName") {
        None => Ok(None),
        Some(v) if (1..=64).contains(&v.chars().count()) => Ok(Some(v.to_owned())),
        // https://www.twilio.com/docs/errors/20002
        Some(_) => Err(ApiError::bad_request(
            20002,
            "Invalid FriendlyName: it must be 1 to 64 characters long",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_repeated_keys_and_comparison_suffixes() {
        let mut pairs = Vec::new();
        Params::parse_into(
            &mut pairs,
            b"MediaUrl=a&MediaUrl=b&StartTime%3E=2020-01-01&To=%2B1555",
        );
        let p = Params { pairs };
        assert_eq!(p.all("MediaUrl"), vec!["a", "b"]);
        assert_eq!(p.get("StartTime>"), Some("2020-01-01"));
        assert_eq!(p.get("To"), Some("+1555"));
    }

    #[test]
    fn friendly_names_are_bounded() {
        let p = |v: &str| Params::from_pairs([("FriendlyName".to_string(), v.to_string())]);
        assert_eq!(friendly_name(&p("ok")).unwrap().as_deref(), Some("ok"));
        assert!(friendly_name(&p("")).is_err());
        assert!(friendly_name(&p(&"x".repeat(65))).is_err());
        assert!(friendly_name(&p(&"é".repeat(64))).is_ok());
        assert_eq!(friendly_name(&Params::default()).unwrap(), None);
    }
}

impl Params {
    /// `GET` or `POST` (any case), as Twilio's `*Method` fields take.
    pub fn http_method(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("GET") || v.eq_ignore_ascii_case("POST") => {
                Ok(Some(v.to_ascii_uppercase()))
            }
            Some(v) => Err(ApiError::invalid_parameter(name, v)),
        }
    }

    /// An absolute http(s) URL, or `""` to clear (21205 otherwise; 21609 for status callbacks).
    pub fn url(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("") => Ok(Some(String::new())),
            Some(v) => match url::Url::parse(v) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                    Ok(Some(v.to_owned()))
                }
                _ => {
                    let code = if name.contains("StatusCallback") {
                        21609
                    } else {
                        21205
                    };
                    Err(ApiError::bad_request(
                        code,
                        format!("{name} is not a valid URL: {v}"),
                    ))
                }
            },
        }
    }

    /// A SID with `prefix`, or `""` to clear.
    pub fn sid(&self, name: &str, prefix: &str) -> Result<Option<String>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("") => Ok(Some(String::new())),
            Some(v) if switchboard_wire::sid::is_sid(prefix, v) => Ok(Some(v.to_owned())),
            Some(v) => Err(ApiError::invalid_parameter(name, v)),
        }
    }

    /// One of `allowed`, exactly.
    pub fn one_of(&self, name: &str, allowed: &[&str]) -> Result<Option<String>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if allowed.contains(&v) => Ok(Some(v.to_owned())),
            Some(v) => Err(ApiError::invalid_parameter(name, v)),
        }
    }
}

#[cfg(test)]
mod field_tests {
    use super::*;

    fn p(k: &str, v: &str) -> Params {
        Params::from_pairs([(k.to_string(), v.to_string())])
    }

    #[test]
    fn typed_fields() {
        assert_eq!(
            p("VoiceMethod", "get")
                .http_method("VoiceMethod")
                .unwrap()
                .as_deref(),
            Some("GET")
        );
        assert!(p("VoiceMethod", "PUT").http_method("VoiceMethod").is_err());
        assert!(p("VoiceUrl", "https://example.com/x?y=1")
            .url("VoiceUrl")
            .unwrap()
            .is_some());
        assert_eq!(
            p("VoiceUrl", "").url("VoiceUrl").unwrap().as_deref(),
            Some("")
        );
        assert_eq!(
            p("VoiceUrl", "ftp://x")
                .url("VoiceUrl")
                .unwrap_err()
                .body()
                .code,
            21205
        );
        assert_eq!(
            p("StatusCallback", "nope")
                .url("StatusCallback")
                .unwrap_err()
                .body()
                .code,
            21609
        );
        let ap = format!("AP{}", "a".repeat(32));
        assert!(p("VoiceApplicationSid", &ap)
            .sid("VoiceApplicationSid", "AP")
            .is_ok());
        assert!(p("VoiceApplicationSid", "AP12")
            .sid("VoiceApplicationSid", "AP")
            .is_err());
        assert!(p("EmergencyStatus", "Active")
            .one_of("EmergencyStatus", &["Active", "Inactive"])
            .is_ok());
        assert!(p("EmergencyStatus", "on")
            .one_of("EmergencyStatus", &["Active", "Inactive"])
            .is_err());
    }
}

/// The `To` of a call or message: present (`missing` otherwise), not one of Twilio's magic
/// test values (`magic` says what those answer), and valid E.164 (21211).
pub fn destination(
    p: &Params,
    missing: ApiError,
    magic: impl Fn(&str) -> Option<ApiError>,
) -> Result<(&str, switchboard_numbering::ParsedNumber), ApiError> {
    let to = p.get("To").filter(|t| !t.is_empty()).ok_or(missing)?;
    if let Some(e) = magic(to) {
        return Err(e);
    }
    let parsed = switchboard_numbering::parse_e164(to).ok_or_else(|| {
        // https://www.twilio.com/docs/errors/21211
        ApiError::bad_request(
            21211,
            format!("The 'To' number {to} is not a valid phone number."),
        )
    })?;
    Ok((to, parsed))
}
