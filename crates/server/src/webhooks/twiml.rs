//! Runs the TwiML documents the [`super::sender`] fetched: a call's (its `Url`, `Twiml`, a
//! verb's `action`, a `<Redirect>`, the fallback URL) and the answer to an inbound message
//! (the number's `SmsUrl`). The document runs on the simulated clock from the instant the
//! fetch was due ([`switchboard_twiml`]); what it did is written in one store transaction
//! with the fetch marked done ([`TwimlStore::apply_twiml`]).
//!
//! Failures are Twilio's: an unreachable URL (11205), an HTTP error (11200), a response that
//! is not XML (12300) or not TwiML (12100) log an error Notification, then the fallback URL is
//! fetched where one is set; otherwise the call hangs up (an inbound message gets no reply).

use std::sync::{Arc, OnceLock};

use rust_decimal::Decimal;
use switchboard_numbering::parse_e164;
use switchboard_store::{
    AccountStatus, CallChange, CallConfig, CallRecord, NewCharge, NewWebhook, NotificationRecord,
    PendingFetch, RecordingRecord, Store, StoreError, TwimlEffects, TwimlMessage, WebhookKind,
    WebhookOutcome, WebhookRecord,
};
use switchboard_twiml::{run_messaging, run_voice, Timing, VoiceContext, VoiceEnd};
use switchboard_wire::sid::{self, prefix};

use crate::carrier::Carrier;
use crate::clock::Clock;
use crate::routes::messages::{outbound_message, Outbound};

/// A call runs at most this many documents (a `<Redirect>` to itself would loop forever).
pub const MAX_DOCUMENTS: u32 = 100;
/// An inbound message's answer may redirect this many times.
const MAX_MESSAGE_REDIRECTS: usize = 10;
/// Twilio's recording price, per started minute.
pub const RECORDING_PER_MINUTE: Decimal = Decimal::from_parts(25, 0, 0, false, 4);

/// What fetching a document gave.
pub enum Fetched {
    /// A response with a TwiML content type: its body.
    Document(String),
    /// The webhook has no URL: the document is the call's own `Twiml`.
    Inline,
    /// No document: the Notification's code, its text, and the response if there was one.
    Failed(FetchFailure),
}

pub struct FetchFailure {
    pub code: i64,
    pub text: String,
    pub body: String,
    pub headers: String,
}

impl FetchFailure {
    /// A document that was fetched but cannot run: 12100 (or the run's own code), with the
    /// document as the response body.
    fn unrunnable(code: i64, text: String, document: &str) -> Self {
        FetchFailure {
            code,
            text,
            body: document.to_owned(),
            headers: String::new(),
        }
    }

    /// The fetch failed: its Notification (an error, `log` 0) and its outcome.
    fn record(self, hook: &NewWebhook, fx: &mut TwimlEffects) {
        let response = Some((self.body.as_str(), self.headers.as_str()));
        fx.notifications.push(notification(
            hook, self.code, 0, &self.text, response, fx.now,
        ));
        fx.outcome = WebhookOutcome::Failed { error: self.text };
    }
}

/// The Notification Twilio logs about a webhook: `log` 0 for an error, 1 for a warning.
pub fn notification(
    hook: &NewWebhook,
    code: i64,
    log: i64,
    text: &str,
    response: Option<(&str, &str)>,
    now: i64,
) -> NotificationRecord {
    let mut msg = form_urlencoded::Serializer::new(String::new());
    msg.append_pair("Msg", text);
    msg.append_pair("sourceComponent", "14100");
    msg.append_pair("url", &hook.url);
    let (body, headers) = response.unwrap_or(("", ""));
    NotificationRecord {
        seq: 0,
        sid: sid::new_sid(prefix::NOTIFICATION),
        account_sid: hook.account_sid.clone(),
        call_sid: hook
            .resource_sid
            .starts_with(prefix::CALL)
            .then(|| hook.resource_sid.clone()),
        error_code: code,
        log,
        message_date: now,
        message_text: msg.finish(),
        request_method: hook.method.to_ascii_uppercase(),
        request_url: hook.url.clone(),
        request_variables: hook.params.clone(),
        response_body: body.to_owned(),
        response_headers: headers.to_owned(),
        date_created: now,
    }
}

