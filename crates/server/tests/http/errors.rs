//! Error bodies: shape, codes and statuses for the generic failures.

use reqwest::{Method, StatusCode};

use crate::harness::*;

async fn unknown_paths_echo_the_path(srv: &TestServer) {
    let path = format!("/2010-04-01/Accounts/{}/Nothing.json", srv.main.sid);
    let r = srv.get(&path, &srv.main).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), 20404);
    assert_eq!(
        r.body["message"],
        format!("The requested resource {path} was not found")
    );
    assert_eq!(
        r.body["more_info"],
        "https://www.twilio.com/docs/errors/20404"
    );
    assert_eq!(r.body["status"], 404);
    // Without the .json suffix, an account instance is not a JSON resource here.
    let r = srv
        .get(&format!("/2010-04-01/Accounts/{}", srv.main.sid), &srv.main)
        .await;
    assert_eq!(r.code(), 20404);
    // Unknown SID under main credentials.
    let r = srv
        .get(&account_path(&format!("AC{}", "0".repeat(32))), &srv.main)
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, 20404));
    let r = srv
        .get("/2010-04-01/Accounts/ACnotasid.json", &srv.main)
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, 20404));
}

async fn wrong_methods_are_405(srv: &TestServer) {
    let r = srv
        .request(
            Method::DELETE,
            &account_path(&srv.main.sid),
            Some(&srv.main),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.code(), 20004);
    let r = srv
        .request(
            Method::DELETE,
            "/2010-04-01/Accounts.json",
            Some(&srv.main),
            &[],
        )
        .await;
    assert_eq!(r.code(), 20004);
}

async fn health_is_ok(srv: &TestServer) {
    let r = srv.request(Method::GET, "/healthz", None, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "ok");
}

crate::both_stores!(
    unknown_paths_echo_the_path,
    wrong_methods_are_405,
    health_is_ok
);
