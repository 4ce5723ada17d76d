//! API keys: the Keys and SigningKeys resources, and the full credential matrix (every kind of
//! credential against every kind of target).

use reqwest::{Method, StatusCode};

use crate::harness::*;

fn key_creds(body: &serde_json::Value) -> Creds {
    Creds {
        sid: body["sid"].as_str().unwrap().to_owned(),
        token: body["secret"].as_str().unwrap().to_owned(),
    }
}

async fn api_key(srv: &TestServer, by: &Creds, account: &str, path: &str) -> Creds {
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{account}/{path}.json"),
            by,
            &[("FriendlyName", "k")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    key_creds(&r.body)
}

async fn keys_resource(srv: &TestServer) {
    let m = &srv.main;
    let base = format!("/2010-04-01/Accounts/{}/Keys", m.sid);
    let r = srv
        .post(&format!("{base}.json"), m, &[("FriendlyName", "ci")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let obj = r.body.as_object().unwrap();
    assert_eq!(obj.len(), 5);
    let secret = r.body["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 32);
    let sid = r.body["sid"].as_str().unwrap().to_owned();
    assert!(sid.starts_with("SK") && sid.len() == 34);
    let list = srv.get(&format!("{base}.json"), m).await.body;
    assert_eq!(list["keys"].as_array().unwrap().len(), 1);
    assert!(
        list["keys"][0].get("secret").is_none(),
        "the secret is shown once"
    );
    let renamed = srv
        .post(
            &format!("{base}/{sid}.json"),
            m,
            &[("FriendlyName", "renamed")],
        )
        .await;
    assert_eq!(renamed.body["friendly_name"], "renamed");
    assert_eq!(
        srv.get(&format!("{base}/{sid}.json"), m).await.body["friendly_name"],
        "renamed"
    );
    // The key authenticates for its account.
    let key = Creds {
        sid: sid.clone(),
        token: secret.to_owned(),
    };
    assert_eq!(
        srv.get(&account_path(&m.sid), &key).await.status,
        StatusCode::OK
    );
    let wrong = Creds {
        sid: sid.clone(),
        token: "x".repeat(32),
    };
    assert_eq!(srv.get(&account_path(&m.sid), &wrong).await.code(), 20003);
    // Deleted: stops at once.
    let r = srv
        .request(Method::DELETE, &format!("{base}/{sid}.json"), Some(m), &[])
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(srv.get(&account_path(&m.sid), &key).await.code(), 20003);
    assert_eq!(
        srv.get(&format!("{base}/{sid}.json"), m).await.code(),
        20404
    );

    // Signing keys are their own list and do not authenticate.
    let signing = api_key(srv, m, &m.sid, "SigningKeys").await;
    assert_eq!(srv.get(&account_path(&m.sid), &signing).await.code(), 20003);
    let sk = srv
        .get(
            &format!("/2010-04-01/Accounts/{}/SigningKeys.json", m.sid),
            m,
        )
        .await
        .body;
    assert_eq!(sk["signing_keys"].as_array().unwrap().len(), 1);
    assert!(srv.get(&format!("{base}.json"), m).await.body["keys"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        srv.get(&format!("{base}/{}.json", signing.sid), m)
            .await
            .code(),
        20404
    );
}

/// Rows: credentials. Columns: main-account resource, subaccount resource, `/Accounts`
/// list, the main account's `/Keys`, renaming the subaccount.
async fn credential_matrix(srv: &TestServer) {
    let m = srv.main.clone();
    let sub = srv.subaccount(&m, "sub").await;
    let sibling = srv.subaccount(&m, "sibling").await;
    let doomed = srv.subaccount(&m, "doomed").await;
    let main_std = api_key(srv, &m, &m.sid, "Keys").await;
    let r = srv
        .admin(
            Method::POST,
            &format!("/admin/v1/Accounts/{}/Keys", m.sid),
            &[("Kind", "main")],
        )
        .await;
    assert_eq!(
        (r.status, r.body["kind"].as_str()),
        (StatusCode::CREATED, Some("main")),
        "{}",
        r.body
    );
    let main_main = key_creds(&r.body);
    let sub_key = api_key(srv, &sub, &sub.sid, "Keys").await;
    let sibling_key = api_key(srv, &sibling, &sibling.sid, "Keys").await;
    let deleted = api_key(srv, &m, &m.sid, "Keys").await;
    srv.request(
        Method::DELETE,
        &format!("/2010-04-01/Accounts/{}/Keys/{}.json", m.sid, deleted.sid),
        Some(&m),
        &[],
    )
    .await;
    let closed_key = api_key(srv, &doomed, &doomed.sid, "Keys").await;
    srv.set_status(&m, &doomed.sid, "closed").await;

    let ok = true;
    let no = false;
    let rows: [(&str, &Creds, [bool; 5]); 8] = [
        ("main token", &m, [ok, ok, ok, ok, ok]),
        ("main Standard key", &main_std, [ok, no, no, no, no]),
        ("main Main key", &main_main, [ok, no, ok, ok, ok]),
        ("sub token", &sub, [no, ok, ok, no, ok]),
        ("sub key", &sub_key, [no, ok, no, no, no]),
        ("sibling's key", &sibling_key, [no; 5]),
        ("deleted key", &deleted, [no; 5]),
        ("closed account's key", &closed_key, [no; 5]),
    ];
    for (name, creds, expect) in rows {
        let outcomes = [
            srv.get(
                &format!("/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json", m.sid),
                creds,
            )
            .await,
            srv.get(
                &format!("/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json", sub.sid),
                creds,
            )
            .await,
            srv.get("/2010-04-01/Accounts.json", creds).await,
            srv.get(&format!("/2010-04-01/Accounts/{}/Keys.json", m.sid), creds)
                .await,
            srv.post(
                &account_path(&sub.sid),
                creds,
                &[("FriendlyName", "renamed")],
            )
            .await,
        ];
        for (i, (r, want)) in outcomes.iter().zip(expect).enumerate() {
            if want {
                assert_eq!(r.status, StatusCode::OK, "{name}, target {i}: {}", r.body);
            } else {
                assert_eq!(
                    (r.status, r.code()),
                    (StatusCode::UNAUTHORIZED, 20003),
                    "{name}, target {i}"
                );
            }
        }
    }
    // Column six: the main account's TaskRouter Workspace. The credentials decide the
    // account: the main account's own credentials see it; a subaccount's credentials look in
    // their own account and find nothing (20404); dead credentials are 20003.
    let ws = srv
        .post(
            "/taskrouter/v1/Workspaces",
            &m,
            &[("FriendlyName", "main ws")],
        )
        .await
        .body;
    let ws_path = format!("/taskrouter/v1/Workspaces/{}", ws["sid"].as_str().unwrap());
    let expect_ws: [(&str, &Creds, u16); 8] = [
        ("main token", &m, 200),
        ("main Standard key", &main_std, 200),
        ("main Main key", &main_main, 200),
        ("sub token", &sub, 404),
        ("sub key", &sub_key, 404),
        ("sibling's key", &sibling_key, 404),
        ("deleted key", &deleted, 401),
        ("closed account's key", &closed_key, 401),
    ];
    for (name, creds, status) in expect_ws {
        let r = srv.get(&ws_path, creds).await;
        assert_eq!(
            r.status.as_u16(),
            status,
            "{name} on the main account's workspace: {}",
            r.body
        );
    }

    // The Main key lists the tree; the subaccount's token only itself.
    let tree = srv.get("/2010-04-01/Accounts.json", &main_main).await.body;
    assert_eq!(
        tree["accounts"].as_array().unwrap().len(),
        4,
        "main and its three subaccounts"
    );
    let own = srv.get("/2010-04-01/Accounts.json", &sub).await.body;
    assert_eq!(own["accounts"].as_array().unwrap().len(), 1);
    // A Main key may create subaccounts and change their status; a Standard key may not.
    let r = srv
        .post(
            "/2010-04-01/Accounts.json",
            &main_main,
            &[("FriendlyName", "by key")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        srv.post("/2010-04-01/Accounts.json", &main_std, &[])
            .await
            .code(),
        20003
    );
    assert_eq!(
        srv.set_status(&main_main, &sibling.sid, "suspended")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        srv.set_status(&main_std, &sibling.sid, "active")
            .await
            .code(),
        20003
    );
    // A suspended account's key still reads.
    assert_eq!(
        srv.get(&account_path(&sibling.sid), &sibling_key)
            .await
            .status,
        StatusCode::OK
    );
}

crate::both_stores!(keys_resource, credential_matrix);
