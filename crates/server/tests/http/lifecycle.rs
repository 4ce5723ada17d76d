//! Subaccount lifecycle: status rules, the limit under concurrency, a suspended main
//! account's tree, and deletion 30 days after closure on the manual clock.

use reqwest::{Method, StatusCode};

use crate::harness::*;

async fn status_changes_follow_twilios_rules(srv: &TestServer) {
    let sub = srv.subaccount(&srv.main, "customer").await;
    let r = srv.set_status(&srv.main, &sub.sid, "suspended").await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("suspended"))
    );
    let r = srv.set_status(&srv.main, &sub.sid, "active").await;
    assert_eq!(r.body["status"], "active");
    // Invalid value, the main account itself, a subaccount's own credentials.
    assert_eq!(
        srv.set_status(&srv.main, &sub.sid, "paused").await.code(),
        21475
    );
    assert_eq!(
        srv.set_status(&srv.main, &srv.main.sid, "suspended")
            .await
            .code(),
        21477
    );
    assert_eq!(
        srv.set_status(&srv.main, &srv.main.sid, "closed")
            .await
            .code(),
        21477
    );
    let r = srv.set_status(&sub, &sub.sid, "suspended").await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, 20403));
    // Close: final.
    let r = srv.set_status(&srv.main, &sub.sid, "closed").await;
    assert_eq!(r.body["status"], "closed");
    let r = srv.set_status(&srv.main, &sub.sid, "active").await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, 21479));
    assert_eq!(
        srv.set_status(&srv.main, &sub.sid, "suspended")
            .await
            .code(),
        21479
    );
    let r = srv.get(&account_path(&sub.sid), &srv.main).await;
    assert_eq!(r.body["status"], "closed");
}

async fn the_limit_holds_under_concurrent_creates(srv: &TestServer) {
    let r = srv
        .admin(
            Method::POST,
            &format!("/admin/v1/Accounts/{}", srv.main.sid),
            &[("SubaccountLimit", "3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let creates = (0..12).map(|i| {
        let name = format!("c{i}");
        async move {
            srv.post(
                "/2010-04-01/Accounts.json",
                &srv.main,
                &[("FriendlyName", &name)],
            )
            .await
        }
    });
    let results = futures_util::future::join_all(creates).await;
    let created = results
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 3);
    for r in results.iter().filter(|r| r.status != StatusCode::CREATED) {
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, 21480),
            "{}",
            r.body
        );
    }
    let list = srv.get("/2010-04-01/Accounts.json", &srv.main).await;
    assert_eq!(list.body["accounts"].as_array().unwrap().len(), 4);
}

async fn a_suspended_main_account_suspends_its_tree(srv: &TestServer) {
    let active = srv.subaccount(&srv.main, "active").await;
    let suspended = srv.subaccount(&srv.main, "suspended").await;
    srv.set_status(&srv.main, &suspended.sid, "suspended").await;
    let main_path = format!("/admin/v1/Accounts/{}", srv.main.sid);
    let r = srv
        .admin(Method::POST, &main_path, &[("Status", "suspended")])
        .await;
    assert_eq!(r.body["status"], "suspended");

    let r = srv.get(&account_path(&active.sid), &srv.main).await;
    assert_eq!(r.body["status"], "suspended");
    let r = srv.get(&account_path(&srv.main.sid), &srv.main).await;
    assert_eq!(r.body["status"], "suspended");
    assert_eq!(
        srv.set_status(&srv.main, &active.sid, "closed")
            .await
            .code(),
        21476
    );
    let r = srv.post("/2010-04-01/Accounts.json", &srv.main, &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, 10001));

    srv.admin(Method::POST, &main_path, &[("Status", "active")])
        .await;
    assert_eq!(
        srv.get(&account_path(&active.sid), &srv.main).await.body["status"],
        "active"
    );
    assert_eq!(
        srv.get(&account_path(&suspended.sid), &srv.main).await.body["status"],
        "suspended"
    );
}

async fn closed_subaccounts_are_deleted_after_30_days(srv: &TestServer) {
    let doomed = srv.subaccount(&srv.main, "doomed").await;
    let keeper_main = srv.other_main().await;
    let r = srv
        .admin(
            Method::POST,
            &format!("/admin/v1/Accounts/{}", keeper_main.sid),
            &[("AutoDeleteClosedSubaccounts", "false")],
        )
        .await;
    assert_eq!(r.body["auto_delete_closed_subaccounts"], false);
    let kept = srv.subaccount(&keeper_main, "kept").await;
    srv.set_status(&srv.main, &doomed.sid, "closed").await;
    srv.set_status(&keeper_main, &kept.sid, "closed").await;

    let r = srv.advance_days(29).await;
    assert_eq!(r.body["ran"]["purged_subaccounts"], 0);
    assert_eq!(
        srv.get(&account_path(&doomed.sid), &srv.main).await.status,
        StatusCode::OK
    );
    let r = srv.advance_days(1).await;
    assert_eq!(r.body["ran"]["purged_subaccounts"], 1);
    let r = srv.get(&account_path(&doomed.sid), &srv.main).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, 20404));
    let list = srv.get("/2010-04-01/Accounts.json", &srv.main).await;
    assert_eq!(list.body["accounts"].as_array().unwrap().len(), 1);
    let r = srv.get(&account_path(&kept.sid), &keeper_main).await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("closed"))
    );
}

crate::both_stores!(
    status_changes_follow_twilios_rules,
    the_limit_holds_under_concurrent_creates,
    a_suspended_main_account_suspends_its_tree,
    closed_subaccounts_are_deleted_after_30_days,
);
