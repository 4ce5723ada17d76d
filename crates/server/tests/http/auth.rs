//! Credentials, from every side: each credential against each account it must and must not
//! reach.

use reqwest::{Method, StatusCode};

use crate::harness::*;

async fn missing_or_wrong_credentials_are_20003(srv: &TestServer) {
    let path = account_path(&srv.main.sid);
    let r = srv.request(Method::GET, &path, None, &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, 20003));
    assert_eq!(r.body["message"], "Authenticate");
    assert!(r
        .headers
        .get("www-authenticate")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("Basic"));
    let wrong = Creds {
        sid: srv.main.sid.clone(),
        token: "0".repeat(32),
    };
    assert_eq!(srv.get(&path, &wrong).await.code(), 20003);
    let nobody = Creds {
        sid: format!("AC{}", "f".repeat(32)),
        token: srv.main.token.clone(),
    };
    assert_eq!(srv.get(&path, &nobody).await.code(), 20003);
    let junk = Creds {
        sid: "not-a-sid".into(),
        token: "x".into(),
    };
    assert_eq!(srv.get(&path, &junk).await.code(), 20003);
    // A token that is a prefix of the real one is still wrong (no partial matches).
    let prefix = Creds {
        sid: srv.main.sid.clone(),
        token: srv.main.token[..31].to_owned(),
    };
    assert_eq!(srv.get(&path, &prefix).await.code(), 20003);
}

/// The reach table of the guide: main A with subaccounts A1, A2; main B with B1.
async fn credential_matrix(srv: &TestServer) {
    let a = srv.main.clone();
    let a1 = srv.subaccount(&a, "A1").await;
    let a2 = srv.subaccount(&a, "A2").await;
    let b = srv.other_main().await;
    let b1 = srv.subaccount(&b, "B1").await;
    let all = [("A", &a), ("A1", &a1), ("A2", &a2), ("B", &b), ("B1", &b1)];
    // (credential, target) pairs that must succeed; everything else must be 401/20003.
    let allowed = [
        ("A", "A"),
        ("A", "A1"),
        ("A", "A2"),
        ("A1", "A1"),
        ("A2", "A2"),
        ("B", "B"),
        ("B", "B1"),
        ("B1", "B1"),
    ];
    for (cname, creds) in all {
        for (tname, target) in all {
            let expect_ok = allowed.contains(&(cname, tname));
            // Fetch.
            let r = srv.get(&account_path(&target.sid), creds).await;
            if expect_ok {
                assert_eq!(
                    r.status,
                    StatusCode::OK,
                    "{cname} fetching {tname}: {}",
                    r.body
                );
                assert_eq!(r.body["sid"], target.sid.as_str());
            } else {
                assert_eq!(
                    (r.status, r.code()),
                    (StatusCode::UNAUTHORIZED, 20003),
                    "{cname} fetching {tname}"
                );
            }
            // Update (a name change: allowed to whoever reaches the account).
            let r = srv
                .post(
                    &account_path(&target.sid),
                    creds,
                    &[("FriendlyName", "probe")],
                )
                .await;
            if expect_ok {
                assert_eq!(
                    r.status,
                    StatusCode::OK,
                    "{cname} renaming {tname}: {}",
                    r.body
                );
            } else {
                assert_eq!(r.code(), 20003, "{cname} renaming {tname}");
            }
        }
    }
}

async fn closed_accounts_credentials_stop_working(srv: &TestServer) {
    let sub = srv.subaccount(&srv.main, "closing").await;
    assert_eq!(
        srv.get(&account_path(&sub.sid), &sub).await.status,
        StatusCode::OK
    );
    assert_eq!(
        srv.set_status(&srv.main, &sub.sid, "closed").await.status,
        StatusCode::OK
    );
    let r = srv.get(&account_path(&sub.sid), &sub).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, 20003));
    // Its history stays visible to the main account.
    let r = srv.get(&account_path(&sub.sid), &srv.main).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "closed");
}

async fn suspended_accounts_still_read(srv: &TestServer) {
    let sub = srv.subaccount(&srv.main, "suspending").await;
    srv.set_status(&srv.main, &sub.sid, "suspended").await;
    let r = srv.get(&account_path(&sub.sid), &sub).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "suspended");
}

crate::both_stores!(
    missing_or_wrong_credentials_are_20003,
    credential_matrix,
    closed_accounts_credentials_stop_working,
    suspended_accounts_still_read,
);