pub struct Runner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    carrier: Arc<Carrier>,
    /// This server's own URL, for `RecordingUrl` (set once the server has bound).
    base_url: OnceLock<String>,
}

impl Runner {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, carrier: Arc<Carrier>) -> Self {
        Runner {
            store,
            clock,
            carrier,
            base_url: OnceLock::new(),
        }
    }

    pub fn set_base_url(&self, url: String) {
        let _ = self.base_url.set(url);
    }

    pub fn base_url(&self) -> String {
        self.base_url.get().cloned().unwrap_or_default()
    }

    /// Run what `w` fetched and write its effects. A call changed meanwhile (through the
    /// API) is read again and the document rerun on it.
    pub async fn run(&self, w: &WebhookRecord, fetched: Fetched) -> Result<(), StoreError> {
        for _ in 0..3 {
            let effects = match w.webhook.kind {
                WebhookKind::Messaging => self.messaging(w, &fetched).await?,
                _ => self.voice(w, &fetched).await?,
            };
            match self.store.apply_twiml(effects).await {
                Ok(_) => return Ok(()),
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        // Still racing an update: the fetch stays leased and is retried when its lease ends.
        Ok(())
    }

    fn effects(&self, w: &WebhookRecord, outcome: WebhookOutcome) -> TwimlEffects {
        TwimlEffects {
            webhook_id: w.id,
            outcome,
            now: self.clock.now_ms(),
            call: None,
            calls: Vec::new(),
            messages: Vec::new(),
            recordings: Vec::new(),
            webhooks: Vec::new(),
            notifications: Vec::new(),
        }
    }

    /// The document's text, or the failure that stands for it.
    fn document(fetched: &Fetched, inline: Option<&str>) -> Result<String, FetchFailure> {
        match fetched {
            Fetched::Document(text) => Ok(text.clone()),
            Fetched::Inline => inline.map(str::to_owned).ok_or_else(|| {
                let text = "Document parse failure: the call has no Twiml".into();
                FetchFailure::unrunnable(12100, text, "")
            }),
            Fetched::Failed(f) => Err(FetchFailure {
                code: f.code,
                text: f.text.clone(),
                body: f.body.clone(),
                headers: f.headers.clone(),
            }),
        }
    }

    async fn voice(
        &self,
        w: &WebhookRecord,
        fetched: &Fetched,
    ) -> Result<TwimlEffects, StoreError> {
        let hook = &w.webhook;
        let Some(k) = self
            .store
            .call(&hook.account_sid, &hook.resource_sid)
            .await?
        else {
            let error = "the call no longer exists".into();
            return Ok(self.effects(w, WebhookOutcome::Failed { error }));
        };
        let mut fx = self.effects(w, WebhookOutcome::Delivered);
        let t0 = hook.due_at;
        let current = k
            .config
            .fetch
            .as_ref()
            .is_some_and(|f| f.token == hook.idempotency_token);
        if !current || t0 >= k.ends_at {
            // Redirected or hung up since this fetch was queued: its document no longer runs.
            return Ok(fx);
        }
        let mut next = k.clone();
        next.config.fetch = None;
        let document_url = (!hook.url.is_empty()).then_some(hook.url.as_str());
        let account = self.store.account(&k.account_sid).await?;
        let scenarios = self.carrier.scenarios();
        let dial = |to: &str, timeout: i64| {
            let refused = |code: u32, text: String| switchboard_twiml::Warning { code, text };
            let n = parse_e164(to).ok_or_else(|| {
                refused(13223, format!("Dial: Invalid phone number format: {to}"))
            })?;
            let Some(a) = account.as_ref() else {
                return Err(refused(13227, format!("Dial: no account to call {to} for")));
            };
            // A call that goes on after its account was suspended places no new calls.
            if a.effective_status() != AccountStatus::Active {
                return Err(refused(
                    13227,
                    format!("Dial: the account is not active and may not call {to}"),
                ));
            }
            if !switchboard_store::geo_allows(&a.voice_countries, &n.iso_country) {
                return Err(refused(
                    13227,
                    format!("Dial: No International Authorization to call {to}"),
                ));
            }
            Ok(scenarios.call_plan(&n.e164, timeout, false))
        };
        let base = self.base_url.get().cloned().unwrap_or_default();
        let new_call_sid = || sid::new_sid(prefix::CALL);
        let new_recording = || {
            let sid = sid::new_sid(prefix::RECORDING);
            let url = format!(
                "{base}/2010-04-01/Accounts/{}/Recordings/{sid}",
                k.account_sid
            );
            (sid, url)
        };
        let inputs = k.config.inputs.get(k.config.inputs_used..).unwrap_or(&[]);
        let defaults = Timing::default();
        let ctx = VoiceContext {
            start: t0,
            hangup_at: k.ends_at,
            answered: k.answered_at.is_some_and(|a| a <= t0),
            document_url,
            document_method: &hook.method,
            inputs,
            timing: Timing {
                say_ms_per_char: defaults.say_ms_per_char,
                play_ms: k
                    .config
                    .play_seconds
                    .map_or(defaults.play_ms, |s| s.max(0) * 1000),
                record_ms: k
                    .config
                    .record_seconds
                    .map_or(defaults.record_ms, |s| s.max(0) * 1000),
            },
            dial: &dial,
            new_call_sid: &new_call_sid,
            new_recording: &new_recording,
        };
        let run = Self::document(fetched, k.config.twiml.as_deref()).and_then(|text| {
            run_voice(&text, &ctx)
                .map_err(|e| FetchFailure::unrunnable(i64::from(e.code), e.text, &text))
        });
        let now = fx.now;
        match run {
            Err(failure) => failed(&k, &mut next, hook, ctx.answered, failure, &mut fx),
            Ok(run) => {
                if let Some(a) = run.answered_at {
                    next.answered_at = Some(a);
                }
                next.config.inputs_used += run.inputs_used;
                follow(&k, &mut next, &run.end, hook, &mut fx);
                for warning in &run.warnings {
                    let code = i64::from(warning.code);
                    fx.notifications
                        .push(notification(hook, code, 1, &warning.text, None, now));
                }
                self.dialed(&k, &run.dialed, &mut fx);
                self.sent(&k, &run.messages, hook, &mut fx);
                recorded(&k, &run.recordings, &mut fx);
            }
        }
        next.date_updated = now.max(k.date_updated);
        fx.call = Some(CallChange {
            account_sid: k.account_sid.clone(),
            sid: k.sid.clone(),
            seen_updated: k.date_updated,
            seen_ends_at: k.ends_at,
            answered_at: next.answered_at,
            ends_at: next.ends_at,
            final_status: next.final_status.clone(),
            config: next.config.clone(),
            date_updated: next.date_updated,
            callbacks: super::call_webhooks,
            callbacks_from: t0,
        });
        Ok(fx)
    }

    /// The calls a `<Dial>` placed, children of `k`, each priced at its destination's rate.
    fn dialed(&self, k: &CallRecord, dialed: &[switchboard_twiml::Dialed], fx: &mut TwimlEffects) {
        let ours = if k.direction == "inbound" {
            &k.to
        } else {
            &k.from
        };
        for d in dialed {
            let Some(to) = parse_e164(&d.to) else {
                continue;
            };
            let from = d.caller_id.clone().unwrap_or_else(|| ours.clone());
            let created = d.initiated_at - switchboard_carrier::scenarios::INITIATED_AFTER_MS;
            let child = CallRecord {
                seq: 0,
                sid: d.sid.clone(),
                account_sid: k.account_sid.clone(),
                parent_call_sid: Some(k.sid.clone()),
                direction: "outbound-dial".into(),
                from_formatted: switchboard_numbering::format_national(&from),
                from,
                to: to.e164.clone(),
                to_formatted: to.national.clone(),
                phone_number_sid: None,
                caller_name: None,
                forwarded_from: None,
                answered_by: None,
                queue_time: "0".into(),
                config: CallConfig::default(),
                rate: self
                    .carrier
                    .rates
                    .rates(&to.iso_country)
                    .voice_outbound
                    .to_string(),
                rate_country: to.iso_country,
                charge_category: "calls-outbound".into(),
                initiated_at: d.initiated_at,
                ringing_at: d.ringing_at,
                answered_at: d.answered_at,
                ends_at: d.ends_at,
                final_status: d.status.clone(),
                charged: false,
                date_created: created,
                date_updated: created,
            };
            fx.calls.push((child, Vec::new()));
        }
    }

    /// The messages a call's `<Message>`/`<Sms>` sent: from the call's Switchboard number to
    /// the other party unless the verb says otherwise.
    fn sent(
        &self,
        k: &CallRecord,
        sent: &[switchboard_twiml::Sms],
        hook: &NewWebhook,
        fx: &mut TwimlEffects,
    ) {
        let inbound = k.direction == "inbound";
        let (ours, theirs) = if inbound {
            (&k.to, &k.from)
        } else {
            (&k.from, &k.to)
        };
        for m in sent {
            let from = m.from.clone().unwrap_or_else(|| ours.clone());
            let to = m.to.clone().unwrap_or_else(|| theirs.clone());
            self.message(&k.account_sid, "outbound-call", &from, &to, m, hook, fx);
        }
    }

    /// One message a document sends, or the warning that says why it cannot.
    #[allow(clippy::too_many_arguments)]
    fn message(
        &self,
        account_sid: &str,
        direction: &str,
        from: &str,
        to: &str,
        m: &switchboard_twiml::Sms,
        hook: &NewWebhook,
        fx: &mut TwimlEffects,
    ) {
        let now = fx.now;
        let Some(to_number) = parse_e164(to) else {
            let text = format!("Message: 'To' attribute is invalid: {to}");
            fx.notifications
                .push(notification(hook, 14101, 1, &text, None, now));
            return;
        };
        if m.body.is_empty() && m.media.is_empty() {
            let text = "Message: Invalid body: a message needs a body or media";
            fx.notifications
                .push(notification(hook, 14103, 1, text, None, now));
            return;
        }
        let message = outbound_message(
            &self.carrier,
            Outbound {
                account_sid,
                direction,
                from,
                to: &to_number,
                body: &m.body,
                media: &m.media,
                status_callback: None,
                start: m.at,
                scheduled: false,
                now: m.at,
            },
        );
        let text = format!(
            "Message from {from} to {to} refused: the account is not active, {from} is not its SMS-capable number, or it may not message that country"
        );
        fx.messages.push(TwimlMessage {
            message,
            refused: notification(hook, 14101, 1, &text, None, now),
        });
    }

    async fn messaging(
        &self,
        w: &WebhookRecord,
        fetched: &Fetched,
    ) -> Result<TwimlEffects, StoreError> {
        let hook = &w.webhook;
        let Some(m) = self
            .store
            .message(&hook.account_sid, &hook.resource_sid)
            .await?
        else {
            let error = "the message no longer exists".into();
            return Ok(self.effects(w, WebhookOutcome::Failed { error }));
        };
        let mut fx = self.effects(w, WebhookOutcome::Delivered);
        let now = fx.now;
        let at = hook.due_at;
        let run = Self::document(fetched, None).and_then(|text| {
            let run = run_messaging(&text, Some(&hook.url), at);
            match run
                .warnings
                .iter()
                .find(|w| w.code == switchboard_twiml::DOCUMENT_PARSE_FAILURE)
            {
                Some(w) => Err(FetchFailure::unrunnable(12100, w.text.clone(), &text)),
                None => Ok(run),
            }
        });
        match run {
            Err(failure) => {
                let code = failure.code;
                failure.record(hook, &mut fx);
                if hook.idempotency_token.ends_with("-fallback") {
                    return Ok(fx);
                }
                let number = self.store.number_by_e164(&m.to).await?;
                let fallback = number.and_then(|n| {
                    let url = n.config.sms_fallback_url.filter(|u| !u.is_empty())?;
                    Some((url, n.config.sms_fallback_method))
                });
                if let Some((url, method)) = fallback {
                    let mut params: Vec<(String, String)> =
                        form_urlencoded::parse(hook.params.as_bytes())
                            .into_owned()
                            .collect();
                    params.push(("ErrorCode".into(), code.to_string()));
                    params.push(("ErrorUrl".into(), hook.url.clone()));
                    fx.webhooks.push(NewWebhook {
                        kind: WebhookKind::Messaging,
                        account_sid: hook.account_sid.clone(),
                        resource_sid: hook.resource_sid.clone(),
                        url,
                        method,
                        params: form_urlencoded::Serializer::new(String::new())
                            .extend_pairs(&params)
                            .finish(),
                        due_at: at,
                        idempotency_token: format!("{}-fallback", hook.idempotency_token),
                    });
                }
            }
            Ok(run) => {
                for warning in &run.warnings {
                    let code = i64::from(warning.code);
                    fx.notifications
                        .push(notification(hook, code, 1, &warning.text, None, now));
                }
                for reply in &run.replies {
                    let from = reply.from.clone().unwrap_or_else(|| m.to.clone());
                    let to = reply.to.clone().unwrap_or_else(|| m.from.clone());
                    self.message(
                        &m.account_sid,
                        "outbound-reply",
                        &from,
                        &to,
                        reply,
                        hook,
                        &mut fx,
                    );
                }
                let redirects = hook.idempotency_token.matches("-r").count();
                if let Some(f) = run.redirect.filter(|_| redirects < MAX_MESSAGE_REDIRECTS) {
                    fx.webhooks.push(NewWebhook {
                        kind: WebhookKind::Messaging,
                        account_sid: hook.account_sid.clone(),
                        resource_sid: hook.resource_sid.clone(),
                        url: f.url,
                        method: f.method,
                        params: hook.params.clone(),
                        due_at: at,
                        idempotency_token: format!("{}-r", hook.idempotency_token),
                    });
                }
            }
        }
        Ok(fx)
    }
}

/// A document that could not be had or read: the error Notification, then the fallback URL
/// (once: not for the fallback itself, nor for `Twiml`), or the call hangs up at once
/// ("An application error has occurred").
fn failed(
    k: &CallRecord,
    next: &mut CallRecord,
    hook: &NewWebhook,
    answered: bool,
    failure: FetchFailure,
    fx: &mut TwimlEffects,
) {
    let t0 = hook.due_at;
    let code = failure.code;
    failure.record(hook, fx);
    let fallback = k
        .config
        .fallback_url
        .clone()
        .filter(|_| !hook.idempotency_token.ends_with("-fallback") && !hook.url.is_empty());
    let Some(url) = fallback else {
        return hang_up(next, t0);
    };
    let n = next.config.documents;
    next.config.documents += 1;
    let status = if answered { "in-progress" } else { "ringing" };
    let extra = [
        ("ErrorCode".to_owned(), code.to_string()),
        ("ErrorUrl".to_owned(), hook.url.clone()),
    ];
    next.config.fetch = Some(PendingFetch {
        token: format!("{}-doc-{n}-fallback", k.sid),
        url,
        method: k
            .config
            .fallback_method
            .clone()
            .unwrap_or_else(|| "POST".into()),
        params: super::voice_params(k, status, &extra),
        at: t0,
    });
}

/// The call's course after a document that ran: it ended (hung up or rejected), or it
/// goes on with the next document (at most [`MAX_DOCUMENTS`] in a call).
fn follow(
    k: &CallRecord,
    next: &mut CallRecord,
    end: &VoiceEnd,
    hook: &NewWebhook,
    fx: &mut TwimlEffects,
) {
    match end {
        VoiceEnd::Completed { at } => hang_up(next, *at),
        VoiceEnd::Rejected { at, status } => {
            next.answered_at = None;
            next.ends_at = *at;
            next.final_status = (*status).into();
        }
        VoiceEnd::Fetch(f) if next.config.documents >= MAX_DOCUMENTS => {
            let text = format!("Internal Failure: more than {MAX_DOCUMENTS} documents in one call");
            fx.notifications
                .push(notification(hook, 12400, 0, &text, None, fx.now));
            hang_up(next, f.at);
        }
        VoiceEnd::Fetch(f) => {
            if next.answered_at.is_some() {
                next.final_status = "completed".into();
            }
            let n = next.config.documents;
            next.config.documents += 1;
            let status = if next.answered_at.is_some_and(|a| a <= f.at) {
                "in-progress"
            } else {
                "ringing"
            };
            next.config.fetch = Some(PendingFetch {
                token: format!("{}-doc-{n}", k.sid),
                url: f.url.clone(),
                method: f.method.clone(),
                params: super::voice_params(next, status, &f.params),
                at: f.at,
            });
        }
    }
}

/// The recordings a document made, priced per started minute and charged as `recordings`.
fn recorded(k: &CallRecord, recordings: &[switchboard_twiml::Recorded], fx: &mut TwimlEffects) {
    for r in recordings {
        let cost = switchboard_carrier::call_cost(RECORDING_PER_MINUTE, r.duration_ms / 1000);
        let record = RecordingRecord {
            seq: 0,
            sid: r.sid.clone(),
            account_sid: k.account_sid.clone(),
            call_sid: k.sid.clone(),
            source: r.source.into(),
            channels: 1,
            start_time: r.started_at,
            duration_ms: r.duration_ms,
            price: Some(switchboard_carrier::price_string(cost)),
            date_created: r.started_at,
        };
        let charge = (!cost.is_zero()).then(|| NewCharge {
            category: "recordings".into(),
            amount: cost.to_string(),
            usage: switchboard_carrier::billable_minutes(r.duration_ms / 1000),
        });
        fx.recordings.push((record, charge));
    }
}

/// The call ends at `at`, answered (Twilio answers to run a document, even one that only
/// hangs up).
fn hang_up(k: &mut CallRecord, at: i64) {
    let at = at.min(k.ends_at);
    if k.answered_at.is_none_or(|a| a > at) {
        k.answered_at = Some(at);
    }
    k.ends_at = at;
    k.final_status = "completed".into();
}

/// The parameters Twilio sends to a number's `SmsUrl` about an inbound message.
pub fn message_params(m: &switchboard_store::MessageRecord) -> String {
    let segments = m.num_segments.to_string();
    let num_media = m.num_media.to_string();
    let mut params: Vec<(String, String)> = vec![
        ("AccountSid".into(), m.account_sid.clone()),
        ("ApiVersion".into(), m.api_version.clone()),
        ("Body".into(), m.body.clone()),
        ("From".into(), m.from.clone()),
        ("MessageSid".into(), m.sid.clone()),
        ("NumMedia".into(), num_media),
        ("NumSegments".into(), segments),
        ("SmsMessageSid".into(), m.sid.clone()),
        ("SmsSid".into(), m.sid.clone()),
        ("SmsStatus".into(), "received".into()),
        ("To".into(), m.to.clone()),
    ];
    for (i, url) in m.media_urls.iter().enumerate() {
        params.push((format!("MediaUrl{i}"), url.clone()));
    }
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish()
}
