//! One store test suite, run against every implementation (`store_suite!` in each store
//! crate's tests). Each case gets a fresh, empty store.

use crate::*;
use switchboard_wire::page::Cursor;

const DAY: i64 = 86_400_000;

pub fn main_account(now: i64) -> NewMainAccount {
    NewMainAccount {
        sid: None,
        auth_token: None,
        friendly_name: "Main".into(),
        account_type: AccountType::Full,
        subaccount_limit: DEFAULT_SUBACCOUNT_LIMIT,
        auto_delete_closed: true,
        now,
    }
}

fn sub(owner: &str, name: &str, now: i64) -> NewSubaccount {
    NewSubaccount {
        owner_sid: owner.into(),
        friendly_name: name.into(),
        now,
    }
}

fn tree(main: &str) -> AccountListQuery {
    AccountListQuery {
        tree_sid: main.into(),
        only_sid: None,
        friendly_name: None,
        status: None,
    }
}

fn set_status(status: AccountStatus, now: i64) -> AccountUpdate {
    AccountUpdate {
        friendly_name: None,
        status: Some(status),
        now,
    }
}

fn rule(r: Result<AccountRecord>) -> RuleViolation {
    match r {
        Err(StoreError::Rule(v)) => v,
        other => panic!("expected a rule violation, got {other:?}"),
    }
}

pub async fn main_account_keeps_fixed_credentials(store: &dyn Store) {
    assert_eq!(store.count_accounts().await.unwrap(), 0);
    let sid = format!("AC{}", "1".repeat(32));
    let token = "a".repeat(32);
    let created = store
        .create_main_account(NewMainAccount {
            sid: Some(sid.clone()),
            auth_token: Some(token.clone()),
            ..main_account(1000)
        })
        .await
        .unwrap();
    assert_eq!(created.sid, sid);
    let fetched = store.account(&sid).await.unwrap().unwrap();
    assert_eq!(fetched, created);
    assert_eq!(fetched.auth_token, token);
    assert!(fetched.is_main());
    assert_eq!(fetched.date_created, 1000);
    assert_eq!(store.count_accounts().await.unwrap(), 1);
    assert!(store
        .account(&format!("AC{}", "2".repeat(32)))
        .await
        .unwrap()
        .is_none());
    // The same SID twice is a conflict, not a second row.
    let again = store
        .create_main_account(NewMainAccount {
            sid: Some(sid),
            ..main_account(2000)
        })
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
}

pub async fn subaccounts_are_listed_with_their_tree(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let other = store.create_main_account(main_account(0)).await.unwrap();
    let a = store
        .create_subaccount(sub(&main.sid, "alpha", 1))
        .await
        .unwrap();
    let b = store
        .create_subaccount(sub(&main.sid, "beta", 2))
        .await
        .unwrap();
    store
        .create_subaccount(sub(&other.sid, "alpha", 3))
        .await
        .unwrap();
    assert_eq!(a.owner_sid.as_deref(), Some(main.sid.as_str()));
    assert_eq!(a.parent_status, Some(AccountStatus::Active));
    assert_eq!(a.friendly_name, "alpha");
    assert_eq!(
        store.account(&a.sid).await.unwrap().as_ref(),
        Some(&a),
        "created = stored"
    );

    let page = store
        .list_accounts(&tree(&main.sid), PageRequest::first(50))
        .await
        .unwrap();
    let sids: Vec<_> = page.items.iter().map(|r| r.sid.clone()).collect();
    assert_eq!(sids, vec![main.sid.clone(), a.sid.clone(), b.sid.clone()]);
    assert!(!page.has_next && !page.has_previous);

    let q = AccountListQuery {
        friendly_name: Some("beta".into()),
        ..tree(&main.sid)
    };
    let page = store
        .list_accounts(&q, PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].sid, b.sid);

    let q = AccountListQuery {
        only_sid: Some(a.sid.clone()),
        ..tree(&main.sid)
    };
    let page = store
        .list_accounts(&q, PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].sid, a.sid);

    let mains = store
        .list_main_accounts(PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(mains.items.len(), 2);
}

pub async fn subaccounts_cannot_own_subaccounts(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let a = store
        .create_subaccount(sub(&main.sid, "a", 1))
        .await
        .unwrap();
    let r = store.create_subaccount(sub(&a.sid, "nested", 2)).await;
    assert_eq!(rule(r), RuleViolation::SubaccountCannotOwn);
    let r = store
        .create_subaccount(sub(&format!("AC{}", "9".repeat(32)), "x", 2))
        .await;
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
}

