//! TaskRouter Workspaces: the credentials decide the account; main credentials never reach
//! a subaccount's workspaces; reached by host or by the /taskrouter prefix.

use reqwest::{Method, StatusCode};

use crate::harness::*;

const WS: &str = "/taskrouter/v1/Workspaces";

async fn workspaces_follow_the_credentials(srv: &TestServer) {
    let m = srv.main.clone();
    let sub = srv.subaccount(&m, "sub").await;
    let mine = srv.post(WS, &m, &[("FriendlyName", "Support")]).await;
    assert_eq!(mine.status, StatusCode::CREATED, "{}", mine.body);
    assert_eq!(mine.body["account_sid"], m.sid.as_str());
    assert!(mine.body["sid"].as_str().unwrap().starts_with("WS"));
    assert_eq!(mine.body["date_created"], "2015-07-30T20:00:00Z");
    assert_eq!(mine.body["multi_task_enabled"], true);
    assert!(mine.body["url"].as_str().unwrap().ends_with(&format!(
        "/taskrouter/v1/Workspaces/{}",
        mine.body["sid"].as_str().unwrap()
    )));
    let theirs = srv
        .post(WS, &sub, &[("FriendlyName", "Support")])
        .await
        .body;
    assert_eq!(theirs["account_sid"], sub.sid.as_str());
    let their_path = format!("{WS}/{}", theirs["sid"].as_str().unwrap());
    let my_path = format!("{WS}/{}", mine.body["sid"].as_str().unwrap());

    // Main credentials see only the main account's workspaces.
    let list = srv.get(WS, &m).await.body;
    assert_eq!(list["workspaces"].as_array().unwrap().len(), 1);
    assert_eq!(list["meta"]["key"], "workspaces");
    assert_eq!(srv.get(&their_path, &m).await.code(), 20404);
    assert_eq!(
        srv.post(&their_path, &m, &[("FriendlyName", "x")])
            .await
            .code(),
        20404
    );
    assert_eq!(
        srv.request(Method::DELETE, &their_path, Some(&m), &[])
            .await
            .code(),
        20404
    );
    // The subaccount's token and keys see its own, never the main account's.
    assert_eq!(srv.get(&their_path, &sub).await.status, StatusCode::OK);
    assert_eq!(srv.get(&my_path, &sub).await.code(), 20404);
    let key = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/Keys.json", sub.sid),
            &sub,
            &[],
        )
        .await
        .body;
    let sub_key = Creds {
        sid: key["sid"].as_str().unwrap().into(),
        token: key["secret"].as_str().unwrap().into(),
    };
    assert_eq!(srv.get(&their_path, &sub_key).await.status, StatusCode::OK);
    assert_eq!(
        srv.get(WS, &sub_key).await.body["workspaces"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let nobody = Creds {
        sid: sub_key.sid.clone(),
        token: "wrong".into(),
    };
    assert_eq!(srv.get(WS, &nobody).await.code(), 20003);

    // Update, validation, delete.
    let r = srv
        .post(
            &my_path,
            &m,
            &[
                ("FriendlyName", "Sales"),
                ("EventCallbackUrl", "https://app.example.com/events"),
                ("PrioritizeQueueOrder", "LIFO"),
            ],
        )
        .await;
    assert_eq!(
        (
            r.body["friendly_name"].as_str(),
            r.body["prioritize_queue_order"].as_str()
        ),
        (Some("Sales"), Some("LIFO"))
    );
    assert_eq!(srv.post(WS, &m, &[]).await.code(), 20001);
    assert_eq!(
        srv.post(&my_path, &m, &[("PrioritizeQueueOrder", "RANDOM")])
            .await
            .code(),
        20422
    );
    assert_eq!(
        srv.request(Method::DELETE, &my_path, Some(&m), &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(srv.get(&my_path, &m).await.code(), 20404);
}

async fn workspaces_by_host(srv: &TestServer) {
    let m = &srv.main;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/Workspaces", srv.base);
    let r = http
        .get(&url)
        .basic_auth(&m.sid, Some(&m.token))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "/v1 needs the TaskRouter host"
    );
    let r = http
        .post(&url)
        .header("Host", "taskrouter.example.com")
        .basic_auth(&m.sid, Some(&m.token))
        .form(&[("FriendlyName", "by host")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["url"]
        .as_str()
        .unwrap()
        .starts_with("http://taskrouter.example.com/v1/Workspaces/WS"));
}

crate::both_stores!(workspaces_follow_the_credentials, workspaces_by_host);
