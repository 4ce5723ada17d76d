//! Usage records and the balance: equal to the prices of the calls, messages and numbers
//! they count, day by day, under pseudo-random traffic; periods, categories, relative dates,
//! `IncludeSubaccounts`; one balance per tree, credited by the operator.

use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::harness::*;
use crate::traffic::HOLD;
use crate::webhooks::{advance, sub_with_number};

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}

async fn records(
    srv: &TestServer,
    creds: &Creds,
    account: &str,
    list: &str,
    query: &str,
) -> Vec<Value> {
    let r = srv
        .get(
            &format!("/2010-04-01/Accounts/{account}/Usage/{list}?{query}"),
            creds,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["usage_records"].as_array().unwrap().clone()
}

/// The price of one category's single record.
async fn price(srv: &TestServer, creds: &Creds, account: &str, list: &str, query: &str) -> Decimal {
    let r = records(srv, creds, account, list, query).await;
    assert_eq!(r.len(), 1, "{r:?}");
    dec(&r[0]["price"])
}

/// The sum of the prices of a list's items (negative, as Twilio gives them).
async fn sum_prices(srv: &TestServer, creds: &Creds, path: &str, key: &str) -> Decimal {
    let r = srv.get(path, creds).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body[key]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["price"].is_null())
        .map(|i| dec(&i["price"]))
        .sum()
}

