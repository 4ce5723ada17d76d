//! Error bodies: shape, codes and statuses for the generic failures.

use std::future::IntoFuture;

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

/// A panicking handler answers Twilio's generic 500; the cause stays in the log.
#[tokio::test]
async fn panics_become_a_generic_500() {
    use std::sync::Arc;
    use switchboard::app::{with_layers, AppState, Services};
    use switchboard::clock::ManualClock;
    use switchboard::jobs::Jobs;

    let (store, _dir) = open_store(Kind::Sqlite).await.unwrap();
    let clock = Arc::new(ManualClock::starting_at(START_MS));
    let state = AppState::new(Services {
        jobs: Arc::new(Jobs::new(store.clone(), clock.clone(), Default::default())),
        store,
        clock,
        admin_token: None,
        inventory: inventory(),
        carrier: Default::default(),
    });
    let app = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async { panic!("secret internal detail") as &str }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, with_layers(app, state)).into_future());
    let r = reqwest::get(format!("http://{addr}/boom")).await.unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let text = r.text().await.unwrap();
    assert!(!text.contains("secret"), "{text}");
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (body["code"].as_i64(), body["status"].as_i64()),
        (Some(20500), Some(500))
    );
    assert_eq!(body["message"], "Internal Server Error");
}
