//! The embedded store: SQLite through rusqlite.
//!
//! Writes go to one thread that owns the only writable connection. It takes every write
//! waiting in its channel, runs each in its own savepoint inside one transaction, commits
//! once, and only then answers each request (group commit: one fsync for many requests).
//! Reads run on a few reader threads with read-only connections; WAL lets them proceed while
//! the writer commits. See `shared/docs/design.md` for the measurements behind this shape.

mod accounts;
mod addresses;
mod calls;
mod charges;
mod incoming_phone_numbers;
mod keys;
mod messages;
mod migrate;
mod notifications;
mod query;
mod recordings;
mod twiml;
mod usage;
mod usage_triggers;
mod webhooks;
mod worker;
mod workspaces;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::Duration;

use rusqlite::OpenFlags;
use switchboard_store::auth_cache::AuthCache;

pub use worker::Synchronous;

/// How to open the database.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    pub path: PathBuf,
    pub synchronous: Synchronous,
    pub readers: usize,
}

impl SqliteOptions {
    pub fn new(path: impl AsRef<Path>) -> Self {
        SqliteOptions {
            path: path.as_ref().to_path_buf(),
            synchronous: Synchronous::Full,
            readers: 4,
        }
    }
}

/// The SQLite [`switchboard_store::Store`].
pub struct SqliteStore {
    writer: worker::Writer,
    readers: worker::Readers,
    auth: Arc<AuthCache>,
}

/// How often the counter of changes to accounts and keys is read, for other processes'
/// changes (this process's own invalidate the cache as they commit).
const AUTH_POLL: Duration = Duration::from_millis(100);

impl SqliteStore {
    /// Open (creating the file and its folder if needed) and migrate.
    pub fn open(opts: &SqliteOptions) -> switchboard_store::Result<Self> {
        if let Some(dir) = opts.path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    switchboard_store::StoreError::Unavailable(format!("{}: {e}", dir.display()))
                })?;
            }
        }
        let auth = Arc::new(AuthCache::new(true));
        let writer =
            worker::Writer::start(&opts.path, opts.synchronous, migrate::run, auth.clone())?;
        let readers = worker::Readers::start(&opts.path, opts.readers.max(1))?;
        watch_auth_generation(&opts.path, Arc::downgrade(&auth))?;
        Ok(SqliteStore {
            writer,
            readers,
            auth,
        })
    }
}

/// A thread that invalidates the cache of accounts and keys when another process (the CLI)
/// has changed them; it ends with the store.
fn watch_auth_generation(path: &Path, auth: Weak<AuthCache>) -> switchboard_store::Result<()> {
    let unavailable =
        |e: rusqlite::Error| switchboard_store::StoreError::Unavailable(e.to_string());
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(unavailable)?;
    conn.busy_timeout(Duration::from_secs(5))
        .map_err(unavailable)?;
    let read = move || -> Option<i64> {
        conn.prepare_cached("SELECT n FROM auth_generation")
            .and_then(|mut st| st.query_row([], |r| r.get(0)))
            .ok()
    };
    let mut seen = read();
    std::thread::Builder::new()
        .name("sqlite-auth-watch".into())
        .spawn(move || loop {
            std::thread::sleep(AUTH_POLL);
            let Some(auth) = auth.upgrade() else { return };
            let now = read();
            // An unreadable counter is treated as a change: the cache starts over.
            if now != seen || now.is_none() {
                auth.invalidate();
                seen = now;
            }
        })
        .map_err(|e| switchboard_store::StoreError::Unavailable(e.to_string()))?;
    Ok(())
}

impl switchboard_store::Store for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }
}
