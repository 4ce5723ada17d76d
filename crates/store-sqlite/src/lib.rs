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
}

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
        let writer = worker::Writer::start(&opts.path, opts.synchronous, migrate::run)?;
        let readers = worker::Readers::start(&opts.path, opts.readers.max(1))?;
        Ok(SqliteStore { writer, readers })
    }
}

impl switchboard_store::Store for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }
}
