//! Calls and messages over HTTP on the simulated carrier and the manual clock: statuses over
//! time, prices and charges, scenarios, refusals with Twilio's codes, inbound traffic.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::harness::*;

/// TwiML that holds the line: the call lasts until the other party hangs up (its
/// scenario's talk time), as calls did before TwiML ran.
pub const HOLD: &str = "<Response><Pause length=\"3600\"/></Response>";

struct Setup {
    sub: Creds,
    number: String,
}

/// A subaccount that owns a San Francisco number.
async fn setup(srv: &TestServer) -> Setup {
    let sub = srv.subaccount(&srv.main, "customer").await;
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json", sub.sid),
            &sub,
            &[("AreaCode", "415")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    Setup {
        number: r.body["phone_number"].as_str().unwrap().to_owned(),
        sub,
    }
}

fn messages(account: &str) -> String {
    format!("/2010-04-01/Accounts/{account}/Messages.json")
}

fn calls(account: &str) -> String {
    format!("/2010-04-01/Accounts/{account}/Calls.json")
}

async fn advance_seconds(srv: &TestServer, s: i64) -> Value {
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/Clock",
            &[("Advance", &s.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

async fn messages_move_through_their_statuses(srv: &TestServer) {
    let Setup { sub, number } = setup(srv).await;
    // Main credentials acting for the subaccount (the guide's third parameter).
    let r = srv
        .post(
            &messages(&sub.sid),
            &srv.main,
            &[
                ("To", "+16518675310"),
                ("From", &number),
                ("Body", "Ahoy there!"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let m = r.body;
    assert_eq!(m.as_object().unwrap().len(), 20);
    assert!(m["sid"].as_str().unwrap().starts_with("SM"));
    assert_eq!(
        (m["status"].as_str(), m["direction"].as_str()),
        (Some("queued"), Some("outbound-api"))
    );
    assert_eq!(
        (m["num_segments"].as_str(), m["num_media"].as_str()),
        (Some("1"), Some("0"))
    );
    assert!(m["price"].is_null() && m["date_sent"].is_null());
    let path = format!(
        "/2010-04-01/Accounts/{}/Messages/{}.json",
        sub.sid,
        m["sid"].as_str().unwrap()
    );
    let mut seen = Vec::new();
    for _ in 0..4 {
        advance_seconds(srv, 1).await;
        seen.push(
            srv.get(&path, &sub).await.body["status"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(seen, ["sending", "sent", "sent", "delivered"]);
    let done = srv.get(&path, &sub).await.body;
    assert_eq!(
        (done["price"].as_str(), done["price_unit"].as_str()),
        (Some("-0.00790"), Some("USD"))
    );
    assert_eq!(done["date_sent"], "Thu, 30 Jul 2015 20:00:02 +0000");

    // Segments and media set the price.
    let long = "a".repeat(161);
    let r = srv
        .post(
            &messages(&sub.sid),
            &sub,
            &[("To", "+16518675310"), ("From", &number), ("Body", &long)],
        )
        .await;
    assert_eq!(r.body["num_segments"], "2");
    let uni = "✓".repeat(71);
    let r = srv
        .post(
            &messages(&sub.sid),
            &sub,
            &[("To", "+16518675310"), ("From", &number), ("Body", &uni)],
        )
        .await;
    assert_eq!(r.body["num_segments"], "2");
    let r = srv
        .post(
            &messages(&sub.sid),
            &sub,
            &[
                ("To", "+16518675310"),
                ("From", &number),
                ("MediaUrl", "https://example.com/a.png"),
                ("MediaUrl", "https://example.com/b.png"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.body["num_media"].as_str()),
        (StatusCode::CREATED, Some("2"))
    );
    assert!(r.body["sid"].as_str().unwrap().starts_with("MM"));
    advance_seconds(srv, 5).await;
    let list = srv.get(&messages(&sub.sid), &sub).await.body;
    let prices: Vec<&str> = list["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["price"].as_str().unwrap())
        .collect();
    assert_eq!(
        prices,
        ["-0.02000", "-0.01580", "-0.01580", "-0.00790"],
        "newest first"
    );
    // Every price is a charge of the account: their sums agree.
    let charged: rust_decimal::Decimal = srv
        .store
        .charges(&sub.sid)
        .await
        .unwrap()
        .iter()
        .filter(|c| c.category.starts_with("sms") || c.category.starts_with("mms"))
        .map(|c| c.amount.parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    let priced: rust_decimal::Decimal = prices
        .iter()
        .map(|p| -p.parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    assert_eq!(charged, priced);
}

async fn message_refusals(srv: &TestServer) {
    let Setup { sub, number } = setup(srv).await;
    let send = |form: Vec<(&'static str, String)>| {
        let sub = sub.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            srv.post(&messages(&sub.sid), &sub, &form).await
        }
    };
    let n = || number.clone();
    let to = |t: &str| ("To", t.to_owned());
    let body = ("Body", "hi".to_owned());
    let cases: Vec<(Vec<(&'static str, String)>, i64)> = vec![
        (vec![("From", n()), body.clone()], 21604),
        (vec![to("5551234567"), ("From", n()), body.clone()], 21211),
        (vec![to("+15005550001"), ("From", n()), body.clone()], 21211),
        (vec![to("+15005550002"), ("From", n()), body.clone()], 21612),
        (vec![to("+15005550003"), ("From", n()), body.clone()], 21408),
        (vec![to("+15005550004"), ("From", n()), body.clone()], 21610),
        (vec![to("+15005550009"), ("From", n()), body.clone()], 21614),
        (
            vec![to("+442079460123"), ("From", n()), body.clone()],
            21614,
        ),
        (vec![to("+16518675310"), body.clone()], 21603),
        (
            vec![to("+16518675310"), ("From", "Apple".into()), body.clone()],
            21212,
        ),
        (
            vec![
                to("+16518675310"),
                ("From", "+15005550001".into()),
                body.clone(),
            ],
            21212,
        ),
        (
            vec![
                to("+16518675310"),
                ("From", "+15005550007".into()),
                body.clone(),
            ],
            21606,
        ),
        (
            vec![
                to("+16518675310"),
                ("From", "+15005550008".into()),
                body.clone(),
            ],
            21611,
        ),
        (
            vec![
                to("+16518675310"),
                ("From", "+14155550000".into()),
                body.clone(),
            ],
            21606,
        ),
        (vec![to("+16518675310"), ("From", n())], 21602),
        (
            vec![
                to("+16518675310"),
                ("From", n()),
                ("Body", "x".repeat(1601)),
            ],
            21617,
        ),
        (
            vec![
                to("+16518675310"),
                ("From", n()),
                ("MediaUrl", "notaurl".into()),
            ],
            21620,
        ),
        (
            vec![
                to("+16518675310"),
                ("From", n()),
                body.clone(),
                ("StatusCallback", "nope".into()),
            ],
            21609,
        ),
        (
            vec![
                to("+16518675310"),
                ("From", n()),
                body.clone(),
                ("ValidityPeriod", "0".into()),
            ],
            21624,
        ),
        (
            vec![to("+447400123456"), ("From", n()), body.clone()],
            21408,
        ),
    ];
    for (form, code) in cases {
        let r = send(form.clone()).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, code),
            "{form:?}: {}",
            r.body
        );
    }
    let media: Vec<(&'static str, String)> = (0..11)
        .map(|i| ("MediaUrl", format!("https://example.com/{i}.png")))
        .collect();
    let mut form = vec![to("+16518675310"), ("From", n())];
    form.extend(media);
    assert_eq!(send(form).await.code(), 21623);
    assert!(
        srv.get(&messages(&sub.sid), &sub).await.body["messages"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing stored"
    );

    // The magic valid From, and geo permissions granted by the operator to the main account.
    let r = send(vec![
        to("+16518675310"),
        ("From", "+15005550006".into()),
        body.clone(),
    ])
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = srv
        .admin(
            Method::POST,
            &format!("/admin/v1/Accounts/{}", srv.main.sid),
            &[("SmsCountries", "US,CA,GB")],
        )
        .await;
    assert_eq!(
        (r.status, r.body["sms_countries"].as_str()),
        (StatusCode::OK, Some("US,CA,GB")),
        "{}",
        r.body
    );
    let r = send(vec![to("+447400123456"), ("From", n()), body.clone()]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // Suspended: no traffic, whichever credentials.
    srv.set_status(&srv.main, &sub.sid, "suspended").await;
    let r = send(vec![to("+16518675310"), ("From", n()), body.clone()]).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, 10001));
    let r = srv
        .post(
            &messages(&sub.sid),
            &srv.main,
            &[("To", "+16518675310"), ("From", &number), ("Body", "hi")],
        )
        .await;
    assert_eq!(r.code(), 10001);
}

async fn message_updates_lists_and_scenarios(srv: &TestServer) {
    let Setup { sub, number } = setup(srv).await;
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/Scenarios",
            &[
                ("To", "+1651*"),
                ("MessageOutcome", "undelivered"),
                ("ErrorCode", "30005"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bad = srv
        .post(
            &messages(&sub.sid),
            &sub,
            &[("To", "+16518675310"), ("From", &number), ("Body", "hi")],
        )
        .await
        .body;
    let good = srv
        .post(
            &messages(&sub.sid),
            &sub,
            &[("To", "+12125550123"), ("From", &number), ("Body", "hi")],
        )
        .await
        .body;
    advance_seconds(srv, 4).await;
    let path = |m: &Value| {
        format!(
            "/2010-04-01/Accounts/{}/Messages/{}.json",
            sub.sid,
            m["sid"].as_str().unwrap()
        )
    };
    let b = srv.get(&path(&bad), &sub).await.body;
    assert_eq!(
        (b["status"].as_str(), b["error_code"].as_i64()),
        (Some("undelivered"), Some(30005))
    );
    assert_eq!(b["error_message"], "Unknown destination handset");
    assert_eq!(
        srv.get(&path(&good), &sub).await.body["status"],
        "delivered"
    );

    // Filters: To, DateSent (day and inequalities).
    let list = |q: &str| {
        let (sub, q) = (sub.clone(), q.to_owned());
        async move {
            srv.get(&format!("{}?{q}", messages(&sub.sid)), &sub)
                .await
                .body["messages"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(list("To=%2B16518675310").await, 1);
    assert_eq!(list("DateSent=2015-07-30").await, 2);
    assert_eq!(list("DateSent=2015-07-31").await, 0);
    assert_eq!(
        list("DateSent%3E=2015-07-30T20:00:02Z").await,
        2,
        "a datetime counts as its day"
    );
    assert_eq!(list("DateSent%3E=2015-07-31").await, 0);
    assert_eq!(list("DateSent%3C=2015-07-29").await, 0);
    assert_eq!(
        srv.get(&format!("{}?DateSent=someday", messages(&sub.sid)), &sub)
            .await
            .code(),
        20422
    );

    // Redact, cancel a scheduled message, delete.
    let r = srv.post(&path(&good), &sub, &[("Body", "")]).await;
    assert_eq!(
        (r.status, r.body["body"].as_str()),
        (StatusCode::OK, Some(""))
    );
    assert_eq!(
        srv.post(&path(&good), &sub, &[("Status", "canceled")])
            .await
            .code(),
        20009
    );
    let r = srv
        .post(
            &messages(&sub.sid),
            &sub,
            &[
                ("To", "+12125550123"),
                ("From", &number),
                ("Body", "later"),
                ("SendAt", "2015-07-31T20:00:00Z"),
                ("ScheduleType", "fixed"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::CREATED, Some("scheduled")),
        "{}",
        r.body
    );
    let c = srv
        .post(&path(&r.body), &sub, &[("Status", "canceled")])
        .await;
    assert_eq!(c.body["status"], "canceled");
    let r = srv
        .post(
            &messages(&sub.sid),
            &sub,
            &[
                ("To", "+12125550123"),
                ("From", &number),
                ("Body", "x"),
                ("SendAt", "2015-07-30T20:05:00Z"),
                ("ScheduleType", "fixed"),
            ],
        )
        .await;
    assert_eq!(r.code(), 35114, "too soon");
    assert_eq!(
        srv.request(Method::DELETE, &path(&good), Some(&sub), &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(srv.get(&path(&good), &sub).await.code(), 20404);
    // Tenancy: another subaccount cannot read these messages.
    let other = srv.subaccount(&srv.main, "other").await;
    assert_eq!(srv.get(&path(&bad), &other).await.code(), 20003);
    assert_eq!(
        srv.get(
            &format!(
                "/2010-04-01/Accounts/{}/Messages/{}.json",
                other.sid,
                bad["sid"].as_str().unwrap()
            ),
            &other
        )
        .await
        .code(),
        20404
    );
}

async fn calls_progress_cost_and_end(srv: &TestServer) {
    let Setup { sub, number } = setup(srv).await;
    let r = srv
        .post(
            &calls(&sub.sid),
            &srv.main,
            &[
                ("To", "+16518675310"),
                ("From", &number),
                ("Twiml", HOLD),
                ("StatusCallbackEvent", "initiated"),
                ("StatusCallbackEvent", "completed"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let c = r.body;
    assert_eq!(c.as_object().unwrap().len(), 26);
    assert!(c["sid"].as_str().unwrap().starts_with("CA"));
    assert_eq!(
        (c["status"].as_str(), c["direction"].as_str()),
        (Some("queued"), Some("outbound-api"))
    );
    assert_eq!(
        (c["to_formatted"].as_str(), c["from"].as_str()),
        (Some("(651) 867-5310"), Some(number.as_str()))
    );
    assert!(c["phone_number_sid"].as_str().unwrap().starts_with("PN"));
    assert!(c["price"].is_null() && c["duration"].is_null() && c["start_time"].is_null());
    let path = format!(
        "/2010-04-01/Accounts/{}/Calls/{}.json",
        sub.sid,
        c["sid"].as_str().unwrap()
    );
    let mut seen = Vec::new();
    let mut charged = 0;
    for step in [1, 1, 5, 30] {
        charged += advance_seconds(srv, step).await["ran"]["call_charges"]
            .as_i64()
            .unwrap();
        seen.push(
            srv.get(&path, &sub).await.body["status"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(seen, ["initiated", "ringing", "in-progress", "completed"]);
    assert_eq!(charged, 1, "charged once, when it ended");
    let done = srv.get(&path, &sub).await.body;
    assert_eq!(
        (done["duration"].as_str(), done["price"].as_str()),
        (Some("30"), Some("-0.01400"))
    );
    assert_eq!(done["start_time"], "Thu, 30 Jul 2015 20:00:01 +0000");
    assert_eq!(done["end_time"], "Thu, 30 Jul 2015 20:00:37 +0000");
    assert_eq!(advance_seconds(srv, 1).await["ran"]["call_charges"], 0);
    let charge = srv
        .store
        .charges(&sub.sid)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.category == "calls-outbound")
        .unwrap();
    assert_eq!(charge.amount, "0.0140");

    // Scenarios: a busy number, a 42-second call, machine detection.
    srv.admin(
        Method::POST,
        "/admin/v1/Scenarios",
        &[("To", "+12125550100"), ("CallOutcome", "busy")],
    )
    .await;
    srv.admin(
        Method::POST,
        "/admin/v1/Scenarios",
        &[
            ("To", "+12125550142"),
            ("TalkSeconds", "42"),
            ("AnsweredBy", "machine_start"),
        ],
    )
    .await;
    let busy = srv
        .post(
            &calls(&sub.sid),
            &sub,
            &[
                ("To", "+12125550100"),
                ("From", &number),
                ("Twiml", "<Response><Say>Hi</Say></Response>"),
            ],
        )
        .await
        .body;
    let long = srv
        .post(
            &calls(&sub.sid),
            &sub,
            &[
                ("To", "+12125550142"),
                ("From", &number),
                ("Twiml", HOLD),
                ("MachineDetection", "Enable"),
            ],
        )
        .await
        .body;
    let ring = srv
        .post(
            &calls(&sub.sid),
            &sub,
            &[
                ("To", "+12125550199"),
                ("From", &number),
                ("Twiml", HOLD),
                ("Timeout", "3"),
            ],
        )
        .await
        .body;
    let p = |c: &Value| {
        format!(
            "/2010-04-01/Accounts/{}/Calls/{}.json",
            sub.sid,
            c["sid"].as_str().unwrap()
        )
    };
    advance_seconds(srv, 60).await;
    let b = srv.get(&p(&busy), &sub).await.body;
    assert_eq!(
        (
            b["status"].as_str(),
            b["duration"].as_str(),
            b["price"].is_null()
        ),
        (Some("busy"), Some("0"), true)
    );
    let l = srv.get(&p(&long), &sub).await.body;
    assert_eq!(
        (
            l["duration"].as_str(),
            l["price"].as_str(),
            l["answered_by"].as_str()
        ),
        (Some("42"), Some("-0.01400"), Some("machine_start"))
    );
    assert_eq!(
        srv.get(&p(&ring), &sub).await.body["status"],
        "no-answer",
        "rings 5 s, gives up after 3"
    );

    // Hang up, cancel, redirect, delete.
    let live = srv
        .post(
            &calls(&sub.sid),
            &sub,
            &[("To", "+16518675310"), ("From", &number), ("Twiml", HOLD)],
        )
        .await
        .body;
    let queued = srv
        .post(
            &calls(&sub.sid),
            &sub,
            &[("To", "+16518675311"), ("From", &number), ("Twiml", HOLD)],
        )
        .await
        .body;
    assert_eq!(
        srv.post(&p(&queued), &sub, &[("Status", "canceled")])
            .await
            .body["status"],
        "canceled"
    );
    advance_seconds(srv, 10).await;
    assert_eq!(
        srv.post(&p(&live), &sub, &[("Url", "https://example.com/next")])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        srv.post(&p(&live), &sub, &[("Status", "canceled")])
            .await
            .code(),
        21220,
        "answered calls are completed, not canceled"
    );
    assert_eq!(
        srv.request(Method::DELETE, &p(&live), Some(&sub), &[])
            .await
            .code(),
        21220
    );
    advance_seconds(srv, 60).await;
    let r = srv.post(&p(&live), &sub, &[("Status", "completed")]).await;
    assert_eq!(r.code(), 21220, "already over");
    assert_eq!(
        srv.post(&p(&queued), &sub, &[("Url", "https://example.com/x")])
            .await
            .code(),
        21220
    );
    assert_eq!(
        srv.request(Method::DELETE, &p(&queued), Some(&sub), &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        srv.post(&p(&live), &sub, &[("Status", "paused")])
            .await
            .code(),
        20422
    );

    // Hanging up mid-call ends it now and prices the minutes started.
    srv.admin(
        Method::POST,
        "/admin/v1/Scenarios",
        &[("To", "+16518675312"), ("TalkSeconds", "600")],
    )
    .await;
    let hang = srv
        .post(
            &calls(&sub.sid),
            &sub,
            &[("To", "+16518675312"), ("From", &number), ("Twiml", HOLD)],
        )
        .await
        .body;
    advance_seconds(srv, 7 + 61).await;
    let r = srv
        .post(&p(&hang), &sub, &[("Status", "completed")])
        .await
        .body;
    assert_eq!(
        (
            r["status"].as_str(),
            r["duration"].as_str(),
            r["price"].as_str()
        ),
        (Some("completed"), Some("61"), Some("-0.02800"))
    );
}

async fn call_refusals_suspension_and_filters(srv: &TestServer) {
    let Setup { sub, number } = setup(srv).await;
    let call = |form: Vec<(&'static str, String)>| {
        let sub = sub.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            srv.post(&calls(&sub.sid), &sub, &form).await
        }
    };
    let n = || ("From", number.clone());
    let url = || ("Twiml", HOLD.to_owned());
    let to = |t: &str| ("To", t.to_owned());
    let cases: Vec<(Vec<(&'static str, String)>, i64)> = vec![
        (vec![n(), url()], 21201),
        (vec![to("12345"), n(), url()], 21211),
        (vec![to("+15005550001"), n(), url()], 21217),
        (vec![to("+15005550002"), n(), url()], 21214),
        (vec![to("+15005550003"), n(), url()], 21215),
        (vec![to("+15005550004"), n(), url()], 21216),
        (vec![to("+16518675310"), url()], 21213),
        (
            vec![to("+16518675310"), ("From", "+15005550001".into()), url()],
            21212,
        ),
        (
            vec![to("+16518675310"), ("From", "+14155550000".into()), url()],
            21210,
        ),
        (vec![to("+16518675310"), n()], 21205),
        (vec![to("+16518675310"), n(), ("Url", "nope".into())], 21205),
        (
            vec![to("+16518675310"), n(), ("ApplicationSid", "AP123".into())],
            21218,
        ),
        (vec![to("+442079460123"), n(), url()], 21215),
        (
            vec![
                to("+16518675310"),
                n(),
                url(),
                ("StatusCallbackEvent", "exploded".into()),
            ],
            20422,
        ),
    ];
    for (form, code) in cases {
        let r = call(form.clone()).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, code),
            "{form:?}: {}",
            r.body
        );
    }
    assert!(
        srv.get(&calls(&sub.sid), &sub).await.body["calls"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing stored"
    );
    let first = call(vec![to("+16518675310"), n(), url()]).await.body;
    assert_eq!(
        call(vec![
            to("+16518675310"),
            ("From", "+15005550006".into()),
            url()
        ])
        .await
        .status,
        StatusCode::CREATED
    );

    // Suspension refuses new calls but does not end the live one.
    advance_seconds(srv, 10).await;
    srv.set_status(&srv.main, &sub.sid, "suspended").await;
    let r = call(vec![to("+16518675310"), n(), url()]).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, 10001));
    let path = format!(
        "/2010-04-01/Accounts/{}/Calls/{}.json",
        sub.sid,
        first["sid"].as_str().unwrap()
    );
    assert_eq!(
        srv.get(&path, &srv.main).await.body["status"],
        "in-progress"
    );
    assert_eq!(
        srv.post(&path, &srv.main, &[("Status", "completed")])
            .await
            .body["status"],
        "completed"
    );
    srv.set_status(&srv.main, &sub.sid, "active").await;

    // List filters.
    advance_seconds(srv, 86_400).await;
    call(vec![to("+16518675399"), n(), url()]).await;
    advance_seconds(srv, 60).await;
    let count = |q: &str| {
        let (sub, q) = (sub.clone(), q.to_owned());
        async move {
            let r = srv.get(&format!("{}?{q}", calls(&sub.sid)), &sub).await;
            assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
            r.body["calls"].as_array().unwrap().len()
        }
    };
    assert_eq!(count("StartTime=2015-07-30").await, 2);
    assert_eq!(count("StartTime=2015-07-31").await, 1);
    assert_eq!(count("StartTime%3E=2015-07-31").await, 1);
    assert_eq!(count("StartTime%3C=2015-07-30").await, 2);
    assert_eq!(
        count("StartTime%3E=2015-07-30&StartTime%3C=2015-07-31").await,
        3
    );
    assert_eq!(count("EndTime=2015-07-31").await, 1);
    assert_eq!(count("Status=completed").await, 3);
    assert_eq!(count("Status=in-progress").await, 0);
    assert_eq!(count("To=%2B16518675399").await, 1);
    assert_eq!(count("From=%2B15005550006").await, 1);
    assert_eq!(
        srv.get(&format!("{}?Status=exploded", calls(&sub.sid)), &sub)
            .await
            .code(),
        20422
    );
    let page = srv
        .get(&format!("{}?PageSize=2", calls(&sub.sid)), &sub)
        .await
        .body;
    let next = srv
        .get(page["next_page_uri"].as_str().unwrap(), &sub)
        .await
        .body;
    assert_eq!(next["calls"].as_array().unwrap().len(), 1);
}

async fn inbound_traffic(srv: &TestServer) {
    let Setup { sub, number } = setup(srv).await;
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/InboundCalls",
            &[
                ("From", "+16518675310"),
                ("To", &number),
                ("CallerName", "Alice"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.body["direction"].as_str(), r.body["status"].as_str()),
        (Some("inbound"), Some("ringing"))
    );
    assert_eq!(r.body["account_sid"], sub.sid.as_str());
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/InboundMessages",
            &[("From", "+16518675310"), ("To", &number), ("Body", "Hello")],
        )
        .await;
    assert_eq!(
        (
            r.status,
            r.body["status"].as_str(),
            r.body["price"].as_str()
        ),
        (StatusCode::CREATED, Some("received"), Some("-0.00790"))
    );
    advance_seconds(srv, 40).await;
    let calls_list = srv.get(&calls(&sub.sid), &sub).await.body;
    assert_eq!(
        calls_list["calls"][0]["price"], "-0.00850",
        "31 s inbound at 0.0085/min"
    );
    assert_eq!(
        srv.get(&messages(&sub.sid), &sub).await.body["messages"][0]["direction"],
        "inbound"
    );
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/InboundCalls",
            &[("From", "+16518675310"), ("To", "+14155550000")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    srv.set_status(&srv.main, &sub.sid, "suspended").await;
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/InboundCalls",
            &[("From", "+16518675310"), ("To", &number)],
        )
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_i64()),
        (StatusCode::FORBIDDEN, Some(10003))
    );
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/InboundMessages",
            &[("From", "+16518675310"), ("To", &number), ("Body", "x")],
        )
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_i64()),
        (StatusCode::FORBIDDEN, Some(30002))
    );
}

crate::both_stores!(
    messages_move_through_their_statuses,
    message_refusals,
    message_updates_lists_and_scenarios,
    calls_progress_cost_and_end,
    call_refusals_suspension_and_filters,
    inbound_traffic,
);
