//! The shared store suite on Postgres. Needs `SWITCHBOARD_TEST_POSTGRES_URL` (the test script
//! starts a throwaway cluster and sets it); without it each case fails, unless
//! `SWITCHBOARD_SKIP_POSTGRES=1` says to skip Postgres on this machine.

use switchboard_store_postgres::{create_scratch_database, PostgresStore};

async fn fresh() -> Option<PostgresStore> {
    let Ok(admin) = std::env::var("SWITCHBOARD_TEST_POSTGRES_URL") else {
        if std::env::var("SWITCHBOARD_SKIP_POSTGRES").as_deref() == Ok("1") {
            eprintln!("SWITCHBOARD_SKIP_POSTGRES=1: Postgres case skipped");
            return None;
        }
        panic!("set SWITCHBOARD_TEST_POSTGRES_URL (or SWITCHBOARD_SKIP_POSTGRES=1)");
    };
    let url = create_scratch_database(&admin).await.unwrap();
    Some(PostgresStore::connect(&url, 8).await.unwrap())
}

switchboard_store::store_suite!(fresh());

/// Two instances on one database, as several servers behind a load balancer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_instances_see_account_and_key_changes() {
    let Ok(admin) = std::env::var("SWITCHBOARD_TEST_POSTGRES_URL") else {
        // As `fresh`: skipped only when asked to, else it fails there.
        assert!(fresh().await.is_none());
        return;
    };
    let url = create_scratch_database(&admin).await.unwrap();
    let a = PostgresStore::connect(&url, 4).await.unwrap();
    let b = PostgresStore::connect(&url, 4).await.unwrap();
    switchboard_store::testsuite::other_instances_see_account_and_key_changes(&a, &b).await;
}

/// A listener that loses its connection misses notifications: the cache is off until it
/// listens again, and what it held before is not used after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_listener_turns_the_cache_off_until_it_listens_again() {
    use std::time::{Duration, Instant};
    use switchboard_store::{AccountStore, OperatorUpdate};

    let Ok(admin) = std::env::var("SWITCHBOARD_TEST_POSTGRES_URL") else {
        assert!(fresh().await.is_none());
        return;
    };
    let url = create_scratch_database(&admin).await.unwrap();
    let a = PostgresStore::connect(&url, 4).await.unwrap();
    let b = PostgresStore::connect(&url, 4).await.unwrap();
    let until = |what: &str, deadline: Instant| {
        assert!(Instant::now() < deadline, "{what}");
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while !(a.caches_accounts() && b.caches_accounts()) {
        until("both listen", deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let main = a
        .create_main_account(switchboard_store::testsuite::main_account(0))
        .await
        .unwrap();
    assert_eq!(
        b.account(&main.sid).await.unwrap().unwrap().friendly_name,
        "Main"
    );

    // Both listeners' connections end; a renames while nobody listens.
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let killed = client
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(killed.len(), 2, "two listeners");
    let rename = OperatorUpdate {
        friendly_name: Some("renamed".into()),
        now: 5,
        ..Default::default()
    };
    a.operator_update_account(&main.sid, rename).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while b.account(&main.sid).await.unwrap().unwrap().friendly_name != "renamed" {
        until("the rename reaches b", deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The listeners come back (a second later), and with them the cache.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !(a.caches_accounts() && b.caches_accounts()) {
        until("both listen again", deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let again = OperatorUpdate {
        friendly_name: Some("again".into()),
        now: 6,
        ..Default::default()
    };
    b.account(&main.sid).await.unwrap();
    a.operator_update_account(&main.sid, again).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while b.account(&main.sid).await.unwrap().unwrap().friendly_name != "again" {
        until("the second rename reaches b", deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
