//! The Account resource: create, fetch, list filters, update, and the shape of the JSON.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::*;

const KEYS: [&str; 10] = [
    "auth_token",
    "date_created",
    "date_updated",
    "friendly_name",
    "owner_account_sid",
    "sid",
    "status",
    "subresource_uris",
    "type",
    "uri",
];

fn is_hex32(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

async fn create_returns_the_full_account(srv: &TestServer) {
    let r = srv
        .post(
            "/2010-04-01/Accounts.json",
            &srv.main,
            &[("FriendlyName", "Submarine")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let obj = r.body.as_object().unwrap();
    let mut keys: Vec<_> = obj.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, KEYS);
    let sid = r.body["sid"].as_str().unwrap();
    assert!(sid.starts_with("AC") && is_hex32(&sid[2..]), "{sid}");
    assert!(is_hex32(r.body["auth_token"].as_str().unwrap()));
    assert_eq!(r.body["friendly_name"], "Submarine");
    assert_eq!(r.body["owner_account_sid"], srv.main.sid.as_str());
    assert_eq!(r.body["status"], "active");
    assert_eq!(r.body["type"], "Full");
    assert_eq!(r.body["date_created"], "Thu, 30 Jul 2015 20:00:00 +0000");
    assert_eq!(r.body["uri"], format!("/2010-04-01/Accounts/{sid}.json"));
    let subs = r.body["subresource_uris"].as_object().unwrap();
    assert_eq!(subs.len(), 20);
    assert_eq!(
        subs["calls"],
        format!("/2010-04-01/Accounts/{sid}/Calls.json")
    );
    assert_eq!(
        subs["short_codes"],
        format!("/2010-04-01/Accounts/{sid}/SMS/ShortCodes.json")
    );
    // The main account is its own owner.
    let m = srv.get(&account_path(&srv.main.sid), &srv.main).await;
    assert_eq!(m.body["owner_account_sid"], srv.main.sid.as_str());
}

async fn default_friendly_name_has_the_creation_time(srv: &TestServer) {
    let r = srv.post("/2010-04-01/Accounts.json", &srv.main, &[]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        r.body["friendly_name"],
        "SubAccount Created at 2015-07-30 08:00 pm"
    );
}

async fn friendly_names_are_validated(srv: &TestServer) {
    let long = "x".repeat(65);
    let r = srv
        .post(
            "/2010-04-01/Accounts.json",
            &srv.main,
            &[("FriendlyName", &long)],
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, 20002));
    let r = srv
        .post(
            "/2010-04-01/Accounts.json",
            &srv.main,
            &[("FriendlyName", "")],
        )
        .await;
    assert_eq!(r.code(), 20002);
    // Nothing was created by the refusals.
    let list = srv.get("/2010-04-01/Accounts.json", &srv.main).await;
    assert_eq!(list.body["accounts"].as_array().unwrap().len(), 1);
    let sub = srv.subaccount(&srv.main, "named").await;
    let r = srv
        .post(
            &account_path(&sub.sid),
            &srv.main,
            &[("FriendlyName", &long)],
        )
        .await;
    assert_eq!(r.code(), 20002);
    let r = srv
        .post(
            &account_path(&sub.sid),
            &sub,
            &[("FriendlyName", "renamed")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["friendly_name"], "renamed");
}

async fn subaccounts_cannot_create_subaccounts(srv: &TestServer) {
    let sub = srv.subaccount(&srv.main, "child").await;
    let r = srv
        .post(
            "/2010-04-01/Accounts.json",
            &sub,
            &[("FriendlyName", "grandchild")],
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, 21101));
}

fn names(list: &Value) -> Vec<String> {
    list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["friendly_name"].as_str().unwrap().to_owned())
        .collect()
}

async fn lists_show_the_callers_view(srv: &TestServer) {
    let a = srv.subaccount(&srv.main, "alpha").await;
    srv.subaccount(&srv.main, "beta").await;
    let other = srv.other_main().await;
    srv.subaccount(&other, "alpha").await;

    let all = srv.get("/2010-04-01/Accounts.json", &srv.main).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(names(&all.body), vec!["Main account", "alpha", "beta"]);
    let mine = srv.get("/2010-04-01/Accounts.json", &a).await;
    assert_eq!(names(&mine.body), vec!["alpha"]);
    let by_name = srv
        .get("/2010-04-01/Accounts.json?FriendlyName=beta", &srv.main)
        .await;
    assert_eq!(names(&by_name.body), vec!["beta"]);
    assert_eq!(
        by_name.body["first_page_uri"],
        "/2010-04-01/Accounts.json?FriendlyName=beta&PageSize=50&Page=0"
    );
    srv.set_status(&srv.main, &a.sid, "suspended").await;
    let suspended = srv
        .get("/2010-04-01/Accounts.json?Status=suspended", &srv.main)
        .await;
    assert_eq!(names(&suspended.body), vec!["alpha"]);
    let r = srv
        .get("/2010-04-01/Accounts.json?Status=sleeping", &srv.main)
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, 20422));
}

crate::both_stores!(
    create_returns_the_full_account,
    default_friendly_name_has_the_creation_time,
    friendly_names_are_validated,
    subaccounts_cannot_create_subaccounts,
    lists_show_the_callers_view,
);
