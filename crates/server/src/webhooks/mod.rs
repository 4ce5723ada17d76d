//! Webhooks Switchboard sends to users' apps, the way Twilio sends them: built here from
//! the event they report, queued in the store with that event ([`switchboard_store::webhooks`]),
//! and sent, signed, by the [`sender`].

pub mod sender;
pub mod signature;

use switchboard_store::{MessageRecord, NewWebhook};

/// Form-encode `params` in the order given.
pub fn encode(params: &[(&str, &str)]) -> String {
    let mut f = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        f.append_pair(k, v);
    }
    f.finish()
}

/// The status callbacks of an outbound message with a `StatusCallback`, one per status
/// change its course takes after creation: `sent` (when it leaves the carrier), then its
/// final status (`delivered`, `undelivered`, or `failed` with `ErrorCode`). Twilio POSTs
/// these; `StatusCallbackMethod` does not exist for messages.
pub fn message_status_callbacks(m: &MessageRecord) -> Vec<NewWebhook> {
    let Some(url) = m.status_callback.as_deref() else {
        return Vec::new();
    };
    let mut events: Vec<(i64, &str)> = Vec::new();
    if let Some(sent) = m.sent_at {
        events.push((sent, "sent"));
    }
    events.push((m.final_at, m.final_status.as_str()));
    events
        .into_iter()
        .enumerate()
        .map(|(n, (at, status))| {
            let error = (at == m.final_at)
                .then_some(m.error_code)
                .flatten()
                .map(|c| c.to_string());
            let mut params = vec![
                ("AccountSid", m.account_sid.as_str()),
                ("ApiVersion", m.api_version.as_str()),
                ("From", m.from.as_str()),
                ("MessageSid", m.sid.as_str()),
                ("MessageStatus", status),
                ("SmsSid", m.sid.as_str()),
                ("SmsStatus", status),
                ("To", m.to.as_str()),
            ];
            if let Some(code) = error.as_deref() {
                params.push(("ErrorCode", code));
            }
            if let Some(service) = m.messaging_service_sid.as_deref() {
                params.push(("MessagingServiceSid", service));
            }
            NewWebhook {
                account_sid: m.account_sid.clone(),
                resource_sid: m.sid.clone(),
                url: url.to_owned(),
                method: "POST".into(),
                params: encode(&params),
                due_at: at,
                idempotency_token: format!("{}-{n}-{status}", m.sid),
            }
        })
        .collect()
}
