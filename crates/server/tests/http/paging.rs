//! Paging: PageSize/Page/PageToken, following next and previous links, and refusals.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::*;

fn sids(page: &Value) -> Vec<String> {
    page["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["sid"].as_str().unwrap().into())
        .collect()
}

async fn next_and_previous_links_walk_every_account_once(srv: &TestServer) {
    for i in 0..6 {
        srv.subaccount(&srv.main, &format!("s{i}")).await;
    }
    let full = srv.get("/2010-04-01/Accounts.json", &srv.main).await;
    let expected = sids(&full.body);
    assert_eq!(expected.len(), 7);

    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let mut next = Some("/2010-04-01/Accounts.json?PageSize=3".to_string());
    while let Some(uri) = next {
        let p = srv.get(&uri, &srv.main).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert_eq!(p.body["page_size"], 3);
        assert_eq!(p.body["page"], pages.len());
        assert_eq!(p.body["start"], pages.len() * 3);
        seen.extend(sids(&p.body));
        assert_eq!(p.body["end"], seen.len() - 1);
        next = p.body["next_page_uri"].as_str().map(str::to_owned);
        pages.push(p.body);
    }
    assert_eq!(seen, expected);
    assert_eq!(pages.len(), 3);
    assert!(pages[0]["previous_page_uri"].is_null());
    // Walk back from the last page.
    let prev = pages[2]["previous_page_uri"].as_str().unwrap();
    assert!(prev.contains("PageToken=PB"), "{prev}");
    let back = srv.get(prev, &srv.main).await;
    assert_eq!(sids(&back.body), sids(&pages[1]));
    assert_eq!(back.body["page"], 1);
    let back = srv
        .get(back.body["previous_page_uri"].as_str().unwrap(), &srv.main)
        .await;
    assert_eq!(sids(&back.body), sids(&pages[0]));
    assert!(back.body["previous_page_uri"].is_null());
}

async fn an_empty_list_has_the_empty_envelope(srv: &TestServer) {
    let p = srv
        .get("/2010-04-01/Accounts.json?FriendlyName=nobody", &srv.main)
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(p.body["accounts"], serde_json::json!([]));
    assert_eq!(
        (p.body["start"].as_i64(), p.body["end"].as_i64()),
        (Some(0), Some(0))
    );
    assert!(p.body["next_page_uri"].is_null() && p.body["previous_page_uri"].is_null());
    let keys: Vec<_> = p.body.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys.len(), 9, "{keys:?}");
}

async fn malformed_paging_parameters_are_400(srv: &TestServer) {
    for (q, code) in [
        ("PageSize=1001", 20007),
        ("PageSize=0", 20422),
        ("PageSize=ten", 20422),
        ("Page=-2", 20422),
        ("PageToken=garbage", 21481),
        ("PageToken=PA", 21481),
    ] {
        let r = srv
            .get(&format!("/2010-04-01/Accounts.json?{q}"), &srv.main)
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, code), "{q}");
    }
    let r = srv
        .get("/2010-04-01/Accounts.json?PageSize=1000", &srv.main)
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

crate::both_stores!(
    next_and_previous_links_walk_every_account_once,
    an_empty_list_has_the_empty_envelope,
    malformed_paging_parameters_are_400,
);