pub async fn the_subaccount_limit_holds_under_concurrent_creates(store: &dyn Store) {
    let main = store
        .create_main_account(NewMainAccount {
            subaccount_limit: 5,
            ..main_account(0)
        })
        .await
        .unwrap();
    let creates = (0..24).map(|i| store.create_subaccount(sub(&main.sid, &format!("s{i}"), i)));
    let results = futures_util::future::join_all(creates).await;
    let ok: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(ok.len(), 5);
    for r in &results {
        if let Err(e) = r {
            assert!(
                matches!(e, StoreError::Rule(RuleViolation::SubaccountLimit)),
                "{e:?}"
            );
        }
    }
    // Closed subaccounts do not count against the limit.
    let victim = ok[0].sid.clone();
    store
        .update_account(&victim, set_status(AccountStatus::Closed, 50))
        .await
        .unwrap();
    store
        .create_subaccount(sub(&main.sid, "after-close", 60))
        .await
        .unwrap();
    let r = store.create_subaccount(sub(&main.sid, "over", 61)).await;
    assert_eq!(rule(r), RuleViolation::SubaccountLimit);
    // The operator raises the limit.
    store
        .operator_update_account(
            &main.sid,
            OperatorUpdate {
                subaccount_limit: Some(6),
                now: 70,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    store
        .create_subaccount(sub(&main.sid, "raised", 71))
        .await
        .unwrap();
}

pub async fn status_changes_follow_the_rules(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let a = store
        .create_subaccount(sub(&main.sid, "a", 1))
        .await
        .unwrap();

    let s = store
        .update_account(&a.sid, set_status(AccountStatus::Suspended, 10))
        .await
        .unwrap();
    assert_eq!(s.status, AccountStatus::Suspended);
    assert_eq!(s.date_updated, 10);
    let s = store
        .update_account(&a.sid, set_status(AccountStatus::Active, 20))
        .await
        .unwrap();
    assert_eq!(s.status, AccountStatus::Active);
    assert_eq!(s.closed_at, None);

    let renamed = store
        .update_account(
            &a.sid,
            AccountUpdate {
                friendly_name: Some("renamed".into()),
                status: None,
                now: 25,
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.friendly_name, "renamed");
    assert_eq!(renamed.status, AccountStatus::Active);

    let c = store
        .update_account(&a.sid, set_status(AccountStatus::Closed, 30))
        .await
        .unwrap();
    assert_eq!(c.status, AccountStatus::Closed);
    assert_eq!(c.closed_at, Some(30));
    let r = store
        .update_account(&a.sid, set_status(AccountStatus::Active, 40))
        .await;
    assert_eq!(rule(r), RuleViolation::AccountClosed);
    let again = store
        .update_account(&a.sid, set_status(AccountStatus::Closed, 50))
        .await
        .unwrap();
    assert_eq!(again.closed_at, Some(30), "closure time is kept");

    let r = store
        .update_account(&main.sid, set_status(AccountStatus::Suspended, 60))
        .await;
    assert_eq!(rule(r), RuleViolation::MainAccountStatus);
    let r = store
        .update_account(
            &format!("AC{}", "9".repeat(32)),
            set_status(AccountStatus::Active, 1),
        )
        .await;
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
}

pub async fn a_suspended_main_account_suspends_its_tree(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let active = store
        .create_subaccount(sub(&main.sid, "active", 1))
        .await
        .unwrap();
    let suspended = store
        .create_subaccount(sub(&main.sid, "suspended", 2))
        .await
        .unwrap();
    let closed = store
        .create_subaccount(sub(&main.sid, "closed", 3))
        .await
        .unwrap();
    store
        .update_account(&suspended.sid, set_status(AccountStatus::Suspended, 4))
        .await
        .unwrap();
    store
        .update_account(&closed.sid, set_status(AccountStatus::Closed, 5))
        .await
        .unwrap();

    let suspend = OperatorUpdate {
        status: Some(AccountStatus::Suspended),
        now: 6,
        ..Default::default()
    };
    store
        .operator_update_account(&main.sid, suspend)
        .await
        .unwrap();

    let a = store.account(&active.sid).await.unwrap().unwrap();
    assert_eq!(a.effective_status(), AccountStatus::Suspended);
    let q = AccountListQuery {
        status: Some(AccountStatus::Suspended),
        ..tree(&main.sid)
    };
    let page = store
        .list_accounts(&q, PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(
        page.items.len(),
        3,
        "main and both open subaccounts report suspended"
    );
    let q = AccountListQuery {
        status: Some(AccountStatus::Active),
        ..tree(&main.sid)
    };
    assert!(store
        .list_accounts(&q, PageRequest::first(50))
        .await
        .unwrap()
        .items
        .is_empty());

    let r = store
        .update_account(&active.sid, set_status(AccountStatus::Closed, 7))
        .await;
    assert_eq!(rule(r), RuleViolation::ParentSuspended);
    let r = store.create_subaccount(sub(&main.sid, "new", 8)).await;
    assert_eq!(rule(r), RuleViolation::AccountNotActive);

    let reactivate = OperatorUpdate {
        status: Some(AccountStatus::Active),
        now: 9,
        ..Default::default()
    };
    store
        .operator_update_account(&main.sid, reactivate)
        .await
        .unwrap();
    let statuses: Vec<_> = [&active, &suspended, &closed]
        .iter()
        .map(|r| r.sid.clone())
        .collect();
    let mut back = Vec::new();
    for sid in statuses {
        back.push(
            store
                .account(&sid)
                .await
                .unwrap()
                .unwrap()
                .effective_status(),
        );
    }
    assert_eq!(
        back,
        vec![
            AccountStatus::Active,
            AccountStatus::Suspended,
            AccountStatus::Closed
        ]
    );
    // Operators act on main accounts only.
    let r = store
        .operator_update_account(
            &active.sid,
            OperatorUpdate {
                now: 10,
                ..Default::default()
            },
        )
        .await;
    assert_eq!(rule(r), RuleViolation::NotMainAccount);
}

pub async fn pages_move_both_ways_by_key(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    for i in 0..6 {
        store
            .create_subaccount(sub(&main.sid, &format!("s{i}"), i))
            .await
            .unwrap();
    }
    let q = tree(&main.sid);
    let p1 = store
        .list_accounts(&q, PageRequest::first(3))
        .await
        .unwrap();
    assert_eq!(p1.items.len(), 3);
    assert!(p1.has_next && !p1.has_previous);
    let p2 = store
        .list_accounts(
            &q,
            PageRequest {
                size: 3,
                cursor: Cursor::After(p1.last_key.unwrap()),
            },
        )
        .await
        .unwrap();
    assert_eq!(p2.items.len(), 3);
    assert!(p2.has_next && p2.has_previous);
    let p3 = store
        .list_accounts(
            &q,
            PageRequest {
                size: 3,
                cursor: Cursor::After(p2.last_key.unwrap()),
            },
        )
        .await
        .unwrap();
    assert_eq!(p3.items.len(), 1);
    assert!(!p3.has_next);
    let back = store
        .list_accounts(
            &q,
            PageRequest {
                size: 3,
                cursor: Cursor::Before(p3.first_key.unwrap()),
            },
        )
        .await
        .unwrap();
    assert_eq!(back.items, p2.items);
    let back = store
        .list_accounts(
            &q,
            PageRequest {
                size: 3,
                cursor: Cursor::Before(back.first_key.unwrap()),
            },
        )
        .await
        .unwrap();
    assert_eq!(back.items, p1.items);
    assert!(!back.has_previous);
    let all: Vec<i64> = p1
        .items
        .iter()
        .chain(&p2.items)
        .chain(&p3.items)
        .map(|r| r.seq)
        .collect();
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(all, sorted, "ascending, no repeats");
}

pub async fn closed_subaccounts_are_purged_after_retention(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let keeper = store
        .create_main_account(NewMainAccount {
            auto_delete_closed: false,
            ..main_account(0)
        })
        .await
        .unwrap();
    let doomed = store
        .create_subaccount(sub(&main.sid, "doomed", 1))
        .await
        .unwrap();
    let open = store
        .create_subaccount(sub(&main.sid, "open", 1))
        .await
        .unwrap();
    let kept = store
        .create_subaccount(sub(&keeper.sid, "kept", 1))
        .await
        .unwrap();
    store
        .update_account(&doomed.sid, set_status(AccountStatus::Closed, DAY))
        .await
        .unwrap();
    store
        .update_account(&kept.sid, set_status(AccountStatus::Closed, DAY))
        .await
        .unwrap();

    let n = store
        .purge_closed_subaccounts(DAY + 30 * DAY - 1, 30 * DAY)
        .await
        .unwrap();
    assert_eq!(n, 0, "one millisecond early");
    assert!(store.account(&doomed.sid).await.unwrap().is_some());
    let n = store
        .purge_closed_subaccounts(DAY + 30 * DAY, 30 * DAY)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert!(store.account(&doomed.sid).await.unwrap().is_none());
    assert!(store.account(&open.sid).await.unwrap().is_some());
    assert!(
        store.account(&kept.sid).await.unwrap().is_some(),
        "auto-deletion off"
    );

    // Turning auto-deletion on later deletes earlier closures too.
    let on = OperatorUpdate {
        auto_delete_closed: Some(true),
        now: 2,
        ..Default::default()
    };
    store
        .operator_update_account(&keeper.sid, on)
        .await
        .unwrap();
    assert_eq!(
        store
            .purge_closed_subaccounts(100 * DAY, 30 * DAY)
            .await
            .unwrap(),
        1
    );
    assert!(store.account(&kept.sid).await.unwrap().is_none());
}

fn new_number(
    account: &str,
    e164: &str,
    requirement: &str,
    country: &str,
    now: i64,
) -> NewPhoneNumber {
    NewPhoneNumber {
        account_sid: account.into(),
        phone_number: e164.into(),
        iso_country: country.into(),
        number_type: "local".into(),
        friendly_name: e164.into(),
        address_requirements: requirement.into(),
        beta: false,
        capabilities: NumberCapabilities {
            voice: true,
            sms: true,
            mms: false,
            fax: false,
        },
        config: NumberConfig::default(),
        monthly_price: "1.15".into(),
        now,
    }
}

fn address_fields(country: &str) -> AddressFields {
    AddressFields {
        customer_name: Some("Customer".into()),
        street: Some("1 Main St".into()),
        city: Some("Springfield".into()),
        region: Some("XX".into()),
        postal_code: Some("12345".into()),
        iso_country: Some(country.into()),
        ..Default::default()
    }
}

fn rule_of<T: std::fmt::Debug>(r: Result<T>) -> RuleViolation {
    match r {
        Err(StoreError::Rule(v)) => v,
        other => panic!("expected a rule violation, got {other:?}"),
    }
}

pub async fn numbers_have_one_owner(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let other = store.create_main_account(main_account(0)).await.unwrap();
    let n = store
        .purchase_number(new_number(&main.sid, "+14155550100", "none", "US", 10))
        .await
        .unwrap();
    assert!(n.sid.starts_with("PN") && n.sid.len() == 34);
    assert_eq!((n.status, n.months_charged), (NumberStatus::InUse, 1));
    assert_eq!(n.next_charge_at, rules::months_after(10, 1));
    assert_eq!(
        store.number(&main.sid, &n.sid).await.unwrap().as_ref(),
        Some(&n)
    );
    assert!(
        store.number(&other.sid, &n.sid).await.unwrap().is_none(),
        "scoped to its owner"
    );
    assert_eq!(
        store
            .number_by_e164("+14155550100")
            .await
            .unwrap()
            .unwrap()
            .sid,
        n.sid
    );
    let r = store
        .purchase_number(new_number(&other.sid, "+14155550100", "none", "US", 11))
        .await;
    assert_eq!(rule_of(r), RuleViolation::NumberUnavailable);
    // Concurrent purchases of one number: exactly one wins.
    let buys = (0..8)
        .map(|i| store.purchase_number(new_number(&other.sid, "+14155550199", "none", "US", i)));
    let results = futures_util::future::join_all(buys).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    let owned = store
        .owned_among(&[
            "+14155550100".into(),
            "+14155550199".into(),
            "+14155550111".into(),
        ])
        .await
        .unwrap();
    assert_eq!(owned.len(), 2);
    // Released numbers return to the pool and leave the owner's list.
    store.release_number(&main.sid, &n.sid, 20).await.unwrap();
    assert!(store.number(&main.sid, &n.sid).await.unwrap().is_none());
    assert!(store
        .owned_among(&["+14155550100".into()])
        .await
        .unwrap()
        .is_empty());
    let r = store.release_number(&main.sid, &n.sid, 21).await;
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    store
        .purchase_number(new_number(&other.sid, "+14155550100", "none", "US", 22))
        .await
        .unwrap();
    // Inactive accounts cannot buy.
    let sub = store
        .create_subaccount(sub(&main.sid, "s", 1))
        .await
        .unwrap();
    store
        .update_account(&sub.sid, set_status(AccountStatus::Suspended, 2))
        .await
        .unwrap();
    let r = store
        .purchase_number(new_number(&sub.sid, "+14155550122", "none", "US", 23))
        .await;
    assert_eq!(rule_of(r), RuleViolation::AccountNotActive);
}

pub async fn numbers_are_listed_filtered_and_updated(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    for (i, e164) in ["+14155550101", "+14155550102", "+12125550103"]
        .iter()
        .enumerate()
    {
        store
            .purchase_number(new_number(&main.sid, e164, "none", "US", i as i64))
            .await
            .unwrap();
    }
    let all = store
        .list_numbers(
            &main.sid,
            &NumberListQuery::default(),
            PageRequest::first(50),
        )
        .await
        .unwrap();
    assert_eq!(all.items.len(), 3);
    let q = NumberListQuery {
        phone_number: Some("415555*1*".into()),
        ..Default::default()
    };
    let found = store
        .list_numbers(&main.sid, &q, PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(found.items.len(), 2);
    let q = NumberListQuery {
        origin: Some("hosted".into()),
        ..Default::default()
    };
    assert!(store
        .list_numbers(&main.sid, &q, PageRequest::first(50))
        .await
        .unwrap()
        .items
        .is_empty());
    let q = NumberListQuery {
        number_type: Some("toll-free".into()),
        ..Default::default()
    };
    assert!(store
        .list_numbers(&main.sid, &q, PageRequest::first(50))
        .await
        .unwrap()
        .items
        .is_empty());

    let sid = all.items[0].sid.clone();
    let patch = NumberPatch {
        friendly_name: Some("Support line".into()),
        voice_url: Some("https://example.com/voice".into()),
        trunk_sid: Some(format!("TK{}", "1".repeat(32))),
        ..Default::default()
    };
    let n = store
        .update_number(&main.sid, &sid, patch, 50)
        .await
        .unwrap();
    assert_eq!(n.friendly_name, "Support line");
    assert_eq!(
        n.config.voice_url.as_deref(),
        Some("https://example.com/voice")
    );
    assert_eq!(n.date_updated, 50);
    let app = NumberPatch {
        voice_application_sid: Some(format!("AP{}", "2".repeat(32))),
        ..Default::default()
    };
    let n = store.update_number(&main.sid, &sid, app, 51).await.unwrap();
    assert!(
        n.config.trunk_sid.is_none(),
        "an application replaces the trunk"
    );
    let q = NumberListQuery {
        friendly_name: Some("Support line".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_numbers(&main.sid, &q, PageRequest::first(50))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let r = store
        .update_number(
            &main.sid,
            &sid,
            NumberPatch {
                address_sid: Some(format!("AD{}", "3".repeat(32))),
                ..Default::default()
            },
            52,
        )
        .await;
    assert_eq!(rule_of(r), RuleViolation::UnknownAddress);
}

pub async fn addresses_gate_purchases_and_deletion(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let de = store
        .create_address(&main.sid, address_fields("DE"), 1)
        .await
        .unwrap();
    let us = store
        .create_address(&main.sid, address_fields("US"), 2)
        .await
        .unwrap();
    assert!(de.sid.starts_with("AD") && de.validated);
    let r = store
        .purchase_number(new_number(&main.sid, "+493012345678", "local", "DE", 3))
        .await;
    assert_eq!(rule_of(r), RuleViolation::AddressRequired);
    let mut wrong = new_number(&main.sid, "+493012345678", "local", "DE", 3);
    wrong.config.address_sid = Some(us.sid.clone());
    assert_eq!(
        rule_of(store.purchase_number(wrong).await),
        RuleViolation::AddressRequired
    );
    let mut right = new_number(&main.sid, "+493012345678", "local", "DE", 3);
    right.config.address_sid = Some(de.sid.clone());
    let n = store.purchase_number(right).await.unwrap();
    assert_eq!(n.config.address_sid.as_deref(), Some(de.sid.as_str()));

    let deps = store
        .dependent_numbers(&main.sid, &de.sid, PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(deps.items.len(), 1);
    assert_eq!(
        rule_of(store.delete_address(&main.sid, &de.sid).await),
        RuleViolation::AddressInUse
    );
    store.delete_address(&main.sid, &us.sid).await.unwrap();
    assert!(store.address(&main.sid, &us.sid).await.unwrap().is_none());
    let fields = AddressFields {
        street: Some("2 Side St".into()),
        ..Default::default()
    };
    let updated = store
        .update_address(&main.sid, &de.sid, fields, 9)
        .await
        .unwrap();
    assert_eq!(
        (updated.street.as_str(), updated.iso_country.as_str()),
        ("2 Side St", "DE")
    );
    let q = AddressListQuery {
        iso_country: Some("DE".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_addresses(&main.sid, &q, PageRequest::first(50))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    store.release_number(&main.sid, &n.sid, 10).await.unwrap();
    store.delete_address(&main.sid, &de.sid).await.unwrap();
}

pub async fn transfers_move_numbers_within_a_tree(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let a = store
        .create_subaccount(sub(&main.sid, "a", 1))
        .await
        .unwrap();
    let b = store
        .create_subaccount(sub(&main.sid, "b", 1))
        .await
        .unwrap();
    let stranger = store.create_main_account(main_account(0)).await.unwrap();
    let mut new = new_number(&main.sid, "+14155550142", "none", "US", 2);
    new.config.voice_url = Some("https://example.com/v".into());
    let n = store.purchase_number(new).await.unwrap();

    let moved = store
        .transfer_number(&main.sid, &n.sid, &a.sid, NumberPatch::default(), 3)
        .await
        .unwrap();
    assert_eq!(
        (moved.sid.as_str(), moved.account_sid.as_str()),
        (n.sid.as_str(), a.sid.as_str())
    );
    assert_eq!(
        moved.config.voice_url, n.config.voice_url,
        "configuration moves with it"
    );
    assert!(store.number(&main.sid, &n.sid).await.unwrap().is_none());
    let moved = store
        .transfer_number(&a.sid, &n.sid, &b.sid, NumberPatch::default(), 4)
        .await
        .unwrap();
    assert_eq!(moved.account_sid, b.sid);
    let r = store
        .transfer_number(&b.sid, &n.sid, &stranger.sid, NumberPatch::default(), 5)
        .await;
    assert_eq!(rule_of(r), RuleViolation::TransferUnrelated);
    store
        .update_account(&a.sid, set_status(AccountStatus::Suspended, 6))
        .await
        .unwrap();
    let r = store
        .transfer_number(&b.sid, &n.sid, &a.sid, NumberPatch::default(), 7)
        .await;
    assert_eq!(rule_of(r), RuleViolation::TransferTargetInactive);
    assert_eq!(
        store
            .number(&b.sid, &n.sid)
            .await
            .unwrap()
            .unwrap()
            .account_sid,
        b.sid,
        "nothing moved"
    );

    // Address requirements: the target needs a satisfying address of its own.
    let mut de_new = new_number(&main.sid, "+493012345679", "local", "DE", 8);
    let main_de = store
        .create_address(&main.sid, address_fields("DE"), 8)
        .await
        .unwrap();
    de_new.config.address_sid = Some(main_de.sid.clone());
    let de = store.purchase_number(de_new).await.unwrap();
    let r = store
        .transfer_number(&main.sid, &de.sid, &b.sid, NumberPatch::default(), 9)
        .await;
    assert_eq!(rule_of(r), RuleViolation::AddressRequired);
    store
        .create_address(&b.sid, address_fields("FR"), 9)
        .await
        .unwrap();
    let r = store
        .transfer_number(&main.sid, &de.sid, &b.sid, NumberPatch::default(), 9)
        .await;
    assert_eq!(
        rule_of(r),
        RuleViolation::AddressRequired,
        "a French address is not local to DE"
    );
    let b_de = store
        .create_address(&b.sid, address_fields("DE"), 10)
        .await
        .unwrap();
    let moved = store
        .transfer_number(&main.sid, &de.sid, &b.sid, NumberPatch::default(), 11)
        .await
        .unwrap();
    assert_eq!(
        moved.config.address_sid.as_deref(),
        Some(b_de.sid.as_str()),
        "points at the target's address"
    );

    // Concurrent transfers of one number end with exactly one owner.
    let c = store
        .create_subaccount(sub(&main.sid, "c", 12))
        .await
        .unwrap();
    let targets = [
        main.sid.clone(),
        c.sid.clone(),
        main.sid.clone(),
        c.sid.clone(),
    ];
    let moves = targets
        .iter()
        .map(|t| store.transfer_number(&b.sid, &n.sid, t, NumberPatch::default(), 13));
    let results = futures_util::future::join_all(moves).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let owners = [&main.sid, &b.sid, &c.sid];
    let mut holding = 0;
    for o in owners {
        holding += usize::from(store.number(o, &n.sid).await.unwrap().is_some());
    }
    assert_eq!(holding, 1);
}

pub async fn closing_releases_numbers_and_purge_deletes_everything(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let s = store
        .create_subaccount(sub(&main.sid, "s", 1))
        .await
        .unwrap();
    store
        .create_address(&s.sid, address_fields("US"), 1)
        .await
        .unwrap();
    let n = store
        .purchase_number(new_number(&s.sid, "+14155550177", "none", "US", 2))
        .await
        .unwrap();
    store
        .update_account(&s.sid, set_status(AccountStatus::Suspended, 3))
        .await
        .unwrap();
    assert!(
        store.number(&s.sid, &n.sid).await.unwrap().is_some(),
        "suspended keeps its numbers"
    );
    store
        .update_account(&s.sid, set_status(AccountStatus::Active, 4))
        .await
        .unwrap();
    store
        .update_account(&s.sid, set_status(AccountStatus::Closed, 5))
        .await
        .unwrap();
    assert!(store.number(&s.sid, &n.sid).await.unwrap().is_none());
    assert!(store
        .owned_among(&["+14155550177".into()])
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.charges(&s.sid).await.unwrap().len(),
        1,
        "history stays until deletion"
    );
    store
        .purge_closed_subaccounts(5 + 30 * DAY, 30 * DAY)
        .await
        .unwrap();
    assert!(store.account(&s.sid).await.unwrap().is_none());
    assert!(store.charges(&s.sid).await.unwrap().is_empty());
    let q = AddressListQuery::default();
    assert!(store
        .list_addresses(&s.sid, &q, PageRequest::first(5))
        .await
        .unwrap()
        .items
        .is_empty());
}

pub async fn numbers_are_charged_monthly_once(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let s = store
        .create_subaccount(sub(&main.sid, "s", 0))
        .await
        .unwrap();
    // 2015-01-31T00:00:00Z: the anniversaries fall on Feb 28, Mar 31, Apr 30.
    let t0 = 1_422_662_400_000;
    let n = store
        .purchase_number(new_number(&s.sid, "+14155550188", "none", "US", t0))
        .await
        .unwrap();
    let first = store.charges(&s.sid).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(
        (first[0].category.as_str(), first[0].amount.as_str()),
        ("phonenumbers", "1.15")
    );
    assert_eq!(
        (first[0].resource_sid.as_str(), first[0].charged_at),
        (n.sid.as_str(), t0)
    );
    assert_eq!(
        store
            .charge_due_numbers(rules::months_after(t0, 1) - 1)
            .await
            .unwrap(),
        0
    );
    // Three months pass at once; each month is charged once, at its anniversary, even when
    // two runs race.
    let later = rules::months_after(t0, 3) + 1;
    let (a, b) = futures_util::future::join(
        store.charge_due_numbers(later),
        store.charge_due_numbers(later),
    )
    .await;
    assert_eq!(a.unwrap() + b.unwrap(), 3);
    let charges = store.charges(&s.sid).await.unwrap();
    let at: Vec<i64> = charges.iter().map(|c| c.charged_at).collect();
    assert_eq!(
        at,
        vec![
            t0,
            rules::months_after(t0, 1),
            rules::months_after(t0, 2),
            rules::months_after(t0, 3)
        ]
    );
    // Suspended accounts still pay; the charge follows the number's current owner.
    store
        .update_account(&s.sid, set_status(AccountStatus::Suspended, later))
        .await
        .unwrap();
    store
        .charge_due_numbers(rules::months_after(t0, 4))
        .await
        .unwrap();
    assert_eq!(store.charges(&s.sid).await.unwrap().len(), 5);
    store
        .update_account(&s.sid, set_status(AccountStatus::Active, later))
        .await
        .unwrap();
    store
        .transfer_number(&s.sid, &n.sid, &main.sid, NumberPatch::default(), later)
        .await
        .unwrap();
    store
        .charge_due_numbers(rules::months_after(t0, 5))
        .await
        .unwrap();
    assert_eq!(store.charges(&main.sid).await.unwrap().len(), 1);
    assert_eq!(
        store
            .charge_due_numbers(rules::months_after(t0, 5))
            .await
            .unwrap(),
        0
    );
}

pub fn message(account: &str, from: &str, to: &str, now: i64) -> MessageRecord {
    MessageRecord {
        seq: 0,
        sid: switchboard_wire::sid::new_sid("SM"),
        account_sid: account.into(),
        direction: "outbound-api".into(),
        from: from.into(),
        to: to.into(),
        messaging_service_sid: None,
        body: "Ahoy there!".into(),
        num_segments: 1,
        num_media: 0,
        media_urls: vec![],
        status_callback: None,
        api_version: "2010-04-01".into(),
        date_created: now,
        send_at: now,
        sending_at: now + 1000,
        sent_at: Some(now + 2000),
        final_at: now + 4000,
        final_status: "delivered".into(),
        error_code: None,
        scheduled: false,
        price: Some("-0.00790".into()),
        price_unit: "USD".into(),
        canceled_at: None,
        redacted_at: None,
    }
}

fn outbound(record: MessageRecord) -> NewMessage {
    NewMessage {
        record,
        require_from_capability: Some("sms"),
        require_geo_country: Some("US".into()),
        charge: Some(NewCharge {
            category: "sms-outbound".into(),
            amount: "0.0079".into(),
            usage: 1,
        }),
        webhooks: vec![],
    }
}

fn webhook(account: &str, resource: &str, due_at: i64, n: u32) -> NewWebhook {
    NewWebhook {
        kind: WebhookKind::Callback,
        account_sid: account.into(),
        resource_sid: resource.into(),
        url: "http://127.0.0.1:9/status".into(),
        method: "POST".into(),
        params: format!("SequenceNumber={n}"),
        due_at,
        idempotency_token: format!("{resource}-{n}"),
    }
}

fn notification(account: &str, call: Option<&str>, code: i64, at: i64) -> NotificationRecord {
    NotificationRecord {
        seq: 0,
        sid: switchboard_wire::sid::new_sid("NO"),
        account_sid: account.into(),
        call_sid: call.map(Into::into),
        error_code: code,
        log: 1,
        message_date: at,
        message_text: "Msg=failed".into(),
        request_method: "POST".into(),
        request_url: "http://127.0.0.1:9/status".into(),
        request_variables: "SequenceNumber=0".into(),
        response_body: String::new(),
        response_headers: String::new(),
        date_created: at,
    }
}

pub async fn webhooks_are_queued_with_their_event_and_leased_in_order(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    store
        .purchase_number(new_number(&main.sid, "+14155550170", "none", "US", 0))
        .await
        .unwrap();
    // A message's callbacks are written with it, and only with it.
    let record = message(&main.sid, "+14155550170", "+16518675310", 10_000);
    let sid = record.sid.clone();
    let mut new = outbound(record);
    new.webhooks = vec![
        webhook(&main.sid, &sid, 12_000, 0),
        webhook(&main.sid, &sid, 14_000, 1),
    ];
    store.create_message(new.clone()).await.unwrap();
    assert_eq!(store.webhooks_of(&sid).await.unwrap().len(), 2);
    let mut refused = new.clone();
    refused.record.sid = switchboard_wire::sid::new_sid("SM");
    refused.record.from = "+14155550199".into();
    refused.webhooks[0].resource_sid = refused.record.sid.clone();
    assert!(store.create_message(refused.clone()).await.is_err());
    assert!(store
        .webhooks_of(&refused.record.sid)
        .await
        .unwrap()
        .is_empty());

    // Nothing is due before its event; the second waits for the first.
    assert!(store
        .lease_webhooks(11_999, 1000, 10)
        .await
        .unwrap()
        .is_empty());
    let leased = store.lease_webhooks(20_000, 1000, 10).await.unwrap();
    assert_eq!(leased.len(), 1, "one at a time per resource");
    assert_eq!((leased[0].webhook.due_at, leased[0].attempts), (12_000, 1));
    // Leased: not leased again until the lease ends.
    assert!(store
        .lease_webhooks(20_500, 1000, 10)
        .await
        .unwrap()
        .is_empty());
    let again = store.lease_webhooks(21_000, 1000, 10).await.unwrap();
    assert_eq!((again[0].id, again[0].attempts), (leased[0].id, 2));
    store
        .finish_webhook(
            again[0].id,
            WebhookOutcome::Retry {
                at: 30_000,
                error: "connection refused".into(),
            },
            21_100,
            Some(notification(&main.sid, None, 11205, 21_100)),
        )
        .await
        .unwrap();
    let listed = store
        .list_notifications(
            &main.sid,
            &NotificationListQuery::default(),
            PageRequest::first(50),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(
        listed.iter().map(|n| n.error_code).collect::<Vec<_>>(),
        [11205]
    );
    assert_eq!(
        store
            .notification(&main.sid, &listed[0].sid)
            .await
            .unwrap()
            .as_ref(),
        Some(&listed[0])
    );
    assert!(store
        .lease_webhooks(29_999, 1000, 10)
        .await
        .unwrap()
        .is_empty());
    let third = store.lease_webhooks(30_000, 1000, 10).await.unwrap();
    assert_eq!(third[0].attempts, 3);
    store
        .finish_webhook(third[0].id, WebhookOutcome::Delivered, 30_001, None)
        .await
        .unwrap();
    // Finishing twice changes nothing.
    store
        .finish_webhook(
            third[0].id,
            WebhookOutcome::Failed {
                error: "late".into(),
            },
            30_002,
            // Not recorded: the webhook is no longer pending (checked with the list below).
            Some(notification(&main.sid, None, 11999, 30_002)),
        )
        .await
        .unwrap();
    let next = store.lease_webhooks(30_002, 1000, 10).await.unwrap();
    assert_eq!(next[0].webhook.params, "SequenceNumber=1");
    store
        .finish_webhook(
            next[0].id,
            WebhookOutcome::Failed {
                error: "500".into(),
            },
            30_003,
            Some(notification(&main.sid, Some("CA1"), 11200, 30_003)),
        )
        .await
        .unwrap();
    let states: Vec<String> = store
        .webhooks_of(&sid)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(states, ["delivered", "failed"]);
    // Notifications: newest first, filtered by call, log and date, scoped to the account.
    let q = |call: Option<&str>, from: Option<i64>| NotificationListQuery {
        call_sid: call.map(Into::into),
        log: Some(1),
        from,
        until: None,
    };
    let codes = |v: Vec<NotificationRecord>| v.iter().map(|n| n.error_code).collect::<Vec<_>>();
    let all = store
        .list_notifications(&main.sid, &q(None, None), PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(codes(all.items), [11200, 11205]);
    let of_call = store
        .list_notifications(&main.sid, &q(Some("CA1"), None), PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(codes(of_call.items), [11200]);
    let recent = store
        .list_notifications(&main.sid, &q(None, Some(30_000)), PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(codes(recent.items), [11200]);
    let other = store.create_main_account(main_account(0)).await.unwrap();
    assert!(store
        .list_notifications(&other.sid, &q(None, None), PageRequest::first(50))
        .await
        .unwrap()
        .items
        .is_empty());

    // Future webhooks of a resource can be dropped; past and finished ones stay.
    let call = "CA00000000000000000000000000000001";
    store
        .enqueue_webhooks(vec![
            webhook(&main.sid, call, 1_000, 0),
            webhook(&main.sid, call, 5_000, 1),
            webhook(&main.sid, call, 9_000, 2),
        ])
        .await
        .unwrap();
    assert_eq!(store.drop_future_webhooks(call, 5_000).await.unwrap(), 1);
    assert_eq!(store.webhooks_of(call).await.unwrap().len(), 2);

    // Concurrent leases never hand one webhook to two senders.
    let many: Vec<NewWebhook> = (0..40)
        .map(|i| webhook(&main.sid, &format!("SM{i:032}"), 1_000, 0))
        .collect();
    store.enqueue_webhooks(many).await.unwrap();
    let (a, b) = futures_util::future::join(
        store.lease_webhooks(100_000, 60_000, 25),
        store.lease_webhooks(100_000, 60_000, 25),
    )
    .await;
    let mut ids: Vec<i64> = a
        .unwrap()
        .iter()
        .chain(b.unwrap().iter())
        .map(|w| w.id)
        .collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "no webhook leased twice");
    assert_eq!(total, 41, "40 new and the first of the call's two pending");
}

pub async fn messages_are_checked_stored_and_charged(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let s = store
        .create_subaccount(sub(&main.sid, "s", 0))
        .await
        .unwrap();
    store
        .purchase_number(new_number(&s.sid, "+14155550160", "none", "US", 0))
        .await
        .unwrap();
    let m = store
        .create_message(outbound(message(
            &s.sid,
            "+14155550160",
            "+16518675310",
            10,
        )))
        .await
        .unwrap();
    assert_eq!(
        store.message(&s.sid, &m.sid).await.unwrap().as_ref(),
        Some(&m)
    );
    assert!(
        store.message(&main.sid, &m.sid).await.unwrap().is_none(),
        "scoped to its account"
    );
    assert_eq!(
        (
            m.status_at(10),
            m.status_at(1010),
            m.status_at(2010),
            m.status_at(4010)
        ),
        ("queued", "sending", "sent", "delivered")
    );
    let charges = store.charges(&s.sid).await.unwrap();
    assert_eq!(
        charges
            .last()
            .map(|c| (c.category.as_str(), c.amount.as_str(), c.charged_at)),
        Some(("sms-outbound", "0.0079", 2010))
    );

    // Refusals leave nothing behind.
    let before = store.charges(&s.sid).await.unwrap().len();
    let r = store
        .create_message(outbound(message(
            &s.sid,
            "+14155550199",
            "+16518675310",
            20,
        )))
        .await;
    assert_eq!(rule_of(r), RuleViolation::FromNotOwned);
    let mut mms = outbound(message(&s.sid, "+14155550160", "+16518675310", 20));
    mms.require_from_capability = Some("mms");
    assert_eq!(
        rule_of(store.create_message(mms).await),
        RuleViolation::FromNotOwned,
        "the test number has no MMS"
    );
    let mut abroad = outbound(message(&s.sid, "+14155550160", "+442079460123", 20));
    abroad.require_geo_country = Some("GB".into());
    assert_eq!(
        rule_of(store.create_message(abroad.clone()).await),
        RuleViolation::GeoNotPermitted
    );
    // Subaccounts use their main account's permissions.
    let allow = OperatorUpdate {
        sms_countries: Some("US,GB".into()),
        now: 21,
        ..Default::default()
    };
    store
        .operator_update_account(&main.sid, allow)
        .await
        .unwrap();
    assert_eq!(
        store.account(&s.sid).await.unwrap().unwrap().sms_countries,
        "US,GB"
    );
    store.create_message(abroad).await.unwrap();
    store
        .update_account(&s.sid, set_status(AccountStatus::Suspended, 22))
        .await
        .unwrap();
    let r = store
        .create_message(outbound(message(
            &s.sid,
            "+14155550160",
            "+16518675310",
            23,
        )))
        .await;
    assert_eq!(rule_of(r), RuleViolation::AccountNotActive);
    assert_eq!(store.charges(&s.sid).await.unwrap().len(), before + 1);
    store
        .update_account(&s.sid, set_status(AccountStatus::Active, 24))
        .await
        .unwrap();

    // Lists: newest first, filters on To, From and date_sent (known only once sent).
    for i in 0..3 {
        store
            .create_message(outbound(message(
                &s.sid,
                "+14155550160",
                "+16518675311",
                100 + i,
            )))
            .await
            .unwrap();
    }
    let q = MessageListQuery {
        to: Some("+16518675311".into()),
        now: 10_000,
        ..Default::default()
    };
    let page = store
        .list_messages(&s.sid, &q, PageRequest::first(2))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert!(page.items[0].seq > page.items[1].seq, "newest first");
    assert!(page.has_next);
    let rest = store
        .list_messages(
            &s.sid,
            &q,
            PageRequest {
                size: 2,
                cursor: switchboard_wire::page::Cursor::After(page.last_key.unwrap()),
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 1);
    assert!(!rest.has_next);
    let q = MessageListQuery {
        sent_from: Some(2101),
        sent_until: Some(2102),
        now: 10_000,
        ..Default::default()
    };
    assert_eq!(
        store
            .list_messages(&s.sid, &q, PageRequest::first(50))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let q = MessageListQuery {
        sent_from: Some(0),
        now: 2050,
        ..Default::default()
    };
    let sent = store
        .list_messages(&s.sid, &q, PageRequest::first(50))
        .await
        .unwrap();
    assert!(
        sent.items.iter().all(|m| m.date_sent_at(2050).is_some()),
        "unsent messages have no date_sent yet"
    );

    // Redaction, cancelation of scheduled messages, deletion.
    let r = store.redact_message(&s.sid, &m.sid, 5000).await.unwrap();
    assert_eq!((r.body.as_str(), r.redacted_at), ("", Some(5000)));
    let mut later = message(&s.sid, "+14155550160", "+16518675310", 6000);
    later.scheduled = true;
    later.send_at = 100_000;
    later.sending_at = 101_000;
    later.sent_at = Some(102_000);
    later.final_at = 104_000;
    let later = store.create_message(outbound(later)).await.unwrap();
    assert_eq!(later.status_at(7000), "scheduled");
    let with_scheduled = store.charges(&s.sid).await.unwrap().len();
    let c = store
        .cancel_message(&s.sid, &later.sid, 8000)
        .await
        .unwrap();
    assert_eq!(c.status_at(200_000), "canceled");
    assert_eq!(
        store.charges(&s.sid).await.unwrap().len(),
        with_scheduled - 1,
        "a canceled message costs nothing"
    );
    assert_eq!(
        rule_of(store.cancel_message(&s.sid, &m.sid, 9000).await),
        RuleViolation::MessageNotChangeable
    );
    store.delete_message(&s.sid, &m.sid, 9000).await.unwrap();
    assert!(store.message(&s.sid, &m.sid).await.unwrap().is_none());
}

pub fn call(account: &str, from: &str, to: &str, now: i64) -> CallRecord {
    CallRecord {
        seq: 0,
        sid: switchboard_wire::sid::new_sid("CA"),
        account_sid: account.into(),
        parent_call_sid: None,
        direction: "outbound-api".into(),
        from: from.into(),
        to: to.into(),
        from_formatted: from.into(),
        to_formatted: to.into(),
        phone_number_sid: None,
        caller_name: None,
        forwarded_from: None,
        answered_by: None,
        queue_time: "0".into(),
        config: CallConfig {
            url: Some("https://example.com/twiml".into()),
            timeout: 60,
            ..Default::default()
        },
        rate_country: "US".into(),
        rate: "0.0140".into(),
        charge_category: "calls-outbound".into(),
        initiated_at: now + 1000,
        ringing_at: Some(now + 2000),
        answered_at: Some(now + 7000),
        ends_at: now + 37_000,
        final_status: "completed".into(),
        charged: false,
        date_created: now,
        date_updated: now,
    }
}

/// A callback at the call's end (the test's stand-in for the server's builder).
fn end_callback(k: &CallRecord) -> Vec<NewWebhook> {
    vec![webhook(&k.account_sid, &k.sid, k.ends_at, 9)]
}

fn outbound_call(record: CallRecord) -> NewCall {
    NewCall {
        webhooks: end_callback(&record),
        record,
        require_from_owned: true,
        require_geo_country: Some("US".into()),
    }
}

pub async fn calls_progress_end_and_are_charged_once(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let s = store
        .create_subaccount(sub(&main.sid, "s", 0))
        .await
        .unwrap();
    store
        .purchase_number(new_number(&s.sid, "+14155550170", "none", "US", 0))
        .await
        .unwrap();
    let c = store
        .create_call(outbound_call(call(
            &s.sid,
            "+14155550170",
            "+16518675310",
            0,
        )))
        .await
        .unwrap();
    assert_eq!(c.status_at(0), "queued");
    assert_eq!(c.status_at(10_000), "in-progress");
    assert_eq!(
        (c.duration_at(37_000), c.price_at(37_000).as_deref()),
        (Some(30), Some("-0.01400"))
    );
    assert_eq!(
        rule_of(
            store
                .create_call(outbound_call(call(
                    &s.sid,
                    "+14155550999",
                    "+16518675310",
                    0
                )))
                .await
        ),
        RuleViolation::FromNotOwned
    );
    let mut abroad = outbound_call(call(&s.sid, "+14155550170", "+442079460123", 0));
    abroad.require_geo_country = Some("GB".into());
    assert_eq!(
        rule_of(store.create_call(abroad).await),
        RuleViolation::GeoNotPermitted
    );

    // Hang up mid-call: it ends now, 61 s talked costs two minutes.
    let long = store
        .create_call(outbound_call(CallRecord {
            ends_at: 600_000,
            ..call(&s.sid, "+14155550170", "+16518675311", 0)
        }))
        .await
        .unwrap();
    let ended = store
        .update_call(
            &s.sid,
            &long.sid,
            Some(CallEnd::Completed),
            None,
            68_000,
            end_callback,
        )
        .await
        .unwrap();
    assert_eq!(
        (ended.status_at(68_000), ended.duration_at(68_000)),
        ("completed", Some(61))
    );
    assert_eq!(ended.price_at(68_000).as_deref(), Some("-0.02800"));
    // Its end callback moved with its end, in the same write.
    let hooks = store.webhooks_of(&long.sid).await.unwrap();
    assert_eq!(
        hooks
            .iter()
            .map(|(w, s)| (w.webhook.due_at, s.as_str()))
            .collect::<Vec<_>>(),
        [(68_000, "pending")]
    );
    let r = store
        .update_call(
            &s.sid,
            &long.sid,
            Some(CallEnd::Completed),
            None,
            69_000,
            end_callback,
        )
        .await;
    assert_eq!(rule_of(r), RuleViolation::CallNotLive);
    // Cancel before answer: no start, no price.
    let ringing = store
        .create_call(outbound_call(call(
            &s.sid,
            "+14155550170",
            "+16518675312",
            0,
        )))
        .await
        .unwrap();
    let r = store
        .update_call(
            &s.sid,
            &ringing.sid,
            Some(CallEnd::Canceled),
            None,
            3000,
            end_callback,
        )
        .await
        .unwrap();
    assert_eq!((r.status_at(3000), r.price_at(3000)), ("canceled", None));
    let answered = store
        .create_call(outbound_call(call(
            &s.sid,
            "+14155550170",
            "+16518675313",
            0,
        )))
        .await
        .unwrap();
    assert_eq!(
        rule_of(
            store
                .update_call(
                    &s.sid,
                    &answered.sid,
                    Some(CallEnd::Canceled),
                    None,
                    8000,
                    end_callback
                )
                .await
        ),
        RuleViolation::CallNotLive
    );
    // Suspension does not end calls; an inactive account cannot start one.
    store
        .update_account(&s.sid, set_status(AccountStatus::Suspended, 9000))
        .await
        .unwrap();
    assert_eq!(
        store
            .call(&s.sid, &answered.sid)
            .await
            .unwrap()
            .unwrap()
            .status_at(10_000),
        "in-progress"
    );
    let r = store
        .create_call(outbound_call(call(
            &s.sid,
            "+14155550170",
            "+16518675310",
            9000,
        )))
        .await;
    assert_eq!(rule_of(r), RuleViolation::AccountNotActive);

    // Charges: once per ended call, at its end, even with concurrent runs.
    let (a, b) = futures_util::future::join(
        store.charge_ended_calls(100_000),
        store.charge_ended_calls(100_000),
    )
    .await;
    assert_eq!(
        a.unwrap() + b.unwrap(),
        3,
        "the canceled call costs nothing, the live one is not over"
    );
    let calls: Vec<_> = store
        .charges(&s.sid)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.category == "calls-outbound")
        .collect();
    assert_eq!(calls.len(), 3);
    // Dated when the call started (1 s after creation): usage counts on the day it began.
    assert!(calls
        .iter()
        .any(|c| c.amount == "0.0280" && c.charged_at == 1000));
    assert_eq!(store.charge_ended_calls(100_000).await.unwrap(), 0);

    // Lists: filters on status, To and time windows, newest first.
    let q = CallListQuery {
        status: Some("completed".into()),
        now: 100_000,
        ..Default::default()
    };
    assert_eq!(
        store
            .list_calls(&s.sid, &q, PageRequest::first(50))
            .await
            .unwrap()
            .items
            .len(),
        3
    );
    let q = CallListQuery {
        status: Some("in-progress".into()),
        now: 100_000,
        ..Default::default()
    };
    assert_eq!(
        store
            .list_calls(&s.sid, &q, PageRequest::first(50))
            .await
            .unwrap()
            .items
            .len(),
        0,
        "answered one ended at 37 s"
    );
    let q = CallListQuery {
        to: Some("+16518675311".into()),
        end_from: Some(68_000),
        end_until: Some(68_001),
        now: 100_000,
        ..Default::default()
    };
    assert_eq!(
        store
            .list_calls(&s.sid, &q, PageRequest::first(50))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let q = CallListQuery {
        start_from: Some(0),
        start_until: Some(2000),
        now: 100_000,
        ..Default::default()
    };
    let started = store
        .list_calls(&s.sid, &q, PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(started.items.len(), 4);
    assert!(started.items[0].seq > started.items[1].seq);
    store.delete_call(&s.sid, &long.sid, 100_000).await.unwrap();
    assert!(store.call(&s.sid, &long.sid).await.unwrap().is_none());
}

/// A TwiML document's effects: written with its fetch, once; refused on a changed call; its
/// fetch holds back the call's later callbacks and its charge.
pub async fn twiml_effects_are_written_once_with_their_fetch(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let s = store
        .create_subaccount(sub(&main.sid, "s", 0))
        .await
        .unwrap();
    let number = "+14155550180";
    store
        .purchase_number(new_number(&s.sid, number, "none", "US", 0))
        .await
        .unwrap();
    let k = call(&s.sid, number, "+16518675310", 0);
    let fetch = NewWebhook {
        kind: WebhookKind::Voice,
        due_at: 7000,
        idempotency_token: format!("{}-doc-0", k.sid),
        ..webhook(&s.sid, &k.sid, 7000, 0)
    };
    let mut new = outbound_call(k.clone());
    new.webhooks.push(fetch);
    let k = store.create_call(new).await.unwrap();

    // At 40 s the fetch (due 7 s) is leased; the end callback (due 37 s, queued first)
    // waits for it, and so does the call's charge.
    let leased = store.lease_webhooks(40_000, 60_000, 10).await.unwrap();
    assert_eq!(leased.len(), 1);
    assert_eq!(leased[0].webhook.kind, WebhookKind::Voice);
    let fetch_id = leased[0].id;
    assert_eq!(store.charge_ended_calls(40_000).await.unwrap(), 0);

    let recording = RecordingRecord {
        seq: 0,
        sid: switchboard_wire::sid::new_sid("RE"),
        account_sid: s.sid.clone(),
        call_sid: k.sid.clone(),
        source: "RecordVerb".into(),
        channels: 1,
        start_time: 8000,
        duration_ms: 1500,
        price: Some("-0.00250".into()),
        date_created: 8000,
    };
    let text = message(&s.sid, number, "+16518675310", 8000);
    let mut refused = outbound(message(&s.sid, "+14155550999", "+16518675310", 8000));
    refused.record.body = "from a number it does not own".into();
    let effects = TwimlEffects {
        webhook_id: fetch_id,
        outcome: WebhookOutcome::Delivered,
        now: 40_000,
        call: Some(CallChange {
            account_sid: s.sid.clone(),
            sid: k.sid.clone(),
            seen_updated: k.date_updated,
            seen_ends_at: k.ends_at,
            answered_at: k.answered_at,
            ends_at: 10_000,
            final_status: "completed".into(),
            config: CallConfig {
                documents: 1,
                ..k.config.clone()
            },
            date_updated: 40_000,
            callbacks: end_callback,
            callbacks_from: 7000,
        }),
        calls: vec![],
        messages: vec![
            TwimlMessage {
                message: outbound(text.clone()),
                refused: notification(&s.sid, Some(&k.sid), 14101, 8000),
            },
            TwimlMessage {
                message: refused,
                refused: notification(&s.sid, Some(&k.sid), 14101, 8000),
            },
        ],
        recordings: vec![(
            recording.clone(),
            Some(NewCharge {
                category: "recordings".into(),
                amount: "0.0025".into(),
                usage: 1,
            }),
        )],
        webhooks: vec![],
        notifications: vec![notification(&s.sid, Some(&k.sid), 12200, 8000)],
    };

    // Seen before a change (a hang-up through the API): nothing is written.
    let stale = TwimlEffects {
        call: effects.call.clone().map(|c| CallChange {
            seen_updated: k.date_updated - 1,
            ..c
        }),
        ..effects.clone()
    };
    assert!(matches!(
        store.apply_twiml(stale).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.message(&s.sid, &text.sid).await.unwrap().is_none());
    assert_eq!(store.webhooks_of(&k.sid).await.unwrap()[1].1, "pending");

    assert!(store.apply_twiml(effects.clone()).await.unwrap());
    // Once only: the fetch is no longer pending.
    assert!(!store.apply_twiml(effects).await.unwrap());

    let k2 = store.call(&s.sid, &k.sid).await.unwrap().unwrap();
    assert_eq!((k2.ends_at, k2.config.documents), (10_000, 1));
    assert!(store.message(&s.sid, &text.sid).await.unwrap().is_some());
    let notes = store
        .list_notifications(
            &s.sid,
            &NotificationListQuery::default(),
            PageRequest::first(50),
        )
        .await
        .unwrap();
    let mut codes: Vec<i64> = notes.items.iter().map(|n| n.error_code).collect();
    codes.sort();
    assert_eq!(
        codes,
        [12200, 14101],
        "the warning, and the refused message"
    );
    let recs = store
        .list_recordings(
            &s.sid,
            &RecordingListQuery {
                call_sid: Some(k.sid.clone()),
                ..Default::default()
            },
            PageRequest::first(50),
        )
        .await
        .unwrap();
    assert_eq!(recs.items.len(), 1);
    assert_eq!(recs.items[0].sid, recording.sid);
    // The end callback was rebuilt for the new end; the fetch is done.
    let hooks = store.webhooks_of(&k.sid).await.unwrap();
    let states: Vec<(i64, &str)> = hooks
        .iter()
        .map(|(w, st)| (w.webhook.due_at, st.as_str()))
        .collect();
    assert_eq!(states, [(7000, "delivered"), (10_000, "pending")]);
    // Now the call is charged, once.
    assert_eq!(store.charge_ended_calls(40_000).await.unwrap(), 1);
    let categories: Vec<String> = store
        .charges(&s.sid)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.category)
        .collect();
    assert_eq!(categories.iter().filter(|c| *c == "recordings").count(), 1);
    let mut categories = categories;
    categories.sort();
    assert_eq!(
        categories,
        [
            "calls-outbound",
            "phonenumbers",
            "recordings",
            "sms-outbound"
        ]
    );

    // Recordings are the account's own.
    assert!(store
        .recording(&main.sid, &recording.sid)
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        store.delete_recording(&main.sid, &recording.sid).await,
        Err(StoreError::NotFound)
    ));
    store
        .delete_recording(&s.sid, &recording.sid)
        .await
        .unwrap();
    assert!(store
        .recording(&s.sid, &recording.sid)
        .await
        .unwrap()
        .is_none());
}

/// Usage rollups equal the charges they come from, for any account, day and category, under
/// pseudo-random traffic; a tree's usage is its accounts' together; the balance is the
/// credit less the tree's total.
pub async fn usage_rollups_equal_the_charges(store: &dyn Store) {
    use crate::usage::{day_of, from_nanos, UsageScope, MS_PER_DAY};
    use rust_decimal::Decimal;
    use std::collections::BTreeMap;

    let main = store.create_main_account(main_account(0)).await.unwrap();
    let mut accounts = vec![main.sid.clone()];
    for name in ["a", "b"] {
        let s = store
            .create_subaccount(sub(&main.sid, name, 0))
            .await
            .unwrap();
        accounts.push(s.sid);
    }
    for (i, a) in accounts.iter().enumerate() {
        store
            .purchase_number(new_number(a, &format!("+1415555019{i}"), "none", "US", 0))
            .await
            .unwrap();
    }
    // A small linear congruential generator: the same traffic on every run.
    let mut seed: u64 = 42;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for _ in 0..60 {
        let i = next(3) as usize;
        let a = &accounts[i];
        let at = next(4) as i64 * MS_PER_DAY + next(80_000_000) as i64;
        let from = format!("+1415555019{i}");
        if next(2) == 0 {
            let segments = 1 + next(3) as i64;
            let mut m = outbound(message(a, &from, "+16518675310", at));
            m.record.num_segments = segments;
            m.charge = Some(NewCharge {
                category: "sms-outbound".into(),
                amount: (Decimal::new(79, 4) * Decimal::from(segments)).to_string(),
                usage: segments,
            });
            store.create_message(m).await.unwrap();
        } else {
            let talk = next(200) as i64 * 1000;
            let k = CallRecord {
                initiated_at: at + 1000,
                ringing_at: Some(at + 2000),
                answered_at: Some(at + 7000),
                ends_at: at + 7000 + talk,
                ..call(a, &from, "+16518675310", at)
            };
            store.create_call(outbound_call(k)).await.unwrap();
        }
    }
    store.charge_ended_calls(10 * MS_PER_DAY).await.unwrap();

    // Expected, from the charges: (account, family-or-category, day) -> (count, price).
    let mut want: BTreeMap<(String, String, i64), (i64, Decimal)> = BTreeMap::new();
    for a in &accounts {
        for ch in store.charges(a).await.unwrap() {
            let amount: Decimal = ch.amount.parse().unwrap();
            let family = ch.category.split('-').next().unwrap().to_owned();
            let mut names = vec![ch.category.clone(), "totalprice".to_owned()];
            if family != ch.category {
                names.push(family);
            }
            for name in names {
                let e = want
                    .entry((a.clone(), name.clone(), day_of(ch.charged_at)))
                    .or_default();
                e.0 += i64::from(name != "totalprice");
                e.1 += amount;
            }
        }
    }
    assert!(want.keys().any(|(_, c, _)| c == "calls"));
    assert!(want.keys().any(|(_, c, _)| c == "sms"));
    for a in &accounts {
        let got = crate::usage::with_derived(
            store
                .usage_by_day(&UsageScope::Account(a.clone()), -1, 20)
                .await
                .unwrap(),
        );
        let got: BTreeMap<(String, String, i64), (i64, Decimal)> = got
            .into_iter()
            .map(|u| {
                (
                    (a.clone(), u.category, u.day),
                    (u.count, from_nanos(u.price_nanos)),
                )
            })
            .collect();
        let mine: BTreeMap<_, _> = want
            .iter()
            .filter(|((acc, _, _), _)| acc == a)
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        assert_eq!(got, mine);
        if a != &main.sid {
            // A subaccount's tree is itself.
            assert_eq!(
                store
                    .usage_by_day(&UsageScope::Tree(a.clone()), -1, 20)
                    .await
                    .unwrap(),
                store
                    .usage_by_day(&UsageScope::Account(a.clone()), -1, 20)
                    .await
                    .unwrap()
            );
        }
    }
    // The tree: every account's usage together, day by day; one day's window.
    let tree = crate::usage::with_derived(
        store
            .usage_by_day(&UsageScope::Tree(main.sid.clone()), 1, 1)
            .await
            .unwrap(),
    );
    for u in &tree {
        let sum: Decimal = want
            .iter()
            .filter(|((_, c, d), _)| *c == u.category && *d == 1)
            .map(|(_, v)| v.1)
            .sum();
        assert_eq!(from_nanos(u.price_nanos), sum, "{}", u.category);
        assert_eq!(u.day, 1);
    }
    // The balance: credit less the tree's total price.
    let total: Decimal = want
        .iter()
        .filter(|((_, c, _), _)| c == "totalprice")
        .map(|(_, v)| v.1)
        .sum();
    assert_eq!(
        from_nanos(store.balance_nanos(&main.sid).await.unwrap()),
        -total
    );
    let after = store
        .credit(&main.sid, crate::usage::to_nanos("100"))
        .await
        .unwrap();
    assert_eq!(from_nanos(after), Decimal::from(100) - total);
    // Charging again adds nothing (each charge once, its rollups with it).
    store.charge_ended_calls(10 * MS_PER_DAY).await.unwrap();
    assert_eq!(store.balance_nanos(&main.sid).await.unwrap(), after);
}

/// A prepaid tree's balance is never overdrawn by concurrent messages, and calls need their
/// first minute covered; without prepaid, the balance just goes negative.
pub async fn prepaid_balances_hold_under_concurrent_traffic(store: &dyn Store) {
    use crate::usage::to_nanos;
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let s = store
        .create_subaccount(sub(&main.sid, "s", 0))
        .await
        .unwrap();
    let number = "+14155550177";
    store
        .purchase_number(new_number(&s.sid, number, "none", "US", 0))
        .await
        .unwrap();
    // The number cost 1.15; 1.20 credited leaves 0.05: six messages at 0.0079, not seven.
    store.credit(&main.sid, to_nanos("1.20")).await.unwrap();
    store.set_prepaid(&main.sid, true).await.unwrap();
    assert!(store.prepaid(&main.sid).await.unwrap());
    let sends = (0..16)
        .map(|_| store.create_message(outbound(message(&s.sid, number, "+16518675310", 10))));
    let results = futures_util::future::join_all(sends).await;
    let sent = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(sent, 6);
    for r in results.iter().filter(|r| r.is_err()) {
        assert!(matches!(
            r,
            Err(StoreError::Rule(RuleViolation::InsufficientBalance))
        ));
    }
    assert_eq!(
        store.balance_nanos(&main.sid).await.unwrap(),
        to_nanos("0.0026")
    );
    // A refused message left nothing: six charges of SMS.
    let sms = store
        .charges(&s.sid)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.category == "sms-outbound")
        .count();
    assert_eq!(sms, 6);
    // A call's first minute (0.014) is not covered by 0.0026.
    assert_eq!(
        rule_of(
            store
                .create_call(outbound_call(call(&s.sid, number, "+16518675310", 10)))
                .await
        ),
        RuleViolation::InsufficientBalance
    );
    store.credit(&main.sid, to_nanos("0.02")).await.unwrap();
    store
        .create_call(outbound_call(call(&s.sid, number, "+16518675310", 10)))
        .await
        .unwrap();
    // Not prepaid: traffic goes on, the balance below zero.
    store.set_prepaid(&main.sid, false).await.unwrap();
    for _ in 0..5 {
        store
            .create_message(outbound(message(&s.sid, number, "+16518675310", 20)))
            .await
            .unwrap();
    }
    assert!(store.balance_nanos(&main.sid).await.unwrap() < 0);
}

pub async fn inbound_traffic_goes_to_active_owners(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let s = store
        .create_subaccount(sub(&main.sid, "s", 0))
        .await
        .unwrap();
    store
        .purchase_number(new_number(&s.sid, "+14155550180", "none", "US", 0))
        .await
        .unwrap();
    let mut m = message(&s.sid, "+16518675310", "+14155550180", 10);
    m.direction = "inbound".into();
    m.final_status = "received".into();
    let inbound = NewMessage {
        record: m.clone(),
        require_from_capability: None,
        require_geo_country: None,
        charge: Some(NewCharge {
            category: "sms-inbound".into(),
            amount: "0.0079".into(),
            usage: 1,
        }),
        webhooks: vec![],
    };
    let got = store.receive_message(inbound.clone()).await.unwrap();
    assert_eq!(got.status_at(10), "received");
    let mut c = call(&s.sid, "+16518675310", "+14155550180", 20);
    c.direction = "inbound".into();
    let call_in = NewCall {
        record: c,
        require_from_owned: false,
        require_geo_country: None,
        webhooks: vec![],
    };
    store.receive_call(call_in.clone()).await.unwrap();
    store
        .update_account(&s.sid, set_status(AccountStatus::Suspended, 30))
        .await
        .unwrap();
    let again = NewMessage {
        record: MessageRecord {
            sid: switchboard_wire::sid::new_sid("SM"),
            ..m.clone()
        },
        ..inbound.clone()
    };
    assert_eq!(
        rule_of(store.receive_message(again).await),
        RuleViolation::AccountNotActive
    );
    let mut c2 = call_in.clone();
    c2.record.sid = switchboard_wire::sid::new_sid("CA");
    assert_eq!(
        rule_of(store.receive_call(c2).await),
        RuleViolation::AccountNotActive
    );
    // A number the account no longer owns receives nothing for it.
    let other = NewMessage {
        record: MessageRecord {
            sid: switchboard_wire::sid::new_sid("SM"),
            to: "+14155550181".into(),
            ..m
        },
        ..inbound
    };
    assert_eq!(
        rule_of(store.receive_message(other).await),
        RuleViolation::NoSuchNumber
    );
}

pub async fn keys_are_scoped_renamed_and_deleted(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let other = store.create_main_account(main_account(0)).await.unwrap();
    let key = |account: &str, kind: KeyKind, name: &str| KeyRecord {
        seq: 0,
        sid: switchboard_wire::sid::new_sid("SK"),
        account_sid: account.into(),
        friendly_name: name.into(),
        kind,
        secret_hash: "ab".repeat(32),
        date_created: 1,
        date_updated: 1,
    };
    let std_key = store
        .create_key(key(&main.sid, KeyKind::Standard, "ci"))
        .await
        .unwrap();
    store
        .create_key(key(&main.sid, KeyKind::Main, "ops"))
        .await
        .unwrap();
    let signing = store
        .create_key(key(&main.sid, KeyKind::Signing, "jwt"))
        .await
        .unwrap();
    store
        .create_key(key(&other.sid, KeyKind::Standard, "theirs"))
        .await
        .unwrap();
    assert_eq!(
        store.key(&std_key.sid).await.unwrap().as_ref(),
        Some(&std_key)
    );
    let api = store
        .list_keys(&main.sid, false, PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(api.items.len(), 2);
    let sig = store
        .list_keys(&main.sid, true, PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(
        sig.items.iter().map(|k| k.sid.clone()).collect::<Vec<_>>(),
        vec![signing.sid.clone()]
    );
    let renamed = store
        .rename_key(&main.sid, &std_key.sid, false, "renamed".into(), 5)
        .await
        .unwrap();
    assert_eq!(
        (renamed.friendly_name.as_str(), renamed.date_updated),
        ("renamed", 5)
    );
    let r = store
        .rename_key(&main.sid, &signing.sid, false, "x".into(), 6)
        .await;
    assert!(
        matches!(r, Err(StoreError::NotFound)),
        "a signing key is not an API key"
    );
    let r = store.delete_key(&other.sid, &std_key.sid, false).await;
    assert!(
        matches!(r, Err(StoreError::NotFound)),
        "scoped to its account"
    );
    store
        .delete_key(&main.sid, &std_key.sid, false)
        .await
        .unwrap();
    assert!(store.key(&std_key.sid).await.unwrap().is_none());
}

/// Two instances on one database (a second server, or the CLI beside a server): what one
/// changes in accounts and keys, the other stops answering from its cache of them (at once
/// on the changing instance, within moments on the other).
pub async fn other_instances_see_account_and_key_changes(a: &dyn Store, b: &dyn Store) {
    // Reads `$read` until `$ok` holds of it, for at most 5 s.
    macro_rules! eventually {
        ($what:expr, $read:expr, $ok:expr) => {{
            let start = std::time::Instant::now();
            loop {
                let v = $read;
                if $ok(&v) {
                    break;
                }
                assert!(
                    start.elapsed() < std::time::Duration::from_secs(5),
                    "{}: still {v:?}",
                    $what
                );
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }};
    }
    let main = a.create_main_account(main_account(0)).await.unwrap();
    let sub = a.create_subaccount(sub(&main.sid, "s", 0)).await.unwrap();
    let key = a
        .create_key(KeyRecord {
            seq: 0,
            sid: switchboard_wire::sid::new_sid("SK"),
            account_sid: sub.sid.clone(),
            friendly_name: "k".into(),
            kind: KeyKind::Standard,
            secret_hash: "ab".repeat(32),
            date_created: 1,
            date_updated: 1,
        })
        .await
        .unwrap();
    // Both instances have read (and may remember) each row, twice.
    for s in [a, b] {
        for _ in 0..2 {
            let acc = s.account(&sub.sid).await.unwrap().unwrap();
            assert_eq!(acc.effective_status(), AccountStatus::Active);
            assert!(s.key(&key.sid).await.unwrap().is_some());
            s.account(&main.sid).await.unwrap().unwrap();
        }
    }

    // Suspending the main account suspends the subaccount as read through its owner.
    a.operator_update_account(
        &main.sid,
        OperatorUpdate {
            friendly_name: None,
            status: Some(AccountStatus::Suspended),
            subaccount_limit: None,
            auto_delete_closed: None,
            auth_token: Some("f".repeat(32)),
            voice_countries: None,
            sms_countries: None,
            now: 5,
        },
    )
    .await
    .unwrap();
    let seen = a.account(&sub.sid).await.unwrap().unwrap();
    assert_eq!(seen.effective_status(), AccountStatus::Suspended, "at once");
    eventually!(
        "the other instance's subaccount",
        b.account(&sub.sid)
            .await
            .unwrap()
            .unwrap()
            .effective_status(),
        |s: &AccountStatus| *s == AccountStatus::Suspended
    );
    eventually!(
        "the other instance's main account token",
        b.account(&main.sid).await.unwrap().unwrap().auth_token,
        |t: &String| *t == "f".repeat(32)
    );

    // A deleted key stops being found.
    a.delete_key(&sub.sid, &key.sid, false).await.unwrap();
    assert!(a.key(&key.sid).await.unwrap().is_none(), "at once");
    eventually!(
        "the other instance's key",
        b.key(&key.sid).await.unwrap().is_some(),
        |found: &bool| !found
    );

    // And the other way: b renames the main account, a sees it.
    b.operator_update_account(
        &main.sid,
        OperatorUpdate {
            friendly_name: Some("renamed".into()),
            status: None,
            subaccount_limit: None,
            auto_delete_closed: None,
            auth_token: None,
            voice_countries: None,
            sms_countries: None,
            now: 9,
        },
    )
    .await
    .unwrap();
    eventually!(
        "the first instance's main account",
        a.account(&main.sid).await.unwrap().unwrap().friendly_name,
        |n: &String| n == "renamed"
    );
}

/// Messages created at one moment (a store may store them together): each is checked on its
/// own, stored once with its charge, rollup and callback, and a refused one leaves nothing.
pub async fn concurrent_messages_are_each_checked_and_stored_once(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let s = store
        .create_subaccount(sub(&main.sid, "s", 0))
        .await
        .unwrap();
    let off = store
        .create_subaccount(sub(&main.sid, "off", 0))
        .await
        .unwrap();
    for (account, number) in [(&s.sid, "+14155550170"), (&off.sid, "+14155550171")] {
        store
            .purchase_number(new_number(account, number, "none", "US", 0))
            .await
            .unwrap();
    }
    store
        .update_account(&off.sid, set_status(AccountStatus::Suspended, 1))
        .await
        .unwrap();
    // Five kinds, twelve of each, interleaved.
    let mut news = Vec::new();
    for i in 0..60 {
        let kind = i % 5;
        let (account, from) = match kind {
            1 => (&s.sid, "+14155550199"),   // not its number
            4 => (&off.sid, "+14155550171"), // suspended
            _ => (&s.sid, "+14155550170"),
        };
        let mut new = outbound(message(account, from, "+16518675310", 10 + i));
        match kind {
            2 => new.require_from_capability = Some("mms"), // the number has no MMS
            3 => {
                new.record.to = "+442079460123".into();
                new.require_geo_country = Some("GB".into());
            }
            _ => {}
        }
        new.webhooks = vec![webhook(account, &new.record.sid, 10 + i, 1)];
        news.push(new);
    }
    let sids: Vec<(i64, String)> = news
        .iter()
        .zip(0..)
        .map(|(n, i)| (i % 5, n.record.sid.clone()))
        .collect();
    // And the first one twice: the same SID is stored once, the other refused, and the rest
    // of whatever was stored with it is not affected.
    news.push(news[0].clone());
    let mut results =
        futures_util::future::join_all(news.into_iter().map(|n| store.create_message(n))).await;
    let twice = results.pop().unwrap();
    match (&results[0], &twice) {
        (Ok(_), Err(StoreError::Conflict(_))) | (Err(StoreError::Conflict(_)), Ok(_)) => {}
        other => panic!("the same message twice: {other:?}"),
    }
    if results[0].is_err() {
        results[0] = twice;
    }
    for ((kind, sid), result) in sids.iter().zip(results) {
        match kind {
            0 => assert_eq!(&result.unwrap().sid, sid),
            1 | 2 => assert_eq!(rule_of(result), RuleViolation::FromNotOwned),
            3 => assert_eq!(rule_of(result), RuleViolation::GeoNotPermitted),
            _ => assert_eq!(rule_of(result), RuleViolation::AccountNotActive),
        }
    }
    for (kind, sid) in &sids {
        let account = if *kind == 4 { &off.sid } else { &s.sid };
        let stored = store.message(account, sid).await.unwrap();
        let callbacks = store.webhooks_of(sid).await.unwrap();
        assert_eq!(stored.is_some(), *kind == 0, "message of kind {kind}");
        assert_eq!(
            callbacks.len(),
            usize::from(*kind == 0),
            "callbacks of kind {kind}"
        );
    }
    let page = store
        .list_messages(
            &s.sid,
            &MessageListQuery::default(),
            PageRequest::first(100),
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 12);
    // (Beside each number's first month.)
    let sms = |charges: Vec<ChargeRecord>| {
        charges
            .into_iter()
            .filter(|c| c.category == "sms-outbound")
            .count()
    };
    assert_eq!(sms(store.charges(&s.sid).await.unwrap()), 12);
    assert_eq!(sms(store.charges(&off.sid).await.unwrap()), 0);
    let usage = store
        .usage_by_day(&UsageScope::Tree(main.sid.clone()), -1, 20)
        .await
        .unwrap();
    let usage = usage.iter().filter(|u| u.category == "sms-outbound");
    let count: i64 = usage.clone().map(|u| u.count).sum();
    let nanos: i64 = usage.map(|u| u.price_nanos).sum();
    assert_eq!((count, nanos), (12, 12 * 7_900_000));
}

pub async fn workspaces_belong_to_one_account(store: &dyn Store) {
    let main = store.create_main_account(main_account(0)).await.unwrap();
    let s = store
        .create_subaccount(sub(&main.sid, "s", 0))
        .await
        .unwrap();
    let ws = |account: &str, name: &str| WorkspaceRecord {
        seq: 0,
        sid: switchboard_wire::sid::new_sid("WS"),
        account_sid: account.into(),
        friendly_name: name.into(),
        event_callback_url: None,
        events_filter: None,
        multi_task_enabled: true,
        prioritize_queue_order: "FIFO".into(),
        default_activity_sid: switchboard_wire::sid::new_sid("WA"),
        timeout_activity_sid: switchboard_wire::sid::new_sid("WA"),
        date_created: 1,
        date_updated: 1,
    };
    let a = store
        .create_workspace(ws(&main.sid, "support"))
        .await
        .unwrap();
    let b = store.create_workspace(ws(&s.sid, "support")).await.unwrap();
    assert_eq!(
        store.workspace(&main.sid, &a.sid).await.unwrap().as_ref(),
        Some(&a)
    );
    assert!(
        store.workspace(&main.sid, &b.sid).await.unwrap().is_none(),
        "not the subaccount's"
    );
    let page = store
        .list_workspaces(&main.sid, Some("support".into()), PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let u = WorkspaceUpdate {
        friendly_name: Some("sales".into()),
        event_callback_url: Some(Some("https://e.x/y".into())),
        now: 5,
        ..Default::default()
    };
    let a2 = store.update_workspace(&main.sid, &a.sid, u).await.unwrap();
    assert_eq!(
        (
            a2.friendly_name.as_str(),
            a2.event_callback_url.as_deref(),
            a2.date_updated
        ),
        ("sales", Some("https://e.x/y"), 5)
    );
    let r = store
        .update_workspace(&main.sid, &b.sid, WorkspaceUpdate::default())
        .await;
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    assert!(matches!(
        store.delete_workspace(&main.sid, &b.sid).await,
        Err(StoreError::NotFound)
    ));
    store.delete_workspace(&s.sid, &b.sid).await.unwrap();
    assert!(store.workspace(&s.sid, &b.sid).await.unwrap().is_none());
}

/// Generates one `#[tokio::test]` per suite case. `$make` is an async expression producing a
/// fresh store for each case, as `Option<impl Store>`: `None` skips the case (a store that
/// is not configured on this machine, by explicit request only).
#[macro_export]
macro_rules! store_suite {
    ($make:expr) => {
        $crate::store_suite!(@cases $make;
            main_account_keeps_fixed_credentials,
            subaccounts_are_listed_with_their_tree,
            subaccounts_cannot_own_subaccounts,
            the_subaccount_limit_holds_under_concurrent_creates,
            status_changes_follow_the_rules,
            a_suspended_main_account_suspends_its_tree,
            pages_move_both_ways_by_key,
            closed_subaccounts_are_purged_after_retention,
            numbers_have_one_owner,
            numbers_are_listed_filtered_and_updated,
            addresses_gate_purchases_and_deletion,
            transfers_move_numbers_within_a_tree,
            closing_releases_numbers_and_purge_deletes_everything,
            numbers_are_charged_monthly_once,
            messages_are_checked_stored_and_charged,
            concurrent_messages_are_each_checked_and_stored_once,
            calls_progress_end_and_are_charged_once,
            inbound_traffic_goes_to_active_owners,
            keys_are_scoped_renamed_and_deleted,
            workspaces_belong_to_one_account,
            webhooks_are_queued_with_their_event_and_leased_in_order,
            twiml_effects_are_written_once_with_their_fetch,
            usage_rollups_equal_the_charges,
            prepaid_balances_hold_under_concurrent_traffic,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                if let Some(store) = $make.await {
                    $crate::testsuite::$case(&store).await;
                }
            }
        )*
    };
}
