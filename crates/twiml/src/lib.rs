//! TwiML, run on the simulated carrier's clock.
//!
//! A document is run from the instant it was fetched (or taken from `Twiml`) to the first
//! thing that ends it: the end of the call (`<Hangup>`, the last verb, the other party
//! hanging up), a rejection, or a new document to fetch (`<Redirect>`, a `<Gather>`,
//! `<Dial>` or `<Record>` `action`). Nothing here touches the network or the store: a run is
//! a pure function of the document and its [`VoiceContext`], and says what happened and
//! when; the server writes that down and fetches the next document.
//!
//! Durations are simulated (see [`Timing`]): speech at a fixed rate per character, `<Play>`
//! clips of a configurable length, `<Pause length>` as written, a `<Gather>`'s input and a
//! `<Record>`ing's length from the call's scenario.

mod messaging;
mod voice;

pub use messaging::{run_messaging, MessagingRun};
pub use voice::{run_voice, Dialed, Recorded, VoiceContext, VoiceEnd, VoiceRun};

/// How long things take. Defaults are documented in the README ("TwiML").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// `<Say>`: milliseconds per character of text (60 ms: about 165 words a minute).
    pub say_ms_per_char: i64,
    /// `<Play>`: the length of any audio clip.
    pub play_ms: i64,
    /// `<Record>`: how long the other party speaks before falling silent.
    pub record_ms: i64,
}

pub const SAY_MS_PER_CHAR: i64 = 60;
pub const PLAY_SECONDS: i64 = 10;
pub const RECORD_SECONDS: i64 = 5;
/// `<Play digits>`: each tone (and each `w`) takes half a second.
pub const DIGIT_MS: i64 = 500;
/// `<Gather>`: the other party presses a key a second.
pub const KEYPRESS_MS: i64 = 1_000;

impl Default for Timing {
    fn default() -> Self {
        Timing {
            say_ms_per_char: SAY_MS_PER_CHAR,
            play_ms: PLAY_SECONDS * 1000,
            record_ms: RECORD_SECONDS * 1000,
        }
    }
}

/// A document to fetch next, with the parameters its verb adds to the call's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub at: i64,
    pub url: String,
    pub method: String,
    pub params: Vec<(String, String)>,
}

/// A message a document sends (`<Message>`, `<Sms>`). `to`/`from` unset: the other party
/// and the call's (or message's) own Switchboard number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sms {
    pub at: i64,
    pub to: Option<String>,
    pub from: Option<String>,
    pub body: String,
    pub media: Vec<String>,
}

/// Something Twilio would report in the debugger (a Notification): the code and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: u32,
    pub text: String,
}

/// 12100 Document parse failure; 12200 Schema validation warning (a verb or noun this
/// server does not run, or one misplaced).
pub const DOCUMENT_PARSE_FAILURE: u32 = 12100;
pub const SCHEMA_WARNING: u32 = 12200;

/// Parse a TwiML document: its `<Response>` element, or the 12100 warning that ends it.
fn parse(text: &str) -> Result<roxmltree::Document<'_>, Warning> {
    let doc = roxmltree::Document::parse(text).map_err(|e| Warning {
        code: DOCUMENT_PARSE_FAILURE,
        text: format!("Document parse failure: {e}"),
    })?;
    if doc.root_element().tag_name().name() != "Response" {
        return Err(Warning {
            code: DOCUMENT_PARSE_FAILURE,
            text: format!(
                "Document parse failure: the root element is <{}>, not <Response>",
                doc.root_element().tag_name().name()
            ),
        });
    }
    Ok(doc)
}

/// Whether a response's `Content-Type` is one Twilio runs as TwiML.
pub fn is_twiml_content_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "text/xml" | "application/xml" | "text/html"
    )
}

/// An element's text (its own and its descendants'), trimmed.
fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
        .trim()
        .to_owned()
}

fn attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute(name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// A whole-number attribute; `default` when absent or unreadable.
fn int_attr(node: roxmltree::Node<'_, '_>, name: &str, default: i64) -> i64 {
    attr(node, name)
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(default)
}

fn bool_attr(node: roxmltree::Node<'_, '_>, name: &str) -> bool {
    attr(node, name).is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// `url` (absolute, or relative to the document's own URL) made absolute.
fn resolve(document_url: Option<&str>, url: &str) -> Option<String> {
    if let Ok(u) = url::Url::parse(url) {
        return matches!(u.scheme(), "http" | "https").then(|| u.to_string());
    }
    let base = url::Url::parse(document_url?).ok()?;
    base.join(url).ok().map(|u| u.to_string())
}

/// A verb's `method`: GET or POST (default POST).
fn method_attr(node: roxmltree::Node<'_, '_>) -> String {
    match attr(node, "method") {
        Some(m) if m.eq_ignore_ascii_case("GET") => "GET".into(),
        _ => "POST".into(),
    }
}

fn unsupported(name: &str, inside: Option<&str>) -> Warning {
    let place = inside.map_or(String::new(), |p| format!(" inside <{p}>"));
    Warning {
        code: SCHEMA_WARNING,
        text: format!("Schema validation warning: <{name}>{place} is not supported by Switchboard and was skipped"),
    }
}
