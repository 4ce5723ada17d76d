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
