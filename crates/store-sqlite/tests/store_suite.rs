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
