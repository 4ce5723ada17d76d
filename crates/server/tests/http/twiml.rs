//! TwiML on a loopback app: calls fetch and run their documents on the manual clock
//! (durations and prices follow what the documents did), `<Dial>` places child calls,
//! `<Record>` makes recordings, failures fall back and log Notifications, and inbound calls
//! and messages ask the number's URLs.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use switchboard::webhooks::signature;

use crate::harness::*;
use crate::webhooks::{advance, receiver, sub_with_number};

async fn call(srv: &TestServer, sub: &Creds, params: &[(&str, &str)]) -> Value {
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/Calls.json", sub.sid),
            sub,
            params,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

async fn fetch(srv: &TestServer, sub: &Creds, c: &Value) -> Value {
    srv.get(c["uri"].as_str().unwrap(), sub).await.body
}

async fn list(srv: &TestServer, sub: &Creds, path: &str, key: &str) -> Vec<Value> {
    let r = srv.get(path, sub).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body[key].as_array().unwrap().clone()
}

async fn scenario(srv: &TestServer, form: &[(&str, &str)]) {
    let r = srv.admin(Method::POST, "/admin/v1/Scenarios", form).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

async fn outbound_calls_run_their_documents(srv: &TestServer) {
    let (rx, base) = receiver().await;
    let (sub, number) = sub_with_number(srv).await;
    let to = "+16518675310";
    scenario(srv, &[("To", to), ("Digits", "7"), ("RecordSeconds", "3")]).await;
    // 50 characters of speech (3 s), a one-key menu, a recording, a text, and goodbye.
    rx.serve(
        "/voice",
        &format!(
            "<?xml version=\"1.0\"?><Response><Say voice=\"alice\">{}</Say>\
             <Gather numDigits=\"1\" action=\"/menu\"><Say>Press</Say></Gather>\
             <Say>never said</Say></Response>",
            "x".repeat(50)
        ),
    );
    rx.serve(
        "/menu",
        "<Response><Record maxLength=\"4\" action=\"recorded\"/></Response>",
    );
    rx.serve(
        "/recorded",
        "<Response><Sms>Thanks</Sms><Hangup/><Say>never</Say></Response>",
    );
    let voice = format!("{base}/voice");
    let callback = format!("{base}/status");
    let c = call(
        srv,
        &sub,
        &[
            ("To", to),
            ("From", &number),
            ("Url", &voice),
            ("StatusCallback", &callback),
        ],
    )
    .await;
    let sid = c["sid"].as_str().unwrap();
    advance(srv, 60).await;
    rx.wait_for(4).await;

    // The document was fetched at the answer, signed, with the call's parameters.
    let first = rx.to_path("/voice");
    assert_eq!(first.len(), 1);
    let f = &first[0];
    assert_eq!(f.method, "POST");
    assert_eq!(f.param("CallSid"), Some(sid));
    assert_eq!(f.param("CallStatus"), Some("in-progress"));
    assert_eq!(f.param("Direction"), Some("outbound-api"));
    assert_eq!(f.param("From"), Some(number.as_str()));
    assert_eq!(f.param("To"), Some(to));
    assert_eq!(f.param("ApiVersion"), Some("2010-04-01"));
    assert_eq!(
        f.header("x-twilio-signature"),
        signature::sign(&sub.token, &voice, &f.params)
    );
    let menu = rx.to_path("/menu");
    assert_eq!(menu[0].param("Digits"), Some("7"));
    let recorded = rx.to_path("/recorded");
    assert_eq!(recorded[0].param("RecordingDuration"), Some("3"));
    let rec_sid = recorded[0].param("RecordingSid").unwrap().to_owned();
    assert!(recorded[0]
        .param("RecordingUrl")
        .unwrap()
        .ends_with(&format!("/Recordings/{rec_sid}")));

    // Answered at 7 s (1 s queued, 1 s initiated, 5 s ringing); then 3 s of speech, 0.3 s
    // of prompt and a key (1 s), a beep (0.5 s), 3 s spoken and 5 s of silence: hung up
    // 12.8 s after the answer.
    let done = fetch(srv, &sub, &c).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["duration"], "12");
    assert_eq!(done["price"], "-0.01400");
    let callbacks = rx.to_path("/status");
    assert_eq!(
        callbacks.len(),
        1,
        "completed only, with the document's duration"
    );
    assert_eq!(callbacks[0].param("CallDuration"), Some("12"));

    // The recording: listed per account and per call, priced, its media a WAV.
    let recs = list(
        srv,
        &sub,
        &format!(
            "/2010-04-01/Accounts/{}/Calls/{sid}/Recordings.json",
            sub.sid
        ),
        "recordings",
    )
    .await;
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["sid"], rec_sid.as_str());
    assert_eq!(recs[0]["duration"], "3");
    assert_eq!(recs[0]["source"], "RecordVerb");
    assert_eq!(recs[0]["status"], "completed");
    assert_eq!(recs[0]["price"], "-0.00250");
    assert_eq!(recs[0]["track"], "both");
    let account_level = format!("/2010-04-01/Accounts/{}/Recordings/{rec_sid}.json", sub.sid);
    let r = srv.get(&account_level, &sub).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["call_sid"], sid);
    let media = r.body["media_url"].as_str().unwrap().to_owned();
    assert!(media.ends_with(&format!("/Recordings/{rec_sid}")));
    let wav = reqwest::Client::new()
        .get(&media)
        .basic_auth(&sub.sid, Some(&sub.token))
        .send()
        .await
        .unwrap();
    assert_eq!(wav.status(), StatusCode::OK);
    assert_eq!(wav.headers()["content-type"], "audio/x-wav");
    // 3 s at 8 kHz, 16-bit: 48,000 bytes of samples after the 44-byte header.
    assert_eq!(wav.bytes().await.unwrap().len(), 44 + 48_000);
    // The main account reaches it; another tree does not.
    assert_eq!(
        srv.get(&account_level, &srv.main).await.status,
        StatusCode::OK
    );
    let other = srv.other_main().await;
    assert_eq!(
        srv.get(&account_level, &other).await.status,
        StatusCode::UNAUTHORIZED
    );

    // <Sms> sent a message from the call's number to the callee.
    let msgs = list(
        srv,
        &sub,
        &format!("/2010-04-01/Accounts/{}/Messages.json", sub.sid),
        "messages",
    )
    .await;
    assert_eq!(msgs.len(), 1);
    assert_eq!(
        (msgs[0]["body"].as_str(), msgs[0]["direction"].as_str()),
        (Some("Thanks"), Some("outbound-call"))
    );
    assert_eq!(
        (msgs[0]["from"].as_str(), msgs[0]["to"].as_str()),
        (Some(number.as_str()), Some(to))
    );

    // Charged: the call, the recording, the message, each once.
    let charges = srv.store.charges(&sub.sid).await.unwrap();
    let categories: Vec<&str> = charges.iter().map(|c| c.category.as_str()).collect();
    for category in ["calls-outbound", "recordings", "sms-outbound"] {
        assert_eq!(
            categories.iter().filter(|c| **c == category).count(),
            1,
            "{categories:?}"
        );
    }
    let r = srv
        .request(Method::DELETE, &account_level, Some(&sub), &[])
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        srv.get(&account_level, &sub).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A call's notifications: (error_code, log) each.
async fn codes(srv: &TestServer, sub: &Creds, c: &Value) -> Vec<(String, String)> {
    let path = format!(
        "/2010-04-01/Accounts/{}/Calls/{}/Notifications.json",
        sub.sid,
        c["sid"].as_str().unwrap()
    );
    list(srv, sub, &path, "notifications")
        .await
        .iter()
        .map(|n| {
            (
                n["error_code"].as_str().unwrap().to_owned(),
                n["log"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn failures_fall_back_and_become_notifications(srv: &TestServer) {
    let (rx, base) = receiver().await;
    let (sub, number) = sub_with_number(srv).await;
    rx.serve_as("/broken", 500, "text/plain", "oops");
    rx.serve("/fallback", "<Response><Pause length=\"4\"/></Response>");
    rx.serve_as("/json", 200, "application/json", "{}");
    rx.serve("/unparsable", "<Response><Say>");
    rx.serve(
        "/unsupported",
        "<Response><Enqueue>support</Enqueue><Pause length=\"2\"/></Response>",
    );
    let url = |p: &str| format!("{base}{p}");
    let fell_back = call(
        srv,
        &sub,
        &[
            ("To", "+16518675310"),
            ("From", &number),
            ("Url", &url("/broken")),
            ("FallbackUrl", &url("/fallback")),
        ],
    )
    .await;
    let json = call(
        srv,
        &sub,
        &[
            ("To", "+16518675311"),
            ("From", &number),
            ("Url", &url("/json")),
        ],
    )
    .await;
    let unparsable = call(
        srv,
        &sub,
        &[
            ("To", "+16518675312"),
            ("From", &number),
            ("Url", &url("/unparsable")),
        ],
    )
    .await;
    let unsupported = call(
        srv,
        &sub,
        &[
            ("To", "+16518675313"),
            ("From", &number),
            ("Url", &url("/unsupported")),
        ],
    )
    .await;
    advance(srv, 60).await;
    rx.wait_for(5).await;

    let fb = rx.to_path("/fallback");
    assert_eq!(fb.len(), 1, "the fallback was fetched once");
    assert_eq!(fb[0].param("ErrorCode"), Some("11200"));
    assert_eq!(fb[0].param("ErrorUrl"), Some(url("/broken").as_str()));
    assert_eq!(fetch(srv, &sub, &fell_back).await["duration"], "4");
    // No fallback: the call hangs up at the answer.
    for c in [&json, &unparsable] {
        let done = fetch(srv, &sub, c).await;
        assert_eq!(
            (done["status"].as_str(), done["duration"].as_str()),
            (Some("completed"), Some("0"))
        );
        assert!(done["price"].is_null());
    }
    assert_eq!(fetch(srv, &sub, &unsupported).await["duration"], "2");

    let e = |c: &str, l: &str| (c.to_owned(), l.to_owned());
    assert_eq!(codes(srv, &sub, &fell_back).await, [e("11200", "0")]);
    assert_eq!(codes(srv, &sub, &json).await, [e("12300", "0")]);
    assert_eq!(codes(srv, &sub, &unparsable).await, [e("12100", "0")]);
    assert_eq!(codes(srv, &sub, &unsupported).await, [e("12200", "1")]);
    // The failed request and the app's answer are kept with the notification.
    let n = list(
        srv,
        &sub,
        &format!(
            "/2010-04-01/Accounts/{}/Calls/{}/Notifications.json",
            sub.sid,
            fell_back["sid"].as_str().unwrap()
        ),
        "notifications",
    )
    .await;
    let full = srv.get(n[0]["uri"].as_str().unwrap(), &sub).await.body;
    assert_eq!(full["response_body"], "oops");
    assert_eq!(full["request_url"], url("/broken").as_str());
}

async fn dial_places_a_child_call_billed_on_its_own(srv: &TestServer) {
    let (rx, base) = receiver().await;
    let (sub, number) = sub_with_number(srv).await;
    scenario(
        srv,
        &[
            ("To", "+16518675399"),
            ("RingSeconds", "2"),
            ("TalkSeconds", "70"),
        ],
    )
    .await;
    scenario(srv, &[("To", "+16518675310"), ("TalkSeconds", "600")]).await;
    rx.serve(
        "/dialed",
        "<Response><Dial>+442071234567</Dial><Say>abcdefghij</Say></Response>",
    );
    let parent = call(
        srv,
        &sub,
        &[
            ("To", "+16518675310"),
            ("From", &number),
            (
                "Twiml",
                &format!("<Response><Dial action=\"{base}/dialed\" callerId=\"+15005550006\">+1 651 867 5399</Dial></Response>"),
            ),
        ],
    )
    .await;
    advance(srv, 200).await;
    rx.wait_for(1).await;
    let parent_sid = parent["sid"].as_str().unwrap();
    let children = list(
        srv,
        &sub,
        &format!(
            "/2010-04-01/Accounts/{}/Calls.json?ParentCallSid={parent_sid}",
            sub.sid
        ),
        "calls",
    )
    .await;
    assert_eq!(children.len(), 1);
    let child = &children[0];
    assert_eq!(
        (
            child["direction"].as_str(),
            child["to"].as_str(),
            child["from"].as_str()
        ),
        (
            Some("outbound-dial"),
            Some("+16518675399"),
            Some("+15005550006")
        )
    );
    assert_eq!(
        (child["status"].as_str(), child["duration"].as_str()),
        (Some("completed"), Some("70"))
    );
    assert_eq!(
        child["price"], "-0.02800",
        "two started minutes, its own charge"
    );
    let dialed = rx.to_path("/dialed");
    assert_eq!(dialed[0].param("DialCallStatus"), Some("completed"));
    assert_eq!(dialed[0].param("DialCallDuration"), Some("70"));
    assert_eq!(dialed[0].param("DialCallSid"), child["sid"].as_str());
    // The parent waited for the child (1 s + 1 s + 2 s ring + 70 s), then the second <Dial>
    // was refused by geo permissions (13227) and 10 characters were said.
    let done = fetch(srv, &sub, &parent).await;
    assert_eq!(done["duration"], "74");
    let n = list(
        srv,
        &sub,
        &format!(
            "/2010-04-01/Accounts/{}/Calls/{parent_sid}/Notifications.json",
            sub.sid
        ),
        "notifications",
    )
    .await;
    assert_eq!(n.len(), 1);
    assert_eq!(n[0]["error_code"], "13227");
    let charges = srv.store.charges(&sub.sid).await.unwrap();
    assert_eq!(
        charges
            .iter()
            .filter(|c| c.category == "calls-outbound")
            .count(),
        2
    );

    // A call that goes on after its account was suspended places no new call.
    let live = call(
        srv,
        &sub,
        &[
            ("To", "+16518675310"),
            ("From", &number),
            ("Twiml", "<Response><Dial>+16518675399</Dial></Response>"),
        ],
    )
    .await;
    srv.set_status(&srv.main, &sub.sid, "suspended").await;
    advance(srv, 200).await;
    let live_sid = live["sid"].as_str().unwrap();
    let children = list(
        srv,
        &srv.main,
        &format!(
            "/2010-04-01/Accounts/{}/Calls.json?ParentCallSid={live_sid}",
            sub.sid
        ),
        "calls",
    )
    .await;
    assert!(children.is_empty());
    assert_eq!(
        codes(srv, &sub, &live).await,
        [("13227".to_owned(), "1".to_owned())]
    );
}

async fn redirects_through_the_api_run_the_new_document(srv: &TestServer) {
    let (rx, base) = receiver().await;
    let (sub, number) = sub_with_number(srv).await;
    rx.serve(
        "/next",
        "<Response><Pause length=\"3\"/><Hangup/></Response>",
    );
    let c = call(
        srv,
        &sub,
        &[
            ("To", "+16518675310"),
            ("From", &number),
            ("Twiml", "<Response><Pause length=\"5\"/></Response>"),
        ],
    )
    .await;
    advance(srv, 8).await;
    assert_eq!(fetch(srv, &sub, &c).await["status"], "in-progress");
    // The first document would end the call at 12 s; the redirect at 8 s replaces it.
    let next = format!("{base}/next");
    let r = srv
        .post(
            c["uri"].as_str().unwrap(),
            &sub,
            &[("Url", &next), ("Method", "GET")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    advance(srv, 30).await;
    let got = rx.wait_for(1).await;
    assert_eq!(got[0].method, "GET");
    assert_eq!(got[0].param("CallStatus"), Some("in-progress"));
    let done = fetch(srv, &sub, &c).await;
    assert_eq!(
        (done["status"].as_str(), done["duration"].as_str()),
        (Some("completed"), Some("4"))
    );
    // Inline TwiML through the API too, and the call can no longer be redirected once over.
    let r = srv
        .post(
            c["uri"].as_str().unwrap(),
            &sub,
            &[("Twiml", "<Response/>")],
        )
        .await;
    assert_eq!(r.code(), 21220);
}

async fn inbound_calls_and_messages_ask_the_numbers_urls(srv: &TestServer) {
    let (rx, base) = receiver().await;
    let (sub, number) = sub_with_number(srv).await;
    let pn = list(
        srv,
        &sub,
        &format!("/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json", sub.sid),
        "incoming_phone_numbers",
    )
    .await[0]["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let voice = format!("{base}/in-voice");
    let sms = format!("{base}/in-sms");
    let r = srv
        .post(&pn, &sub, &[("VoiceUrl", &voice), ("SmsUrl", &sms)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    rx.serve(
        "/in-voice",
        "<Response><Gather timeout=\"2\" numDigits=\"2\"><Say>Hello</Say></Gather><Say>bye</Say></Response>",
    );
    rx.serve("/in-sms", "<Response><Message>Got it</Message></Response>");
    let caller = "+16518675310";
    let inbound = |digits: &'static str| {
        let number = number.clone();
        async move {
            let mut form = vec![("From", caller), ("To", number.as_str())];
            if !digits.is_empty() {
                form.push(("Digits", digits));
            }
            srv.admin(Method::POST, "/admin/v1/InboundCalls", &form)
                .await
        }
    };
    let r = inbound("").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let answered = r.body;
    advance(srv, 30).await;
    let got = rx.wait_for(1).await;
    assert_eq!(got[0].param("CallStatus"), Some("ringing"));
    assert_eq!(got[0].param("Direction"), Some("inbound"));
    assert_eq!(got[0].param("From"), Some(caller));
    // Answered at once; 0.3 s of prompt, a 2 s timeout, then 0.18 s: 2 s talked.
    let done = fetch(srv, &sub, &answered).await;
    assert_eq!(
        (done["status"].as_str(), done["duration"].as_str()),
        (Some("completed"), Some("2"))
    );

    // <Reject reason="busy"> leaves it unanswered and free.
    rx.serve(
        "/in-voice",
        "<Response><Reject reason=\"busy\"/></Response>",
    );
    let rejected = inbound("42").await.body;
    advance(srv, 30).await;
    let done = fetch(srv, &sub, &rejected).await;
    assert_eq!(
        (done["status"].as_str(), done["duration"].as_str()),
        (Some("busy"), Some("0"))
    );
    assert!(done["price"].is_null());

    // An inbound message asks SmsUrl; the <Message> in its answer replies from the number.
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/InboundMessages",
            &[("From", caller), ("To", number.as_str()), ("Body", "hi")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    advance(srv, 10).await;
    rx.wait_for(3).await;
    let asked = rx.to_path("/in-sms");
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].param("Body"), Some("hi"));
    assert_eq!(asked[0].param("SmsStatus"), Some("received"));
    assert_eq!(
        asked[0].header("x-twilio-signature"),
        signature::sign(&sub.token, &sms, &asked[0].params)
    );
    let msgs = list(
        srv,
        &sub,
        &format!(
            "/2010-04-01/Accounts/{}/Messages.json?From={}",
            sub.sid,
            number.replace('+', "%2B")
        ),
        "messages",
    )
    .await;
    assert_eq!(msgs.len(), 1);
    assert_eq!(
        (
            msgs[0]["body"].as_str(),
            msgs[0]["to"].as_str(),
            msgs[0]["direction"].as_str()
        ),
        (Some("Got it"), Some(caller), Some("outbound-reply"))
    );

    // A suspended account's number refuses inbound traffic, and no webhook is sent.
    let before = rx.seen.lock().unwrap().len();
    srv.set_status(&srv.main, &sub.sid, "suspended").await;
    assert_eq!(inbound("").await.code(), 10003);
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/InboundMessages",
            &[("From", caller), ("To", number.as_str()), ("Body", "hi")],
        )
        .await;
    assert_eq!(r.code(), 30002);
    advance(srv, 30).await;
    assert_eq!(rx.seen.lock().unwrap().len(), before);
}

crate::both_stores!(
    outbound_calls_run_their_documents,
    failures_fall_back_and_become_notifications,
    dial_places_a_child_call_billed_on_its_own,
    redirects_through_the_api_run_the_new_document,
    inbound_calls_and_messages_ask_the_numbers_urls,
);
