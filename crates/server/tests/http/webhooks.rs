//! Webhooks on a loopback receiver: status callbacks of messages arrive signed, in order,
//! with Twilio's headers; a failing app gets retries with the same idempotency token, and a
//! dead one gets up to five attempts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus, Uri};
use axum::response::{IntoResponse, Response};
use reqwest::{Method, StatusCode};
use switchboard::webhooks::signature;

use crate::harness::*;

#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
    pub params: Vec<(String, String)>,
}

impl Received {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// An answer the receiver serves: status, content type, body.
type Document = (u16, String, String);

#[derive(Clone, Default)]
pub struct Receiver {
    pub seen: Arc<Mutex<Vec<Received>>>,
    /// Answer 500 to this many requests first.
    pub fail_first: Arc<AtomicUsize>,
    /// What to answer, by path (without the query): status, content type, body. Other
    /// paths get 204.
    pub documents: Arc<Mutex<HashMap<String, Document>>>,
}

async fn record(
    State(rx): State<Receiver>,
    method: axum::http::Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    // A GET webhook carries its parameters in the query string.
    let form = if method == axum::http::Method::GET {
        uri.query().unwrap_or("").to_owned()
    } else {
        body
    };
    let params = form_urlencoded::parse(form.as_bytes())
        .into_owned()
        .collect();
    rx.seen.lock().unwrap().push(Received {
        method: method.to_string(),
        path: uri.to_string(),
        headers,
        params,
    });
    let document = rx.documents.lock().unwrap().get(uri.path()).cloned();
    let failing = rx
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    match (failing, document) {
        (true, _) => AxumStatus::INTERNAL_SERVER_ERROR.into_response(),
        (false, Some((status, content_type, body))) => (
            AxumStatus::from_u16(status).unwrap(),
            [(axum::http::header::CONTENT_TYPE, content_type)],
            body,
        )
            .into_response(),
        (false, None) => AxumStatus::NO_CONTENT.into_response(),
    }
}

/// A receiver on a loopback port; returns it and its base URL.
pub async fn receiver() -> (Receiver, String) {
    let rx = Receiver::default();
    let app = axum::Router::new().fallback(record).with_state(rx.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (rx, base)
}

impl Receiver {
    /// Serve `twiml` (as `text/xml`) at `path`.
    pub fn serve(&self, path: &str, twiml: &str) {
        self.serve_as(path, 200, "text/xml", twiml);
    }

    pub fn serve_as(&self, path: &str, status: u16, content_type: &str, body: &str) {
        self.documents.lock().unwrap().insert(
            path.to_owned(),
            (status, content_type.to_owned(), body.to_owned()),
        );
    }

    /// The requests made to `path`.
    pub fn to_path(&self, path: &str) -> Vec<Received> {
        let seen = self.seen.lock().unwrap().clone();
        seen.into_iter()
            .filter(|r| r.path.split('?').next() == Some(path))
            .collect()
    }

    /// Wait (briefly: delivery follows the clock advance) until `n` requests arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..100 {
            let seen = self.seen.lock().unwrap().clone();
            if seen.len() >= n {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.seen.lock().unwrap().clone()
    }
}

pub async fn advance(srv: &TestServer, seconds: i64) {
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/Clock",
            &[("Advance", &seconds.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

pub async fn sub_with_number(srv: &TestServer) -> (Creds, String) {
    let sub = srv.subaccount(&srv.main, "customer").await;
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json", sub.sid),
            &sub,
            &[("AreaCode", "415")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let number = r.body["phone_number"].as_str().unwrap().to_owned();
    (sub, number)
}

async fn send(srv: &TestServer, sub: &Creds, from: &str, to: &str, callback: &str) -> String {
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/Messages.json", sub.sid),
            &srv.main,
            &[
                ("To", to),
                ("From", from),
                ("Body", "Ahoy"),
                ("StatusCallback", callback),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["sid"].as_str().unwrap().to_owned()
}

async fn message_callbacks_arrive_signed_and_in_order(srv: &TestServer) {
    let (rx, base) = receiver().await;
    let (sub, number) = sub_with_number(srv).await;
    let url = format!("{base}/status?customer=42");
    let sid = send(srv, &sub, &number, "+16518675310", &url).await;
    assert!(rx.wait_for(1).await.is_empty(), "nothing before the event");
    advance(srv, 10).await;
    let seen = rx.wait_for(2).await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    let statuses: Vec<_> = seen.iter().map(|r| r.param("MessageStatus")).collect();
    assert_eq!(statuses, [Some("sent"), Some("delivered")]);
    for r in &seen {
        assert_eq!(r.path, "/status?customer=42");
        assert_eq!(r.param("MessageSid"), Some(sid.as_str()));
        assert_eq!(r.param("AccountSid"), Some(sub.sid.as_str()));
        assert_eq!(r.param("From"), Some(number.as_str()));
        assert_eq!(r.param("To"), Some("+16518675310"));
        assert_eq!(r.param("ApiVersion"), Some("2010-04-01"));
        assert_eq!(
            r.header("content-type"),
            "application/x-www-form-urlencoded"
        );
        assert!(r.header("user-agent").starts_with("TwilioProxy/"));
        assert!(!r.header("i-twilio-idempotency-token").is_empty());
        // Signed with the owning subaccount's token, not the main account's.
        assert_eq!(
            r.header("x-twilio-signature"),
            signature::sign(&sub.token, &url, &r.params)
        );
        assert_ne!(
            r.header("x-twilio-signature"),
            signature::sign(&srv.main.token, &url, &r.params)
        );
    }
    assert_ne!(
        seen[0].header("i-twilio-idempotency-token"),
        seen[1].header("i-twilio-idempotency-token")
    );

    // An undelivered message (a carrier scenario) reports its ErrorCode.
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/Scenarios",
            &[("To", "+16518675399"), ("MessageOutcome", "undelivered")],
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    send(srv, &sub, &number, "+16518675399", &url).await;
    advance(srv, 10).await;
    let seen = rx.wait_for(4).await;
    assert_eq!(seen[3].param("MessageStatus"), Some("undelivered"));
    assert!(seen[3].param("ErrorCode").is_some());
    assert!(seen[2].param("ErrorCode").is_none());
}

async fn failing_apps_get_retries_then_give_up(srv: &TestServer) {
    let (rx, base) = receiver().await;
    let (sub, number) = sub_with_number(srv).await;
    rx.fail_first.store(2, Ordering::SeqCst);
    let url = format!("{base}/flaky");
    let sid = send(srv, &sub, &number, "+16518675310", &url).await;
    advance(srv, 2).await; // `sent` is due: first attempt fails
    assert_eq!(rx.wait_for(1).await.len(), 1);
    advance(srv, 1).await; // retry after 1 s: fails again
    assert_eq!(rx.wait_for(2).await.len(), 2);
    advance(srv, 1).await; // the next retry waits 2 s
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.seen.lock().unwrap().len(), 2, "backoff doubles");
    advance(srv, 1).await; // delivered; then `delivered` (due at 4 s) follows
    let seen = rx.wait_for(4).await;
    let tokens: Vec<_> = seen
        .iter()
        .map(|r| r.header("i-twilio-idempotency-token").to_owned())
        .collect();
    assert_eq!(tokens[0], tokens[1]);
    assert_eq!(tokens[1], tokens[2]);
    assert_ne!(tokens[2], tokens[3]);
    let statuses: Vec<_> = seen.iter().map(|r| r.param("MessageStatus")).collect();
    assert_eq!(
        statuses,
        [Some("sent"), Some("sent"), Some("sent"), Some("delivered")]
    );
    let states: Vec<String> = srv
        .store
        .webhooks_of(&sid)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(states, ["delivered", "delivered"]);

    // Nobody listening: five attempts, then the webhook is failed and the next one goes.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/gone", l.local_addr().unwrap())
    };
    let sid = send(srv, &sub, &number, "+16518675310", &dead).await;
    // Each advance makes one attempt per due webhook: 5 for the first, then 5 more.
    for _ in 0..10 {
        advance(srv, 20).await;
    }
    let hooks = srv.store.webhooks_of(&sid).await.unwrap();
    let summary: Vec<(i64, &str)> = hooks
        .iter()
        .map(|(w, s)| (w.attempts, s.as_str()))
        .collect();
    assert_eq!(summary, [(5, "failed"), (5, "failed")]);
}

async fn a_canceled_scheduled_message_sends_no_more_callbacks(srv: &TestServer) {
    let (rx, base) = receiver().await;
    let (sub, number) = sub_with_number(srv).await;
    let url = format!("{base}/status");
    let send_at = chrono::DateTime::from_timestamp_millis(
        srv.store
            .account(&sub.sid)
            .await
            .unwrap()
            .unwrap()
            .date_created
            + 3_600_000,
    )
    .unwrap()
    .to_rfc3339();
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/Messages.json", sub.sid),
            &srv.main,
            &[
                ("To", "+16518675310"),
                ("From", &number),
                ("Body", "Later"),
                ("StatusCallback", &url),
                ("SendAt", &send_at),
                ("ScheduleType", "fixed"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["status"], "scheduled");
    let sid = r.body["sid"].as_str().unwrap().to_owned();
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/Messages/{sid}.json", sub.sid),
            &srv.main,
            &[("Status", "canceled")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    advance(srv, 7200).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(rx.seen.lock().unwrap().is_empty());
    assert!(srv.store.webhooks_of(&sid).await.unwrap().is_empty());
}

async fn call_callbacks_follow_the_events_asked_for(srv: &TestServer) {
    let (rx, base) = receiver().await;
    let (sub, number) = sub_with_number(srv).await;
    let calls = format!("/2010-04-01/Accounts/{}/Calls.json", sub.sid);
    let url = format!("{base}/call-events");
    let r = srv
        .post(
            &calls,
            &sub,
            &[
                ("To", "+16518675310"),
                ("From", &number),
                ("Twiml", crate::traffic::HOLD),
                ("StatusCallback", &url),
                ("StatusCallbackEvent", "initiated"),
                ("StatusCallbackEvent", "ringing"),
                ("StatusCallbackEvent", "answered"),
                ("StatusCallbackEvent", "completed"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let sid = r.body["sid"].as_str().unwrap().to_owned();
    advance(srv, 60).await;
    let seen = rx.wait_for(4).await;
    let course: Vec<_> = seen
        .iter()
        .map(|r| (r.param("CallStatus"), r.param("SequenceNumber")))
        .collect();
    assert_eq!(
        course,
        [
            (Some("initiated"), Some("0")),
            (Some("ringing"), Some("1")),
            (Some("in-progress"), Some("2")),
            (Some("completed"), Some("3")),
        ]
    );
    for r in &seen {
        assert_eq!(r.method, "POST");
        assert_eq!(r.param("CallSid"), Some(sid.as_str()));
        assert_eq!(r.param("CallbackSource"), Some("call-progress-events"));
        assert_eq!(r.param("Direction"), Some("outbound-api"));
        assert!(chrono::DateTime::parse_from_rfc2822(r.param("Timestamp").unwrap()).is_ok());
        assert_eq!(
            r.header("x-twilio-signature"),
            signature::sign(&sub.token, &url, &r.params)
        );
    }
    assert_eq!(seen[3].param("CallDuration"), Some("30"));
    assert_eq!(seen[3].param("Duration"), Some("1"));
    assert_eq!(seen[2].param("CallDuration"), None);

    // GET, `completed` only (the default), and a hang-up that moves the end.
    let r = srv
        .post(
            &calls,
            &sub,
            &[
                ("To", "+16518675310"),
                ("From", &number),
                ("Twiml", crate::traffic::HOLD),
                ("StatusCallback", &url),
                ("StatusCallbackMethod", "GET"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let sid = r.body["sid"].as_str().unwrap().to_owned();
    advance(srv, 10).await;
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/Calls/{sid}.json", sub.sid),
            &sub,
            &[("Status", "completed")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    advance(srv, 60).await;
    let seen = rx.wait_for(5).await;
    assert_eq!(seen.len(), 5, "one callback for the second call");
    let last = &seen[4];
    assert_eq!(last.method, "GET");
    assert_eq!(last.param("CallSid"), Some(sid.as_str()));
    assert_eq!(last.param("CallStatus"), Some("completed"));
    assert_eq!(last.param("SequenceNumber"), Some("0"));
    assert_eq!(last.param("CallDuration"), Some("3"));
    let full = format!("{base}{}", last.path);
    assert_eq!(
        last.header("x-twilio-signature"),
        signature::sign(&sub.token, &full, &[])
    );
    assert!(last.header("content-type").is_empty());
}

async fn failed_callbacks_become_notifications(srv: &TestServer) {
    let (rx, base) = receiver().await;
    let (sub, number) = sub_with_number(srv).await;
    rx.fail_first.store(1, Ordering::SeqCst);
    send(srv, &sub, &number, "+16518675310", &format!("{base}/flaky")).await;
    advance(srv, 2).await;
    assert_eq!(rx.wait_for(1).await.len(), 1);
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/gone", l.local_addr().unwrap())
    };
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/Calls.json", sub.sid),
            &sub,
            &[
                ("To", "+16518675310"),
                ("From", &number),
                ("Twiml", crate::traffic::HOLD),
                ("StatusCallback", &dead),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let call = r.body["sid"].as_str().unwrap().to_owned();
    advance(srv, 60).await;

    let list = srv
        .get(
            &format!("/2010-04-01/Accounts/{}/Notifications.json", sub.sid),
            &sub,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let items = list.body["notifications"].as_array().unwrap();
    let codes: Vec<_> = items
        .iter()
        .map(|n| (n["error_code"].as_str(), n["call_sid"].as_str()))
        .collect();
    assert_eq!(
        codes,
        [(Some("11205"), Some(call.as_str())), (Some("11200"), None)],
        "newest first"
    );
    assert_eq!(items[0]["log"], "1");
    assert!(items[0].get("request_variables").is_none(), "list shape");
    assert_eq!(items[1]["request_url"], format!("{base}/flaky"));
    // The main account reads its subaccount's notifications; another account does not.
    let other = srv.other_main().await;
    let path = format!(
        "/2010-04-01/Accounts/{}/Notifications/{}.json",
        sub.sid,
        items[1]["sid"].as_str().unwrap()
    );
    let one = srv.get(&path, &srv.main).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert!(one.body["request_variables"]
        .as_str()
        .unwrap()
        .contains("MessageStatus=sent"));
    assert!(one.body["response_headers"].is_string());
    assert_eq!(srv.get(&path, &other).await.code(), 20003);

    let of_call = srv
        .get(
            &format!(
                "/2010-04-01/Accounts/{}/Calls/{call}/Notifications.json?Log=1",
                sub.sid
            ),
            &sub,
        )
        .await;
    assert_eq!(of_call.status, StatusCode::OK, "{}", of_call.body);
    let items = of_call.body["notifications"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let fetched = srv.get(items[0]["uri"].as_str().unwrap(), &sub).await;
    assert_eq!(fetched.status, StatusCode::OK, "{}", fetched.body);
    assert_eq!(fetched.body["error_code"], "11205");
    // The message's notification is not the call's.
    let wrong = format!(
        "/2010-04-01/Accounts/{}/Calls/{call}/Notifications/{}.json",
        sub.sid,
        list.body["notifications"][1]["sid"].as_str().unwrap()
    );
    assert_eq!(srv.get(&wrong, &sub).await.status, StatusCode::NOT_FOUND);
}

crate::both_stores!(
    failed_callbacks_become_notifications,
    call_callbacks_follow_the_events_asked_for,
    message_callbacks_arrive_signed_and_in_order,
    failing_apps_get_retries_then_give_up,
    a_canceled_scheduled_message_sends_no_more_callbacks,
);
