//! Messaging TwiML: the answer to an inbound message (`<Message>`, `<Redirect>`).

use crate::{attr, method_attr, parse, resolve, text_of, unsupported, Fetch, Sms, Warning};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessagingRun {
    /// Replies to send, in order.
    pub replies: Vec<Sms>,
    /// `<Redirect>`: the document to fetch next (verbs after it are not run).
    pub redirect: Option<Fetch>,
    pub warnings: Vec<Warning>,
}

/// Run a messaging document fetched from `document_url` at `at`.
pub fn run_messaging(text: &str, document_url: Option<&str>, at: i64) -> MessagingRun {
    let mut run = MessagingRun::default();
    let doc = match parse(text) {
        Ok(d) => d,
        Err(w) => {
            run.warnings.push(w);
            return run;
        }
    };
    for verb in doc.root_element().children().filter(|n| n.is_element()) {
        match verb.tag_name().name() {
            "Message" => {
                let bodies: Vec<_> = verb
                    .children()
                    .filter(|n| n.is_element() && n.tag_name().name() == "Body")
                    .map(text_of)
                    .collect();
                let media: Vec<String> = verb
                    .children()
                    .filter(|n| n.is_element() && n.tag_name().name() == "Media")
                    .filter_map(|n| resolve(document_url, &text_of(n)))
                    .collect();
                let body = if bodies.is_empty() && media.is_empty() {
                    text_of(verb)
                } else {
                    bodies.join("")
                };
                run.replies.push(Sms {
                    at,
                    to: attr(verb, "to").map(str::to_owned),
                    from: attr(verb, "from").map(str::to_owned),
                    body,
                    media,
                });
            }
            "Redirect" => match resolve(document_url, &text_of(verb)) {
                Some(url) => {
                    run.redirect = Some(Fetch {
                        at,
                        url,
                        method: method_attr(verb),
                        params: Vec::new(),
                    });
                    break;
                }
                None => run.warnings.push(Warning {
                    code: crate::SCHEMA_WARNING,
                    text: "Schema validation warning: <Redirect> needs an absolute URL here".into(),
                }),
            },
            other => run.warnings.push(unsupported(other, None)),
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_with_bodies_media_and_attributes() {
        let run = run_messaging(
            r#"<?xml version="1.0" encoding="UTF-8"?>
            <Response>
              <Message>Thanks!</Message>
              <Message to="+15551230000" from="+15550001111"><Body>Hi there</Body><Media>/cat.png</Media></Message>
            </Response>"#,
            Some("https://app.example/sms"),
            7,
        );
        assert_eq!(run.replies.len(), 2);
        assert_eq!(run.replies[0].body, "Thanks!");
        assert_eq!(run.replies[0].to, None);
        assert_eq!(run.replies[1].body, "Hi there");
        assert_eq!(run.replies[1].to.as_deref(), Some("+15551230000"));
        assert_eq!(run.replies[1].media, vec!["https://app.example/cat.png"]);
        assert!(run.warnings.is_empty());
    }

    #[test]
    fn redirect_stops_the_document_and_unknown_verbs_warn() {
        let run = run_messaging(
            "<Response><Foo/><Redirect method=\"GET\">next</Redirect><Message>never</Message></Response>",
            Some("https://app.example/a/sms"),
            0,
        );
        assert!(run.replies.is_empty());
        let r = run.redirect.unwrap();
        assert_eq!(
            (r.url.as_str(), r.method.as_str()),
            ("https://app.example/a/next", "GET")
        );
        assert_eq!(run.warnings.len(), 1);
        assert_eq!(run.warnings[0].code, 12200);
    }

    #[test]
    fn a_broken_document_is_a_12100() {
        let run = run_messaging("<Response><Message>", None, 0);
        assert_eq!(run.warnings[0].code, 12100);
        let run = run_messaging("<html></html>", None, 0);
        assert_eq!(run.warnings[0].code, 12100);
    }
}