async fn usage_equals_the_prices_it_counts(srv: &TestServer) {
    let (sub, number) = sub_with_number(srv).await;
    let other_sub = srv.subaccount(&srv.main, "other").await;
    let mut seed: u64 = 7;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    // Three days of traffic, each thing at a pseudo-random second of its day.
    for _day in 0..3 {
        let mut used = 0;
        for _ in 0..8 {
            let wait = next(3000) as i64;
            advance(srv, wait).await;
            used += wait;
            let to = format!("+1651867{:04}", 5300 + next(50));
            if next(2) == 0 {
                srv.admin(
                    Method::POST,
                    "/admin/v1/Scenarios",
                    &[("To", to.as_str()), ("TalkSeconds", &next(200).to_string())],
                )
                .await;
                let r = srv
                    .post(
                        &format!("/2010-04-01/Accounts/{}/Calls.json", sub.sid),
                        &sub,
                        &[("To", &to), ("From", &number), ("Twiml", HOLD)],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            } else {
                let body = "x".repeat(1 + next(400) as usize);
                let r = srv
                    .post(
                        &format!("/2010-04-01/Accounts/{}/Messages.json", sub.sid),
                        &sub,
                        &[("To", &to), ("From", &number), ("Body", &body)],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            }
        }
        advance(srv, DAY_S - used).await;
    }
    advance(srv, 600).await;

    let today = chrono::DateTime::from_timestamp_millis(START_MS + 3 * DAY_S * 1000 + 600_000)
        .unwrap()
        .date_naive();
    let mut checked = 0;
    for back in 1..=3 {
        let day = (today - chrono::Days::new(back))
            .format("%Y-%m-%d")
            .to_string();
        let q = |c: &str| format!("Category={c}&StartDate={day}&EndDate={day}");
        let calls = -sum_prices(
            srv,
            &sub,
            &format!(
                "/2010-04-01/Accounts/{}/Calls.json?StartTime={day}&PageSize=1000",
                sub.sid
            ),
            "calls",
        )
        .await;
        let messages = -sum_prices(
            srv,
            &sub,
            &format!(
                "/2010-04-01/Accounts/{}/Messages.json?DateSent={day}&PageSize=1000",
                sub.sid
            ),
            "messages",
        )
        .await;
        assert_eq!(
            price(srv, &sub, &sub.sid, "Records.json", &q("calls")).await,
            calls,
            "{day}"
        );
        assert_eq!(
            price(srv, &sub, &sub.sid, "Records.json", &q("sms")).await,
            messages,
            "{day}"
        );
        assert_eq!(
            price(srv, &sub, &sub.sid, "Records.json", &q("calls-outbound")).await,
            calls
        );
        // The Daily list agrees with the range list for that day.
        let daily = records(srv, &sub, &sub.sid, "Records/Daily.json", &q("totalprice")).await;
        assert_eq!(daily.len(), 1);
        // The number was bought (and charged its first month) on the first day.
        let number_fee = if back == 3 {
            Decimal::new(115, 2)
        } else {
            Decimal::ZERO
        };
        assert_eq!(
            dec(&daily[0]["price"]),
            calls + messages + number_fee,
            "{day}"
        );
        checked += usize::from(!calls.is_zero()) + usize::from(!messages.is_zero());
    }
    assert!(checked >= 4, "the traffic reached most days");

    // All time: calls, messages, the number's first month; totalprice is their sum.
    let all = records(srv, &sub, &sub.sid, "Records/AllTime.json", "").await;
    let get = |c: &str| all.iter().find(|r| r["category"] == c).unwrap().clone();
    let calls = -sum_prices(
        srv,
        &sub,
        &format!("/2010-04-01/Accounts/{}/Calls.json?PageSize=1000", sub.sid),
        "calls",
    )
    .await;
    let messages = -sum_prices(
        srv,
        &sub,
        &format!(
            "/2010-04-01/Accounts/{}/Messages.json?PageSize=1000",
            sub.sid
        ),
        "messages",
    )
    .await;
    assert_eq!(dec(&get("calls")["price"]), calls);
    assert_eq!(dec(&get("sms")["price"]), messages);
    assert_eq!(dec(&get("phonenumbers")["price"]), Decimal::new(115, 2));
    assert_eq!(get("phonenumbers")["count"], "1");
    let total = calls + messages + Decimal::new(115, 2);
    assert_eq!(dec(&get("totalprice")["price"]), total);
    assert_eq!(dec(&get("totalprice")["usage"]), total);
    let r = get("calls");
    assert_eq!(
        (r["count_unit"].as_str(), r["usage_unit"].as_str()),
        (Some("calls"), Some("minutes"))
    );
    assert_eq!(r["price_unit"], "usd");
    assert!(r["uri"]
        .as_str()
        .unwrap()
        .contains("Category=calls&StartDate="));
    assert!(r["subresource_uris"]["daily"]
        .as_str()
        .unwrap()
        .ends_with("/Usage/Records/Daily.json?Category=calls"));

    // The main account: its tree by default, itself alone with IncludeSubaccounts=false;
    // the other subaccount's own usage is empty.
    let main_sid = srv.main.sid.clone();
    let tree = price(
        srv,
        &srv.main,
        &main_sid,
        "Records/AllTime.json",
        "Category=totalprice",
    )
    .await;
    assert_eq!(tree, total);
    let alone = price(
        srv,
        &srv.main,
        &main_sid,
        "Records/AllTime.json",
        "Category=totalprice&IncludeSubaccounts=false",
    )
    .await;
    assert_eq!(alone, Decimal::ZERO);
    assert_eq!(
        price(
            srv,
            &srv.main,
            &other_sub.sid,
            "Records/AllTime.json",
            "Category=totalprice"
        )
        .await,
        Decimal::ZERO
    );
    // Periods: Today, Yesterday, ThisMonth, relative dates, Monthly.
    let yesterday = records(
        srv,
        &sub,
        &sub.sid,
        "Records/Yesterday.json",
        "Category=calls",
    )
    .await;
    assert_eq!(yesterday[0]["start_date"], yesterday[0]["end_date"]);
    let rel = records(
        srv,
        &sub,
        &sub.sid,
        "Records.json",
        "Category=calls&StartDate=-1days&EndDate=-1days",
    )
    .await;
    assert_eq!(rel[0]["start_date"], yesterday[0]["start_date"]);
    assert_eq!(rel[0]["price"], yesterday[0]["price"]);
    let monthly = records(
        srv,
        &sub,
        &sub.sid,
        "Records/Monthly.json",
        "Category=totalprice",
    )
    .await;
    let monthly_sum: Decimal = monthly.iter().map(|r| dec(&r["price"])).sum();
    assert_eq!(monthly_sum, total);
    // Every category, paged.
    let r = srv
        .get(
            &format!(
                "/2010-04-01/Accounts/{}/Usage/Records/Today.json?PageSize=5",
                sub.sid
            ),
            &sub,
        )
        .await;
    assert_eq!(r.body["usage_records"].as_array().unwrap().len(), 5);
    let next = r.body["next_page_uri"].as_str().unwrap().to_owned();
    let r2 = srv.get(&next, &sub).await;
    assert_eq!(r2.body["usage_records"].as_array().unwrap().len(), 5);
    assert_ne!(
        r.body["usage_records"][0]["category"],
        r2.body["usage_records"][0]["category"]
    );
    // Bad dates.
    let r = srv
        .get(
            &format!(
                "/2010-04-01/Accounts/{}/Usage/Records.json?StartDate=soon",
                sub.sid
            ),
            &sub,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // One balance for the tree: everything charged lowers it; the operator credits it.
    let balance = |creds: Creds, account: String| async move {
        let r = srv
            .get(
                &format!("/2010-04-01/Accounts/{account}/Balance.json"),
                &creds,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["currency"], "USD");
        assert_eq!(r.body["account_sid"], account.as_str());
        dec(&r.body["balance"])
    };
    assert_eq!(balance(srv.main.clone(), main_sid.clone()).await, -total);
    assert_eq!(balance(sub.clone(), sub.sid.clone()).await, -total);
    let r = srv
        .admin(
            Method::POST,
            &format!("/admin/v1/Accounts/{main_sid}/Balance"),
            &[("Credit", "20.00")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(dec(&r.body["balance"]), Decimal::from(20) - total);
    assert_eq!(
        balance(sub.clone(), sub.sid.clone()).await,
        Decimal::from(20) - total
    );
    let r = srv
        .admin(
            Method::POST,
            &format!("/admin/v1/Accounts/{main_sid}/Balance"),
            &[("Balance", "5")],
        )
        .await;
    assert_eq!(r.body["balance"], "5.00");
    let r = srv
        .admin(
            Method::POST,
            &format!("/admin/v1/Accounts/{}/Balance", sub.sid),
            &[("Credit", "1")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "balances are the main account's"
    );
    // Another tree reaches neither.
    let stranger = srv.other_main().await;
    let r = srv
        .get(
            &format!("/2010-04-01/Accounts/{}/Balance.json", sub.sid),
            &stranger,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = srv
        .get(
            &format!("/2010-04-01/Accounts/{}/Usage/Records.json", sub.sid),
            &stranger,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

async fn triggers_fire_once_per_period_through_the_webhook_queue(srv: &TestServer) {
    let (rx, base) = crate::webhooks::receiver().await;
    let (sub, number) = sub_with_number(srv).await;
    let triggers = format!("/2010-04-01/Accounts/{}/Usage/Triggers.json", sub.sid);
    let hook = format!("{base}/usage");
    // Refusals: the required parameters, and their values.
    for (form, code) in [
        (vec![("UsageCategory", "sms"), ("TriggerValue", "1")], 20001),
        (
            vec![("CallbackUrl", hook.as_str()), ("TriggerValue", "1")],
            20001,
        ),
        (
            vec![("CallbackUrl", hook.as_str()), ("UsageCategory", "sms")],
            20001,
        ),
        (
            vec![
                ("CallbackUrl", hook.as_str()),
                ("UsageCategory", "sms"),
                ("TriggerValue", "-1"),
            ],
            20422,
        ),
        (
            vec![
                ("CallbackUrl", hook.as_str()),
                ("UsageCategory", "sms"),
                ("TriggerValue", "1"),
                ("Recurring", "hourly"),
            ],
            20422,
        ),
    ] {
        assert_eq!(
            srv.post(&triggers, &sub, &form).await.code(),
            code,
            "{form:?}"
        );
    }
    // Three SMS a day: the count trigger fires daily; the price one once ever.
    let daily = srv
        .post(
            &triggers,
            &sub,
            &[
                ("CallbackUrl", hook.as_str()),
                ("UsageCategory", "sms"),
                ("TriggerBy", "count"),
                ("TriggerValue", "3"),
                ("Recurring", "daily"),
                ("FriendlyName", "three a day"),
            ],
        )
        .await;
    assert_eq!(daily.status, StatusCode::CREATED, "{}", daily.body);
    assert_eq!(daily.body["current_value"], "0");
    assert!(daily.body["date_fired"].is_null());
    assert_eq!(daily.body["recurring"], "daily");
    let ever = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/Usage/Triggers.json", srv.main.sid),
            &srv.main,
            &[
                ("CallbackUrl", hook.as_str()),
                ("UsageCategory", "totalprice"),
                ("TriggerBy", "price"),
                // Relative: 0.02 more than now (the number's 1.15 is already charged).
                ("TriggerValue", "+0.02"),
            ],
        )
        .await;
    assert_eq!(ever.status, StatusCode::CREATED, "{}", ever.body);
    assert_eq!(ever.body["trigger_value"], "1.17");
    assert_eq!(ever.body["recurring"], "alltime");
    let send = || async {
        let r = srv
            .post(
                &format!("/2010-04-01/Accounts/{}/Messages.json", sub.sid),
                &sub,
                &[("To", "+16518675310"), ("From", &number), ("Body", "hi")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    };
    for _ in 0..2 {
        send().await;
    }
    advance(srv, 10).await;
    assert!(rx.seen.lock().unwrap().is_empty(), "2 messages: below both");
    send().await;
    advance(srv, 10).await;
    let got = rx.wait_for(2).await;
    assert_eq!(got.len(), 2, "both fired");
    let count = got
        .iter()
        .find(|r| r.param("TriggerBy") == Some("count"))
        .unwrap();
    assert_eq!(count.param("UsageTriggerSid"), daily.body["sid"].as_str());
    assert_eq!(count.param("CurrentValue"), Some("3"));
    assert_eq!(count.param("TriggerValue"), Some("3"));
    assert_eq!(count.param("Recurring"), Some("daily"));
    assert_eq!(count.param("UsageCategory"), Some("sms"));
    assert_eq!(count.param("AccountSid"), Some(sub.sid.as_str()));
    assert!(count
        .param("IdempotencyToken")
        .unwrap()
        .starts_with(daily.body["sid"].as_str().unwrap()));
    assert!(count
        .param("UsageRecordUri")
        .unwrap()
        .contains("Category=sms"));
    assert!(chrono::DateTime::parse_from_rfc2822(count.param("DateFired").unwrap()).is_ok());
    assert_eq!(
        count.header("x-twilio-signature"),
        switchboard::webhooks::signature::sign(&sub.token, &hook, &count.params)
    );
    let price = got
        .iter()
        .find(|r| r.param("TriggerBy") == Some("price"))
        .unwrap();
    assert_eq!(
        price.param("AccountSid"),
        Some(srv.main.sid.as_str()),
        "the main account's tree"
    );
    assert_eq!(
        price.header("x-twilio-signature"),
        switchboard::webhooks::signature::sign(&srv.main.token, &hook, &price.params)
    );
    // More usage the same day: nothing more.
    send().await;
    advance(srv, 10).await;
    assert_eq!(rx.wait_for(3).await.len(), 2);
    let r = srv.get(daily.body["uri"].as_str().unwrap(), &sub).await;
    assert_eq!(r.body["current_value"], "4");
    assert!(r.body["date_fired"].is_string());
    // The next day the daily one starts over and fires again at three; the other never.
    advance(srv, DAY_S).await;
    for _ in 0..3 {
        send().await;
    }
    advance(srv, 10).await;
    let got = rx.wait_for(3).await;
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].param("UsageTriggerSid"), daily.body["sid"].as_str());

    // List filters, update, delete; another tree sees none of it.
    let list = |q: &'static str| {
        let path = format!("{triggers}?{q}");
        let sub = sub.clone();
        async move {
            let r = srv.get(&path, &sub).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.body["usage_triggers"].as_array().unwrap().len()
        }
    };
    assert_eq!(list("").await, 1);
    assert_eq!(list("Recurring=daily").await, 1);
    assert_eq!(list("Recurring=alltime").await, 0);
    assert_eq!(list("TriggerBy=price").await, 0);
    assert_eq!(list("UsageCategory=sms").await, 1);
    let r = srv
        .post(
            daily.body["uri"].as_str().unwrap(),
            &sub,
            &[("FriendlyName", "renamed"), ("CallbackMethod", "GET")],
        )
        .await;
    assert_eq!(
        (
            r.body["friendly_name"].as_str(),
            r.body["callback_method"].as_str()
        ),
        (Some("renamed"), Some("GET"))
    );
    let stranger = srv.other_main().await;
    assert_eq!(
        srv.get(daily.body["uri"].as_str().unwrap(), &stranger)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let r = srv
        .request(
            Method::DELETE,
            daily.body["uri"].as_str().unwrap(),
            Some(&sub),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        srv.get(daily.body["uri"].as_str().unwrap(), &sub)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn prepaid_trees_refuse_what_they_cannot_cover(srv: &TestServer) {
    let (sub, number) = sub_with_number(srv).await;
    let main_sid = srv.main.sid.clone();
    let r = srv
        .admin(
            Method::POST,
            &format!("/admin/v1/Accounts/{main_sid}/Balance"),
            &[("Balance", "0.01"), ("Prepaid", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["balance"].as_str(), r.body["prepaid"].as_bool()),
        (Some("0.01"), Some(true))
    );
    let messages = format!("/2010-04-01/Accounts/{}/Messages.json", sub.sid);
    let calls = format!("/2010-04-01/Accounts/{}/Calls.json", sub.sid);
    let form = [
        ("To", "+16518675310"),
        ("From", number.as_str()),
        ("Body", "hi"),
    ];
    assert_eq!(
        srv.post(&messages, &sub, &form).await.status,
        StatusCode::CREATED
    );
    // 0.0021 left: a second message (0.0079) and a call's first minute (0.014) are refused,
    // with either credentials, and nothing is stored.
    for creds in [&sub, &srv.main] {
        let r = srv.post(&messages, creds, &form).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, 10001),
            "{}",
            r.body
        );
        let r = srv
            .post(
                &calls,
                creds,
                &[("To", "+16518675310"), ("From", &number), ("Twiml", HOLD)],
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, 10001),
            "{}",
            r.body
        );
    }
    let listed = srv.get(&messages, &sub).await.body["messages"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(listed, 1);
    assert!(srv.get(&calls, &sub).await.body["calls"]
        .as_array()
        .unwrap()
        .is_empty());
    // Credited, it flows again.
    srv.admin(
        Method::POST,
        &format!("/admin/v1/Accounts/{main_sid}/Balance"),
        &[("Credit", "1")],
    )
    .await;
    assert_eq!(
        srv.post(&messages, &sub, &form).await.status,
        StatusCode::CREATED
    );
}

crate::both_stores!(
    prepaid_trees_refuse_what_they_cannot_cover,
    usage_equals_the_prices_it_counts,
    triggers_fire_once_per_period_through_the_webhook_queue,
);
