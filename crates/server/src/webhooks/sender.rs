//! Sends queued webhooks: leases the due ones from the store, signs each with its account's
//! current auth token, sends it with Twilio's headers and a 15-second timeout, and records
//! the outcome. A failed status callback is retried with exponential backoff (1 s, 2 s, 4 s,
//! ...) up to [`MAX_ATTEMPTS`] attempts; times come from the server's clock, so a manual
//! clock drives retries too.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use switchboard_store::{
    NotificationRecord, Store, StoreError, WebhookKind, WebhookOutcome, WebhookRecord,
};

use super::signature;
use super::twiml::{FetchFailure, Fetched, Runner};
use crate::carrier::Carrier;
use crate::clock::Clock;

pub const MAX_ATTEMPTS: i64 = 5;
pub const TIMEOUT: Duration = Duration::from_secs(15);
pub const USER_AGENT: &str = "TwilioProxy/1.1";
/// A leased webhook is offered again after this long if its sender vanished (a crash).
const LEASE_MS: i64 = 60_000;
const BATCH: u32 = 64;

pub struct Sender {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    http: reqwest::Client,
    /// Runs the TwiML documents fetched.
    pub twiml: Runner,
    /// One delivery run at a time per instance, so a clock advance that asks for a run
    /// waits for the background run in flight and answers after its webhooks too.
    running: tokio::sync::Mutex<()>,
}

impl Sender {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, carrier: Arc<Carrier>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .expect("the HTTP client's configuration is static");
        Sender {
            twiml: Runner::new(store.clone(), clock.clone(), carrier),
            store,
            clock,
            http,
            running: tokio::sync::Mutex::new(()),
        }
    }

    /// Send everything due now, batch after batch (a resource's next webhook becomes
    /// leasable once its previous one is finished); returns how many were delivered.
    pub async fn deliver_due(&self) -> Result<u64, StoreError> {
        let _running = self.running.lock().await;
        let mut delivered = 0;
        loop {
            let now = self.clock.now_ms();
            let batch = self.store.lease_webhooks(now, LEASE_MS, BATCH).await?;
            if batch.is_empty() {
                return Ok(delivered);
            }
            // Each account's current auth token, read once per batch.
            let mut tokens: HashMap<&str, Option<String>> = HashMap::new();
            for w in &batch {
                let sid = w.webhook.account_sid.as_str();
                if !tokens.contains_key(sid) {
                    let token = self.store.account(sid).await?.map(|a| a.auth_token);
                    tokens.insert(sid, token);
                }
            }
            let outcomes = join_all(
                batch
                    .iter()
                    .map(|w| self.attempt(w, tokens[w.webhook.account_sid.as_str()].as_deref())),
            )
            .await;
            let mut progressed = false;
            for (w, attempt) in batch.iter().zip(outcomes) {
                let (outcome, notification) = match attempt {
                    Attempt::Callback(outcome, notification) => (outcome, notification.map(|n| *n)),
                    Attempt::Document(fetched) => {
                        // The document runs and its effects are written with the fetch done.
                        self.twiml.run(w, fetched).await?;
                        delivered += 1;
                        progressed = true;
                        continue;
                    }
                };
                let retry = matches!(outcome, WebhookOutcome::Retry { .. });
                if matches!(outcome, WebhookOutcome::Delivered) {
                    delivered += 1;
                }
                if let WebhookOutcome::Retry { error, .. } | WebhookOutcome::Failed { error } =
                    &outcome
                {
                    tracing::info!(url = %w.webhook.url, attempts = w.attempts, %error, "webhook not delivered");
                }
                progressed |= !retry;
                self.store
                    .finish_webhook(w.id, outcome, self.clock.now_ms(), notification)
                    .await?;
            }
            if !progressed {
                // Everything in this batch waits for a retry: nothing more is due now.
                return Ok(delivered);
            }
        }
    }

    /// One attempt. A status callback: its outcome, and for a failure the Notification
    /// Twilio would log. A TwiML fetch: the document, or why there is none (tried once).
    /// `token`: the owning account's auth token; `None` once the account is gone, and then
    /// there is no one to send for or to notify.
    async fn attempt(&self, w: &WebhookRecord, token: Option<&str>) -> Attempt {
        let Some(token) = token else {
            let error = "the account no longer exists".to_owned();
            return Attempt::Callback(WebhookOutcome::Failed { error }, None);
        };
        if w.webhook.kind != WebhookKind::Callback {
            return Attempt::Document(self.fetch_document(w, token).await);
        }
        let failure = match self.send(w, token).await {
            Ok(_) => return Attempt::Callback(WebhookOutcome::Delivered, None),
            Err(f) => f,
        };
        let now = self.clock.now_ms();
        let notification = notification(w, &failure, now);
        let error = failure.text;
        let outcome = if w.attempts >= MAX_ATTEMPTS {
            WebhookOutcome::Failed { error }
        } else {
            let backoff = 1000 * (1i64 << (w.attempts - 1).clamp(0, 10));
            WebhookOutcome::Retry {
                at: now + backoff,
                error,
            }
        };
        Attempt::Callback(outcome, Some(Box::new(notification)))
    }

    async fn fetch_document(&self, w: &WebhookRecord, token: &str) -> Fetched {
        if w.webhook.url.is_empty() {
            return Fetched::Inline;
        }
        match self.send(w, token).await {
            Ok(answer) if switchboard_twiml::is_twiml_content_type(&answer.content_type) => {
                Fetched::Document(answer.body)
            }
            // https://www.twilio.com/docs/errors/12300
            Ok(answer) => Fetched::Failed(FetchFailure {
                code: 12300,
                text: format!("Invalid Content-Type: {:?}", answer.content_type),
                body: answer.body,
                headers: answer.headers,
            }),
            Err(f) => {
                let (code, text) = f.error();
                Fetched::Failed(FetchFailure {
                    code,
                    text,
                    body: f.body,
                    headers: f.headers,
                })
            }
        }
    }

    async fn send(&self, w: &WebhookRecord, token: &str) -> Result<Answer, Failure> {
        let hook = &w.webhook;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(hook.params.as_bytes())
            .into_owned()
            .collect();
        let request = if hook.method.eq_ignore_ascii_case("GET") {
            // GET: the parameters join the query string, and the URL alone is signed.
            let mut url = url::Url::parse(&hook.url).map_err(|e| Failure::local(&e.to_string()))?;
            url.query_pairs_mut().extend_pairs(&pairs);
            let signature = signature::sign(token, url.as_str(), &[]);
            self.http.get(url).header("X-Twilio-Signature", signature)
        } else {
            let signature = signature::sign(token, &hook.url, &pairs);
            self.http
                .post(&hook.url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .body(hook.params.clone())
        };
        let response = request
            .header("I-Twilio-Idempotency-Token", &hook.idempotency_token)
            .header("Accept", "*/*")
            .send()
            .await
            .map_err(|e| Failure::local(&format!("connection failed: {e}")))?;
        let status = response.status();
        // In a block: the serializer is not Send, and must not live across the await below.
        let headers = {
            let mut h = form_urlencoded::Serializer::new(String::new());
            for (name, value) in response.headers() {
                h.append_pair(name.as_str(), value.to_str().unwrap_or(""));
            }
            h.finish()
        };
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let mut body = response.text().await.unwrap_or_default();
        body.truncate(body.floor_char_boundary(MAX_BODY));
        if status.is_success() {
            return Ok(Answer {
                content_type,
                body,
                headers,
            });
        }
        Err(Failure {
            text: format!("HTTP {}", status.as_u16()),
            status: Some(status.as_u16()),
            body,
            headers,
        })
    }
}

