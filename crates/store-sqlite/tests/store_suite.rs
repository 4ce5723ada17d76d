//! The shared store suite on SQLite.

use switchboard_store_sqlite::{SqliteOptions, SqliteStore};

async fn fresh() -> Option<SqliteStore> {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&SqliteOptions::new(dir.path().join("test.db"))).unwrap();
    // The directory must outlive the store; leak it for the test's duration.
    std::mem::forget(dir);
    Some(store)
}

switchboard_store::store_suite!(fresh());

/// A second store on the same file: another process (the CLI) beside a server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_instances_see_account_and_key_changes() {
    let dir = tempfile::tempdir().unwrap();
    let opts = SqliteOptions::new(dir.path().join("test.db"));
    let a = SqliteStore::open(&opts).unwrap();
    let b = SqliteStore::open(&opts).unwrap();
    switchboard_store::testsuite::other_instances_see_account_and_key_changes(&a, &b).await;
}
