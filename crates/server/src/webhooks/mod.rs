//! Webhooks Switchboard sends to users' apps, the way Twilio sends them: built here from
//! the event they report, queued in the store with that event ([`switchboard_store::webhooks`]),
//! and sent, signed, by the [`sender`].

pub mod sender;
pub mod signature;
pub mod twiml;

use switchboard_store::{CallRecord, MessageRecord, NewWebhook, PendingFetch, WebhookKind};
use switchboard_wire::date::rfc2822;

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
                kind: switchboard_store::WebhookKind::Callback,
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

/// The status callbacks of a call with a `StatusCallback`: one per event of its course that
/// `StatusCallbackEvent` names (`initiated`, `ringing`, `answered`, `completed`; only
/// `completed` when none is named), sent with `StatusCallbackMethod` (default POST).
/// `SequenceNumber` counts the callbacks sent for the call, from 0.
pub fn call_status_callbacks(k: &CallRecord) -> Vec<NewWebhook> {
    let Some(url) = k.config.status_callback.as_deref() else {
        return Vec::new();
    };
    let wanted = |event: &str| {
        if k.config.status_callback_events.is_empty() {
            event == "completed"
        } else {
            k.config.status_callback_events.iter().any(|e| e == event)
        }
    };
    let method = k
        .config
        .status_callback_method
        .clone()
        .unwrap_or_else(|| "POST".into());
    let ended = k.events().last().map(|(t, _)| *t);
    k.events()
        .into_iter()
        .map(|(at, status)| {
            let event = match status {
                "initiated" => "initiated",
                "ringing" => "ringing",
                "in-progress" => "answered",
                _ => "completed",
            };
            (at, status, event)
        })
        .filter(|(_, _, event)| wanted(event))
        .enumerate()
        .map(|(n, (at, status, event))| {
            let sequence = n.to_string();
            let timestamp = rfc2822(at);
            let duration = k.duration_at(at).map(|d| d.to_string());
            let minutes = k.duration_at(at).map(|d| ((d + 59) / 60).to_string());
            let mut params = vec![
                ("AccountSid", k.account_sid.as_str()),
                ("ApiVersion", "2010-04-01"),
                ("CallSid", k.sid.as_str()),
                ("CallStatus", status),
                ("CallbackSource", "call-progress-events"),
                ("Called", k.to.as_str()),
                ("Caller", k.from.as_str()),
                ("Direction", k.direction.as_str()),
                ("From", k.from.as_str()),
                ("SequenceNumber", sequence.as_str()),
                ("Timestamp", timestamp.as_str()),
                ("To", k.to.as_str()),
            ];
            if Some(at) == ended {
                if let (Some(d), Some(m)) = (duration.as_deref(), minutes.as_deref()) {
                    params.push(("CallDuration", d));
                    params.push(("Duration", m));
                }
            }
            for (name, value) in [
                ("ParentCallSid", k.parent_call_sid.as_deref()),
                ("CallerName", k.caller_name.as_deref()),
                ("ForwardedFrom", k.forwarded_from.as_deref()),
                ("AnsweredBy", k.answered_by.as_deref()),
            ] {
                if let Some(v) = value {
                    params.push((name, v));
                }
            }
            NewWebhook {
                kind: switchboard_store::WebhookKind::Callback,
                account_sid: k.account_sid.clone(),
                resource_sid: k.sid.clone(),
                url: url.to_owned(),
                method: method.clone(),
                params: encode(&params),
                due_at: at,
                idempotency_token: format!("{}-{event}", k.sid),
            }
        })
        .collect()
}

/// Everything a call has queued: its status callbacks, and the TwiML document it will fetch
/// next, unless the call is over by then. Stores rebuild this whenever the call's course
/// changes (an update, a document run); tokens make rebuilding idempotent.
pub fn call_webhooks(k: &CallRecord) -> Vec<NewWebhook> {
    let mut hooks = call_status_callbacks(k);
    if let Some(f) = k.config.fetch.as_ref().filter(|f| f.at < k.ends_at) {
        hooks.push(NewWebhook {
            kind: WebhookKind::Voice,
            account_sid: k.account_sid.clone(),
            resource_sid: k.sid.clone(),
            url: f.url.clone(),
            method: f.method.clone(),
            params: f.params.clone(),
            due_at: f.at,
            idempotency_token: f.token.clone(),
        });
    }
    hooks
}

/// The parameters of a call's TwiML request, as Twilio sends them, with `extra` (a verb's
/// results) after them.
pub fn voice_params(k: &CallRecord, call_status: &str, extra: &[(String, String)]) -> String {
    let mut params: Vec<(&str, &str)> = vec![
        ("AccountSid", k.account_sid.as_str()),
        ("ApiVersion", "2010-04-01"),
        ("CallSid", k.sid.as_str()),
        ("CallStatus", call_status),
        ("Called", k.to.as_str()),
        ("Caller", k.from.as_str()),
        ("Direction", k.direction.as_str()),
        ("From", k.from.as_str()),
        ("To", k.to.as_str()),
    ];
    for (name, value) in [
        ("ParentCallSid", k.parent_call_sid.as_deref()),
        ("CallerName", k.caller_name.as_deref()),
        ("ForwardedFrom", k.forwarded_from.as_deref()),
        ("AnsweredBy", k.answered_by.as_deref()),
    ] {
        if let Some(v) = value {
            params.push((name, v));
        }
    }
    params.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    encode(&params)
}

/// The call's next document: `Url` (with `Method`), or its `Twiml` (an empty URL), fetched
/// at `at`; the call's document counter moves on.
/// Nothing is scheduled for a call with neither (an `ApplicationSid` alone: applications
/// are not implemented, and the call follows its scenario).
pub fn schedule_document(k: &mut CallRecord, at: i64, call_status: &str) {
    if k.config.url.is_none() && k.config.twiml.is_none() {
        return;
    }
    let n = k.config.documents;
    k.config.documents += 1;
    k.config.fetch = Some(PendingFetch {
        token: format!("{}-doc-{n}", k.sid),
        url: if k.config.twiml.is_some() {
            String::new()
        } else {
            k.config.url.clone().unwrap_or_default()
        },
        method: k.config.method.clone().unwrap_or_else(|| "POST".into()),
        params: voice_params(k, call_status, &[]),
        at,
    });
}
