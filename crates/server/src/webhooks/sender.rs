//! Sends queued webhooks: leases the due ones from the store, signs each with its account's
//! current auth token, sends it with Twilio's headers and a 15-second timeout, and records
//! the outcome. A failed status callback is retried with exponential backoff (1 s, 2 s, 4 s,
//! ...) up to [`MAX_ATTEMPTS`] attempts; times come from the server's clock, so a manual
//! clock drives retries too.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use switchboard_store::{Store, StoreError, WebhookOutcome, WebhookRecord};

use super::signature;
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
}

impl Sender {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .expect("the HTTP client's configuration is static");
        Sender { store, clock, http }
    }

    /// Send everything due now, batch after batch (a resource's next webhook becomes
    /// leasable once its previous one is finished); returns how many were delivered.
    pub async fn deliver_due(&self) -> Result<u64, StoreError> {
        let mut delivered = 0;
        loop {
            let now = self.clock.now_ms();
            let batch = self.store.lease_webhooks(now, LEASE_MS, BATCH).await?;
            if batch.is_empty() {
                return Ok(delivered);
            }
            let outcomes = join_all(batch.iter().map(|w| self.attempt(w))).await;
            let mut progressed = false;
            for (w, outcome) in batch.iter().zip(outcomes) {
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
                    .finish_webhook(w.id, outcome, self.clock.now_ms())
                    .await?;
            }
            if !progressed {
                // Everything in this batch waits for a retry: nothing more is due now.
                return Ok(delivered);
            }
        }
    }

    async fn attempt(&self, w: &WebhookRecord) -> WebhookOutcome {
        let error = match self.send(w).await {
            Ok(()) => return WebhookOutcome::Delivered,
            Err(e) => e,
        };
        if w.attempts >= MAX_ATTEMPTS {
            WebhookOutcome::Failed { error }
        } else {
            let backoff = 1000 * (1i64 << (w.attempts - 1).clamp(0, 10));
            WebhookOutcome::Retry {
                at: self.clock.now_ms() + backoff,
                error,
            }
        }
    }

    async fn send(&self, w: &WebhookRecord) -> Result<(), String> {
        let hook = &w.webhook;
        let token = match self.store.account(&hook.account_sid).await {
            Ok(Some(a)) => a.auth_token,
            Ok(None) => return Err("the account no longer exists".into()),
            Err(e) => return Err(e.to_string()),
        };
        let pairs: Vec<(String, String)> = form_urlencoded::parse(hook.params.as_bytes())
            .into_owned()
            .collect();
        let request = if hook.method.eq_ignore_ascii_case("GET") {
            // GET: the parameters join the query string, and the URL alone is signed.
            let mut url = url::Url::parse(&hook.url).map_err(|e| e.to_string())?;
            url.query_pairs_mut().extend_pairs(&pairs);
            let signature = signature::sign(&token, url.as_str(), &[]);
            self.http.get(url).header("X-Twilio-Signature", signature)
        } else {
            let signature = signature::sign(&token, &hook.url, &pairs);
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
            .map_err(|e| format!("connection failed: {e}"))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("HTTP {}", status.as_u16()))
        }
    }
}
