//! AvailablePhoneNumbers, IncomingPhoneNumbers and Addresses over HTTP: search, buy,
//! configure, transfer, release, release at closure, monthly charges, and the refusals.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::harness::*;

fn numbers_path(account: &str) -> String {
    format!("/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json")
}

fn number_path(account: &str, sid: &str) -> String {
    format!("/2010-04-01/Accounts/{account}/IncomingPhoneNumbers/{sid}.json")
}

fn available(account: &str, rest: &str) -> String {
    format!("/2010-04-01/Accounts/{account}/AvailablePhoneNumbers/{rest}")
}

async fn buy(srv: &TestServer, creds: &Creds, account: &str, form: &[(&str, &str)]) -> Reply {
    srv.post(&numbers_path(account), creds, form).await
}

fn phone_numbers(page: &Value, key: &str) -> Vec<String> {
    page[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["phone_number"].as_str().unwrap().to_owned())
        .collect()
}

async fn address(
    srv: &TestServer,
    creds: &Creds,
    account: &str,
    country: &str,
    postal: &str,
) -> String {
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{account}/Addresses.json"),
            creds,
            &[
                ("CustomerName", "Acme"),
                ("Street", "1 Main St"),
                ("City", "Town"),
                ("Region", "XX"),
                ("PostalCode", postal),
                ("IsoCountry", country),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["sid"].as_str().unwrap().to_owned()
}

async fn countries_and_searches(srv: &TestServer) {
    let m = &srv.main;
    let r = srv
        .get(
            &format!("/2010-04-01/Accounts/{}/AvailablePhoneNumbers.json", m.sid),
            m,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let countries: Vec<&str> = r.body["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["country_code"].as_str().unwrap())
        .collect();
    assert_eq!(countries, ["AU", "CA", "FR", "DE", "GB", "US"]);
    let us = srv.get(&available(&m.sid, "US.json"), m).await;
    assert_eq!(us.body["country"], "United States");
    let subs = us.body["subresource_uris"].as_object().unwrap();
    assert_eq!(subs.keys().collect::<Vec<_>>(), ["local", "toll_free"]);
    assert_eq!(
        srv.get(&available(&m.sid, "ZZ.json"), m).await.code(),
        20404
    );
    assert_eq!(
        srv.get(&available(&m.sid, "US/Mobile.json"), m)
            .await
            .code(),
        20404
    );

    let r = srv
        .get(&available(&m.sid, "US/Local.json?AreaCode=510"), m)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = r.body["available_phone_numbers"].as_array().unwrap();
    assert_eq!(list.len(), 25);
    let first = &list[0];
    assert_eq!(first.as_object().unwrap().len(), 13);
    assert!(first["phone_number"].as_str().unwrap().starts_with("+1510"));
    assert_eq!(
        (first["locality"].as_str(), first["region"].as_str()),
        (Some("Oakland"), Some("CA"))
    );
    assert_eq!(
        (first["postal_code"].as_str(), first["iso_country"].as_str()),
        (Some("94612"), Some("US"))
    );
    assert_eq!(first["capabilities"]["sms"], true);
    assert!(first["friendly_name"]
        .as_str()
        .unwrap()
        .starts_with("(510) "));

    let r = srv
        .get(
            &available(&m.sid, "US/Local.json?InRegion=NY&PageSize=5"),
            m,
        )
        .await;
    assert_eq!(
        r.body["available_phone_numbers"].as_array().unwrap().len(),
        5
    );
    let r = srv
        .get(&available(&m.sid, "GB/Local.json?SmsEnabled=true"), m)
        .await;
    assert!(r.body["available_phone_numbers"]
        .as_array()
        .unwrap()
        .is_empty());
    let r = srv
        .get(
            &available(&m.sid, "DE/Local.json?ExcludeAllAddressRequired=true"),
            m,
        )
        .await;
    assert!(r.body["available_phone_numbers"]
        .as_array()
        .unwrap()
        .is_empty());
    let r = srv
        .get(&available(&m.sid, "GB/Mobile.json?Contains=%2B447*"), m)
        .await;
    assert!(phone_numbers(&r.body, "available_phone_numbers")
        .iter()
        .all(|n| n.starts_with("+447")));
    let r = srv
        .get(
            &available(
                &m.sid,
                "US/Local.json?InLocality=Oakland&NearLatLong=37.77,-122.42&Distance=20",
            ),
            m,
        )
        .await;
    assert_eq!(
        r.body["available_phone_numbers"].as_array().unwrap().len(),
        25
    );
    assert_eq!(
        srv.get(&available(&m.sid, "US/Local.json?AreaCode=5x0"), m)
            .await
            .code(),
        21451
    );
    assert_eq!(
        srv.get(&available(&m.sid, "US/Local.json?Contains=1"), m)
            .await
            .code(),
        20422
    );
    assert_eq!(
        srv.get(&available(&m.sid, "US/Local.json?SmsEnabled=maybe"), m)
            .await
            .code(),
        20422
    );

    // A bought number is offered no more; a released one is offered again.
    let target = phone_numbers(
        &srv.get(
            &available(&m.sid, "US/Local.json?AreaCode=212&PageSize=1"),
            m,
        )
        .await
        .body,
        "available_phone_numbers",
    )[0]
    .clone();
    let bought = buy(srv, m, &m.sid, &[("PhoneNumber", &target)]).await;
    assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
    let r = srv
        .get(&available(&m.sid, "US/Local.json?AreaCode=212"), m)
        .await;
    assert!(!phone_numbers(&r.body, "available_phone_numbers").contains(&target));
    let sid = bought.body["sid"].as_str().unwrap();
    let r = srv
        .request(Method::DELETE, &number_path(&m.sid, sid), Some(m), &[])
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = srv
        .get(&available(&m.sid, "US/Local.json?AreaCode=212"), m)
        .await;
    assert!(phone_numbers(&r.body, "available_phone_numbers").contains(&target));
}

async fn purchases_and_magic_numbers(srv: &TestServer) {
    let m = &srv.main;
    let r = buy(
        srv,
        m,
        &m.sid,
        &[("AreaCode", "510"), ("FriendlyName", "Sales")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let n = &r.body;
    assert_eq!(n.as_object().unwrap().len(), 35);
    assert!(n["sid"].as_str().unwrap().starts_with("PN"));
    assert!(n["phone_number"].as_str().unwrap().starts_with("+1510"));
    assert_eq!(
        (
            n["friendly_name"].as_str(),
            n["status"].as_str(),
            n["type"].as_str()
        ),
        (Some("Sales"), Some("in-use"), Some("local"))
    );
    assert_eq!(
        (n["origin"].as_str(), n["api_version"].as_str()),
        (Some("twilio"), Some("2010-04-01"))
    );
    assert_eq!(
        n["capabilities"],
        serde_json::json!({"mms": true, "sms": true, "voice": true, "fax": true})
    );
    assert_eq!(
        (n["voice_method"].as_str(), n["sms_url"].as_str()),
        (Some("POST"), Some(""))
    );
    assert!(n["voice_url"].is_null());
    assert_eq!(n["date_created"], "Thu, 30 Jul 2015 20:00:00 +0000");
    let charges = srv.store.charges(&m.sid).await.unwrap();
    assert_eq!(
        (
            charges.len(),
            charges[0].amount.as_str(),
            charges[0].category.as_str()
        ),
        (1, "1.15", "phonenumbers")
    );

    // Twilio's magic purchase values.
    let r = buy(srv, m, &m.sid, &[("PhoneNumber", "+15005550006")]).await;
    assert_eq!(
        (r.status, r.body["friendly_name"].as_str()),
        (StatusCode::CREATED, Some("(500) 555-0006"))
    );
    assert_eq!(
        buy(srv, m, &m.sid, &[("PhoneNumber", "+15005550000")])
            .await
            .code(),
        21422
    );
    assert_eq!(
        buy(srv, m, &m.sid, &[("PhoneNumber", "+15005550001")])
            .await
            .code(),
        21421
    );
    assert_eq!(
        buy(srv, m, &m.sid, &[("AreaCode", "533")]).await.code(),
        21452
    );
    assert_eq!(
        buy(srv, m, &m.sid, &[("AreaCode", "500")]).await.code(),
        21452,
        "the one 500 number is owned now"
    );
    // Invalid, valid but not offered, owned, missing.
    assert_eq!(
        buy(srv, m, &m.sid, &[("PhoneNumber", "+1234")])
            .await
            .code(),
        21421
    );
    assert_eq!(
        buy(srv, m, &m.sid, &[("PhoneNumber", "+14155552671")])
            .await
            .code(),
        21422
    );
    let owned = n["phone_number"].as_str().unwrap();
    assert_eq!(
        buy(srv, m, &m.sid, &[("PhoneNumber", owned)]).await.code(),
        21422
    );
    assert_eq!(buy(srv, m, &m.sid, &[]).await.code(), 21421);
    // The typed sub-lists buy only their own type.
    let tf = phone_numbers(
        &srv.get(&available(&m.sid, "US/TollFree.json?PageSize=1"), m)
            .await
            .body,
        "available_phone_numbers",
    )[0]
    .clone();
    let local_path = format!(
        "/2010-04-01/Accounts/{}/IncomingPhoneNumbers/Local.json",
        m.sid
    );
    assert_eq!(
        srv.post(&local_path, m, &[("PhoneNumber", &tf)])
            .await
            .code(),
        21422
    );
    let tf_path = format!(
        "/2010-04-01/Accounts/{}/IncomingPhoneNumbers/TollFree.json",
        m.sid
    );
    let r = srv.post(&tf_path, m, &[("PhoneNumber", &tf)]).await;
    assert_eq!(
        (r.status, r.body["type"].as_str()),
        (StatusCode::CREATED, Some("toll-free"))
    );
    assert_eq!(
        srv.get(&tf_path, m).await.body["incoming_phone_numbers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        srv.get(&local_path, m).await.body["incoming_phone_numbers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Configuration on purchase is validated too, and nothing is bought on refusal.
    let before = srv.get(&numbers_path(&m.sid), m).await.body["incoming_phone_numbers"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        buy(
            srv,
            m,
            &m.sid,
            &[("AreaCode", "415"), ("VoiceUrl", "not a url")]
        )
        .await
        .code(),
        21205
    );
    assert_eq!(
        buy(
            srv,
            m,
            &m.sid,
            &[("AreaCode", "415"), ("VoiceMethod", "PUT")]
        )
        .await
        .code(),
        20422
    );
    let after = srv.get(&numbers_path(&m.sid), m).await.body["incoming_phone_numbers"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
}

async fn configure_list_and_scope(srv: &TestServer) {
    let m = &srv.main;
    let sub = srv.subaccount(m, "customer").await;
    let a = buy(srv, m, &m.sid, &[("AreaCode", "415")]).await.body;
    let b = buy(srv, m, &m.sid, &[("AreaCode", "212")]).await.body;
    let sid = a["sid"].as_str().unwrap();
    let r = srv
        .post(
            &number_path(&m.sid, sid),
            m,
            &[
                ("VoiceUrl", "https://app.example.com/voice"),
                ("VoiceMethod", "GET"),
                ("SmsUrl", "https://app.example.com/sms"),
                ("FriendlyName", "Front desk"),
                ("StatusCallback", "https://app.example.com/status"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (
            r.body["voice_url"].as_str(),
            r.body["voice_method"].as_str()
        ),
        (Some("https://app.example.com/voice"), Some("GET"))
    );
    assert_eq!(r.body["friendly_name"], "Front desk");
    assert_eq!(
        srv.get(&number_path(&m.sid, sid), m).await.body["sms_url"],
        "https://app.example.com/sms"
    );
    assert_eq!(
        srv.post(&number_path(&m.sid, sid), m, &[("SmsUrl", "ftp://x")])
            .await
            .code(),
        21205
    );
    assert_eq!(
        srv.post(&number_path(&m.sid, sid), m, &[("EmergencyStatus", "on")])
            .await
            .code(),
        20422
    );

    let q = |f: &str| format!("{}?{f}", numbers_path(&m.sid));
    let digits = &a["phone_number"].as_str().unwrap()[2..8];
    assert_eq!(
        phone_numbers(
            &srv.get(&q(&format!("PhoneNumber={digits}")), m).await.body,
            "incoming_phone_numbers"
        ),
        [a["phone_number"].as_str().unwrap()]
    );
    assert_eq!(
        phone_numbers(
            &srv.get(&q("FriendlyName=Front+desk"), m).await.body,
            "incoming_phone_numbers"
        )
        .len(),
        1
    );
    assert_eq!(
        phone_numbers(
            &srv.get(&q("Origin=hosted"), m).await.body,
            "incoming_phone_numbers"
        )
        .len(),
        0
    );
    assert_eq!(
        phone_numbers(
            &srv.get(&q("Beta=false"), m).await.body,
            "incoming_phone_numbers"
        )
        .len(),
        2
    );

    // Tenancy: a subaccount cannot see its parent's numbers, and numbers are found under
    // their owner's path only.
    assert_eq!(srv.get(&numbers_path(&m.sid), &sub).await.code(), 20003);
    assert_eq!(srv.get(&number_path(&sub.sid, sid), m).await.code(), 20404);
    assert!(
        srv.get(&numbers_path(&sub.sid), &sub).await.body["incoming_phone_numbers"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let bsid = b["sid"].as_str().unwrap();
    assert_eq!(
        srv.request(
            Method::DELETE,
            &number_path(&sub.sid, bsid),
            Some(&sub),
            &[]
        )
        .await
        .code(),
        20404
    );
}

async fn transfers_between_main_and_subaccounts(srv: &TestServer) {
    let m = &srv.main;
    let s1 = srv.subaccount(m, "one").await;
    let s2 = srv.subaccount(m, "two").await;
    let n = buy(
        srv,
        m,
        &m.sid,
        &[
            ("AreaCode", "617"),
            ("VoiceUrl", "https://app.example.com/v"),
        ],
    )
    .await
    .body;
    let sid = n["sid"].as_str().unwrap();

    let r = srv
        .post(&number_path(&m.sid, sid), m, &[("AccountSid", &s1.sid)])
        .await;
    assert_eq!(
        (r.status, r.body["account_sid"].as_str()),
        (StatusCode::OK, Some(s1.sid.as_str()))
    );
    assert_eq!(r.body["voice_url"], "https://app.example.com/v");
    assert_eq!(r.body["uri"], number_path(&s1.sid, sid));
    assert!(
        srv.get(&numbers_path(&m.sid), m).await.body["incoming_phone_numbers"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        srv.get(&numbers_path(&s1.sid), &s1).await.body["incoming_phone_numbers"][0]["sid"],
        sid
    );
    // Subaccount credentials may not transfer, even their own number.
    let r = srv
        .post(&number_path(&s1.sid, sid), &s1, &[("AccountSid", &s2.sid)])
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, 21474));
    // Sub to sub, then back to main, with main credentials at the owner's path.
    let r = srv
        .post(&number_path(&s1.sid, sid), m, &[("AccountSid", &s2.sid)])
        .await;
    assert_eq!(r.body["account_sid"], s2.sid.as_str());
    let stranger = srv.other_main().await;
    assert_eq!(
        srv.post(
            &number_path(&s2.sid, sid),
            m,
            &[("AccountSid", &stranger.sid)]
        )
        .await
        .code(),
        21473
    );
    assert_eq!(
        srv.post(
            &number_path(&s2.sid, sid),
            m,
            &[("AccountSid", "ACnotasid")]
        )
        .await
        .code(),
        21473
    );
    srv.set_status(m, &s1.sid, "suspended").await;
    assert_eq!(
        srv.post(&number_path(&s2.sid, sid), m, &[("AccountSid", &s1.sid)])
            .await
            .code(),
        21472
    );
    let r = srv
        .post(&number_path(&s2.sid, sid), m, &[("AccountSid", &m.sid)])
        .await;
    assert_eq!(
        (r.body["account_sid"].as_str(), r.body["sid"].as_str()),
        (Some(m.sid.as_str()), Some(sid))
    );

    // Address requirements: a German local number needs a German address at its target.
    let m_de = address(srv, m, &m.sid, "DE", "10115").await;
    let de_num = phone_numbers(
        &srv.get(&available(&m.sid, "DE/Local.json?PageSize=1"), m)
            .await
            .body,
        "available_phone_numbers",
    )[0]
    .clone();
    assert_eq!(
        buy(srv, m, &m.sid, &[("PhoneNumber", &de_num)])
            .await
            .code(),
        21631
    );
    let de = buy(
        srv,
        m,
        &m.sid,
        &[("PhoneNumber", &de_num), ("AddressSid", &m_de)],
    )
    .await;
    assert_eq!(
        (de.status, de.body["address_requirements"].as_str()),
        (StatusCode::CREATED, Some("local"))
    );
    let de_sid = de.body["sid"].as_str().unwrap();
    let r = srv
        .post(&number_path(&m.sid, de_sid), m, &[("AccountSid", &s2.sid)])
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, 21631));
    assert_eq!(
        srv.get(&number_path(&m.sid, de_sid), m).await.status,
        StatusCode::OK,
        "nothing moved"
    );
    let s2_de = address(srv, &s2, &s2.sid, "DE", "80331").await;
    let r = srv
        .post(&number_path(&m.sid, de_sid), m, &[("AccountSid", &s2.sid)])
        .await;
    assert_eq!(
        (r.status, r.body["address_sid"].as_str()),
        (StatusCode::OK, Some(s2_de.as_str()))
    );
}

async fn closing_releases_and_months_are_charged(srv: &TestServer) {
    let m = &srv.main;
    let s = srv.subaccount(m, "leaving").await;
    let n = buy(srv, &s, &s.sid, &[("AreaCode", "303")]).await.body;
    let e164 = n["phone_number"].as_str().unwrap().to_owned();
    srv.set_status(m, &s.sid, "suspended").await;
    assert_eq!(
        srv.get(&numbers_path(&s.sid), m).await.body["incoming_phone_numbers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A suspended account cannot buy.
    assert_eq!(
        buy(srv, m, &s.sid, &[("AreaCode", "303")]).await.code(),
        10001
    );
    let r = srv.advance_days(31).await;
    assert_eq!(
        r.body["ran"]["number_charges"], 1,
        "suspended accounts pay for numbers"
    );
    assert_eq!(srv.store.charges(&s.sid).await.unwrap().len(), 2);
    srv.set_status(m, &s.sid, "active").await;
    srv.set_status(m, &s.sid, "closed").await;
    assert!(
        srv.get(&numbers_path(&s.sid), m).await.body["incoming_phone_numbers"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let r = srv
        .get(&available(&m.sid, "US/Local.json?AreaCode=303"), m)
        .await;
    assert!(
        phone_numbers(&r.body, "available_phone_numbers").contains(&e164),
        "back in the inventory"
    );
    let r = srv.advance_days(31).await;
    assert_eq!(
        r.body["ran"]["number_charges"], 0,
        "closed accounts pay nothing more"
    );
}

async fn addresses_are_validated_and_guarded(srv: &TestServer) {
    let m = &srv.main;
    let path = format!("/2010-04-01/Accounts/{}/Addresses.json", m.sid);
    let full = [
        ("CustomerName", "Acme"),
        ("Street", "1 Main St"),
        ("City", "Berlin"),
        ("Region", "BE"),
        ("PostalCode", "10115"),
        ("IsoCountry", "DE"),
    ];
    let r = srv.post(&path, m, &full).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body.as_object().unwrap().len(), 16);
    assert_eq!(
        (
            r.body["validated"].as_bool(),
            r.body["iso_country"].as_str()
        ),
        (Some(true), Some("DE"))
    );
    let ad = r.body["sid"].as_str().unwrap().to_owned();
    for (i, bad) in [
        ("PostalCode", "1011"),
        ("IsoCountry", "XX"),
        ("CustomerName", ""),
    ]
    .iter()
    .enumerate()
    {
        let form: Vec<_> = full
            .iter()
            .map(|(k, v)| if *k == bad.0 { (*k, bad.1) } else { (*k, *v) })
            .collect();
        assert_eq!(srv.post(&path, m, &form).await.code(), 21628, "case {i}");
    }
    assert_eq!(
        srv.post(&path, m, &full[..5]).await.code(),
        21628,
        "IsoCountry missing"
    );
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/Addresses/{ad}.json", m.sid),
            m,
            &[("Street", "2 Side St"), ("FriendlyName", "HQ")],
        )
        .await;
    assert_eq!(
        (r.body["street"].as_str(), r.body["friendly_name"].as_str()),
        (Some("2 Side St"), Some("HQ"))
    );
    let r = srv
        .post(
            &format!("/2010-04-01/Accounts/{}/Addresses/{ad}.json", m.sid),
            m,
            &[("PostalCode", "ABC")],
        )
        .await;
    assert_eq!(r.code(), 21628);
    assert_eq!(
        srv.get(&format!("{path}?IsoCountry=DE"), m).await.body["addresses"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        srv.get(&format!("{path}?IsoCountry=US"), m).await.body["addresses"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let de_num = phone_numbers(
        &srv.get(&available(&m.sid, "DE/Local.json?PageSize=1"), m)
            .await
            .body,
        "available_phone_numbers",
    )[0]
    .clone();
    let n = buy(
        srv,
        m,
        &m.sid,
        &[("PhoneNumber", &de_num), ("AddressSid", &ad)],
    )
    .await
    .body;
    let deps = srv
        .get(
            &format!(
                "/2010-04-01/Accounts/{}/Addresses/{ad}/DependentPhoneNumbers.json",
                m.sid
            ),
            m,
        )
        .await;
    assert_eq!(deps.body["dependent_phone_numbers"][0]["sid"], n["sid"]);
    assert_eq!(
        deps.body["dependent_phone_numbers"][0]
            .as_object()
            .unwrap()
            .len(),
        26
    );
    let del = format!("/2010-04-01/Accounts/{}/Addresses/{ad}.json", m.sid);
    assert_eq!(
        srv.request(Method::DELETE, &del, Some(m), &[]).await.code(),
        21631
    );
    srv.request(
        Method::DELETE,
        &number_path(&m.sid, n["sid"].as_str().unwrap()),
        Some(m),
        &[],
    )
    .await;
    assert_eq!(
        srv.request(Method::DELETE, &del, Some(m), &[]).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(srv.get(&del, m).await.code(), 20404);
    // Another account's address is unknown here.
    let sub = srv.subaccount(m, "s").await;
    let sub_ad = address(srv, &sub, &sub.sid, "US", "94103").await;
    let us = buy(srv, m, &m.sid, &[("AreaCode", "415")]).await.body;
    let r = srv
        .post(
            &number_path(&m.sid, us["sid"].as_str().unwrap()),
            m,
            &[("AddressSid", &sub_ad)],
        )
        .await;
    assert_eq!(r.code(), 20422);
}

crate::both_stores!(
    countries_and_searches,
    purchases_and_magic_numbers,
    configure_list_and_scope,
    transfers_between_main_and_subaccounts,
    closing_releases_and_months_are_charged,
    addresses_are_validated_and_guarded,
);
