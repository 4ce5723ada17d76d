//! The admin API and bootstrap.

use reqwest::{Method, StatusCode};

use crate::harness::*;
use switchboard::bootstrap::{self, Outcome};

async fn admin_api_needs_its_token(srv: &TestServer) {
    let http = reqwest::Client::new();
    let url = format!("{}/admin/v1/Accounts", srv.base);
    let r = http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = http.get(&url).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], 20003);
    // Account credentials are not admin credentials.
    let r = http
        .get(&url)
        .basic_auth(&srv.main.sid, Some(&srv.main.token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = srv.admin(Method::GET, "/admin/v1/Accounts", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["accounts"].as_array().unwrap().len(), 1);
}

async fn trial_main_accounts_may_have_one_subaccount(srv: &TestServer) {
    let r = srv
        .admin(
            Method::POST,
            "/admin/v1/Accounts",
            &[("FriendlyName", "Tryout"), ("Type", "Trial")],
        )
        .await;
    assert_eq!(
        (r.status, r.body["type"].as_str()),
        (StatusCode::CREATED, Some("Trial"))
    );
    let trial = creds_of(&r.body);
    let r = srv.get(&account_path(&trial.sid), &trial).await;
    assert_eq!(r.body["type"], "Trial");
    srv.subaccount(&trial, "only").await;
    let r = srv.post("/2010-04-01/Accounts.json", &trial, &[]).await;
    assert_eq!(r.code(), 21480);
}

async fn admin_refuses_bad_input(srv: &TestServer) {
    let sub = srv.subaccount(&srv.main, "sub").await;
    let path = format!("/admin/v1/Accounts/{}", sub.sid);
    let r = srv
        .admin(Method::POST, &path, &[("Status", "suspended")])
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(20422))
    );
    let main_path = format!("/admin/v1/Accounts/{}", srv.main.sid);
    for form in [
        [("Status", "closed")],
        [("SubaccountLimit", "-1")],
        [("AutoDeleteClosedSubaccounts", "maybe")],
    ] {
        let r = srv.admin(Method::POST, &main_path, &form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form:?} {}", r.body);
    }
    let r = srv
        .admin(Method::POST, "/admin/v1/Accounts", &[("Sid", "ACshort")])
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(21470))
    );
    let r = srv
        .admin(Method::GET, "/admin/v1/Accounts/ACnothing", &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = srv.admin(Method::POST, "/admin/v1/Clock", &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

async fn bootstrap_keeps_fixed_credentials(srv: &TestServer) {
    let sid = format!("AC{}", "ab".repeat(16));
    let store = &*srv.store;
    let out = bootstrap::run(store, 0, Some(&sid), Some("first-token"))
        .await
        .unwrap();
    assert!(matches!(out, Outcome::Fixed(ref a) if a.sid == sid && a.auth_token == "first-token"));
    // Restarting with another token makes exactly those credentials valid.
    bootstrap::run(store, 0, Some(&sid), Some("second-token"))
        .await
        .unwrap();
    let creds = Creds {
        sid: sid.clone(),
        token: "second-token".into(),
    };
    assert_eq!(
        srv.get(&account_path(&sid), &creds).await.status,
        StatusCode::OK
    );
    let old = Creds {
        sid: sid.clone(),
        token: "first-token".into(),
    };
    assert_eq!(srv.get(&account_path(&sid), &old).await.code(), 20003);
    // Accounts exist: nothing is created or printed.
    assert!(matches!(
        bootstrap::run(store, 0, None, None).await.unwrap(),
        Outcome::Existing
    ));
    assert!(bootstrap::run(store, 0, Some(&sid), None).await.is_err());
}

crate::both_stores!(
    admin_api_needs_its_token,
    trial_main_accounts_may_have_one_subaccount,
    admin_refuses_bad_input,
    bootstrap_keeps_fixed_credentials,
);

#[tokio::test]
async fn without_a_token_the_admin_api_does_not_exist() {
    let srv = TestServer::start_with(Kind::Sqlite, None).await.unwrap();
    let r = reqwest::Client::new()
        .get(format!("{}/admin/v1/Accounts", srv.base))
        .bearer_auth("anything")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    srv.stop().await;
}

#[tokio::test]
async fn an_empty_database_gets_one_printed_account() {
    let (store, _dir) = open_store(Kind::Sqlite).await.unwrap();
    let out = bootstrap::run(&*store, 0, None, None).await.unwrap();
    assert!(matches!(out, Outcome::Created(_)));
    assert_eq!(store.count_accounts().await.unwrap(), 1);
}