/// The Notification of a failed status callback ([`Failure::error`]): a warning (`log` 1),
/// the call or message goes on.
fn notification(w: &WebhookRecord, f: &Failure, now: i64) -> NotificationRecord {
    let (code, text) = f.error();
    super::twiml::notification(&w.webhook, code, 1, &text, Some((&f.body, &f.headers)), now)
}

/// What an attempt came to.
enum Attempt {
    Callback(WebhookOutcome, Option<Box<NotificationRecord>>),
    Document(Fetched),
}

/// A successful response.
struct Answer {
    content_type: String,
    body: String,
    headers: String,
}

/// The response body kept in a Notification, at most.
const MAX_BODY: usize = 64 * 1024;

/// Why an attempt failed.
struct Failure {
    text: String,
    /// The app's HTTP status, when it answered.
    status: Option<u16>,
    body: String,
    headers: String,
}

impl Failure {
    /// Its error code and text: 11200 when the app answered with an error, 11205 when it
    /// could not be reached (https://www.twilio.com/docs/errors/11200, /11205).
    fn error(&self) -> (i64, String) {
        match self.status {
            Some(_) => (11200, format!("HTTP retrieval failure: {}", self.text)),
            None => (11205, format!("HTTP connection failure: {}", self.text)),
        }
    }

    fn local(text: &str) -> Self {
        Failure {
            text: text.to_owned(),
            status: None,
            body: String::new(),
            headers: String::new(),
        }
    }
}
