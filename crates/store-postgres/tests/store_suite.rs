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
