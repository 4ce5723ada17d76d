//! The writer thread (group commit) and the reader threads.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};
use switchboard_store::auth_cache::AuthCache;
use switchboard_store::{Result, StoreError};
use tokio::sync::oneshot;

/// `PRAGMA synchronous`. `Full` (the default) fsyncs every commit, so an acknowledged write
/// survives power loss; group commit keeps that affordable. `Normal` survives a process
/// crash but may lose the last commits on power loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    Full,
    Normal,
}

/// Writes that arrive while a batch runs join the next one; this caps a batch.
const MAX_BATCH: usize = 256;

/// Called once the batch's commit is known: `Ok` when it committed.
type Reply = Box<dyn FnOnce(std::result::Result<(), String>) + Send>;
/// A write: runs inside its own savepoint and says whether it succeeded; given no
/// connection, it does not run and answers the batch's error.
type Job = Box<dyn FnOnce(Option<&Connection>) -> (bool, Reply) + Send>;

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

pub(crate) fn sql_error(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => StoreError::Conflict(e.to_string()),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            unavailable(e)
        }
        _ => StoreError::Other(e.to_string()),
    }
}

/// SQLite tracks memory statistics behind one global mutex taken on every allocation; with
/// several connections busy at once that mutex is where time goes (measured: futex waits in
/// `dbMallocRawFinish` dominated a message-creation profile). Nothing here reads those
/// statistics, so they are turned off, once, before the first connection exists.
fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config is called before any other SQLite call of this process
        // (connections are only opened after this), as its contract requires; if SQLite was
        // already initialised it returns SQLITE_MISUSE and changes nothing.
        unsafe {
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0);
        }
    });
}

fn open(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    configure_sqlite();
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // The bundled SQLite is built with STAT4, which re-plans a statement whenever its bound
    // values change: every list query (ORDER BY ... LIMIT) was parsed again on each run
    // (measured: 19,999 re-prepares in 20,000). A stable plan per statement is what we want.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

pub struct Writer {
    tx: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub fn start(
        path: &Path,
        sync: Synchronous,
        migrate: fn(&mut Connection) -> rusqlite::Result<()>,
        auth: Arc<AuthCache>,
    ) -> Result<Self> {
        let mut conn = open(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(unavailable)?;
        let sync = match sync {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        };
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON;"
        ))
        .map_err(unavailable)?;
        migrate(&mut conn).map_err(sql_error)?;
        // Rows of accounts and keys written in this batch (triggers included): the batch's
        // end invalidates the cache of them.
        let touched = Arc::new(AtomicBool::new(false));
        let flag = touched.clone();
        conn.update_hook(Some(move |_, _: &str, table: &str, _| {
            if matches!(table, "accounts" | "api_keys" | "auth_generation") {
                flag.store(true, Ordering::Relaxed);
            }
        }))
        .map_err(unavailable)?;
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                writer_loop(conn, rx, || {
                    if touched.swap(false, Ordering::Relaxed) {
                        auth.invalidate();
                    }
                })
            })
            .map_err(unavailable)?;
        Ok(Writer {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    /// Run `f` in the next batch and answer after that batch has committed.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = match conn {
                Some(conn) => f(conn),
                None => Err(unavailable("not run")),
            };
            let ok = result.is_ok();
            let reply: Reply = Box::new(move |commit| {
                let out = match commit {
                    Ok(()) => result,
                    Err(e) => Err(StoreError::Unavailable(e)),
                };
                let _ = tx.send(out);
            });
            (ok, reply)
        });
        let sender = self
            .tx
            .as_ref()
            .ok_or_else(|| unavailable("writer stopped"))?;
        sender
            .send(job)
            .map_err(|_| unavailable("writer stopped"))?;
        rx.await.map_err(|_| unavailable("write abandoned"))?
    }
}

impl Drop for Writer {
    /// Closing the channel lets the writer finish every queued write, then it exits; joining
    /// here means a graceful shutdown never drops an acknowledged or queued write.
    fn drop(&mut self) {
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Transaction control through the statement cache: `execute_batch` would parse it again
/// for every write.
fn control(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

/// `settled` runs once a batch has committed or rolled back, before anyone is answered.
fn writer_loop(conn: Connection, rx: mpsc::Receiver<Job>, settled: impl Fn()) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = control(&conn, "BEGIN IMMEDIATE") {
            tracing::error!(error = %e, "sqlite: cannot begin a write batch");
            // Every job still gets an answer: an error, since none ran.
            for job in batch {
                let (_, reply) = job(None);
                reply(Err(e.to_string()));
            }
            continue;
        }
        let replies: Vec<Reply> = batch
            .into_iter()
            .map(|job| {
                let (_, reply) = run_job(&conn, job);
                reply
            })
            .collect();
        let outcome = control(&conn, "COMMIT").map_err(|e| {
            tracing::error!(error = %e, "sqlite: commit failed");
            let _ = control(&conn, "ROLLBACK");
            e.to_string()
        });
        settled();
        for reply in replies {
            reply(outcome.clone());
        }
    }
}

/// One job in its own savepoint, so a failed or panicking job leaves nothing behind while
/// the rest of the batch commits.
fn run_job(conn: &Connection, job: Job) -> (bool, Reply) {
    if let Err(e) = control(conn, "SAVEPOINT job") {
        let msg = e.to_string();
        return (
            false,
            Box::new(move |_| tracing::error!(error = %msg, "sqlite: savepoint")),
        );
    }
    let (ok, reply) = match catch_unwind(AssertUnwindSafe(|| job(Some(conn)))) {
        Ok(r) => r,
        Err(_) => {
            tracing::error!("sqlite: a write panicked; rolled back");
            (false, Box::new(|_| {}) as Reply)
        }
    };
    if !ok {
        let _ = control(conn, "ROLLBACK TO job");
    }
    let _ = control(conn, "RELEASE job");
    (ok, reply)
}

/// Read-only connections, used on the calling thread. A read from SQLite's page cache takes
/// a few microseconds, less than handing it to another thread and back would; connections
/// are opened on demand, one per concurrent reader, and reused.
pub struct Readers {
    path: std::path::PathBuf,
    idle: std::sync::Mutex<Vec<Connection>>,
}

impl Readers {
    pub fn start(path: &Path, n: usize) -> Result<Self> {
        let idle = (0..n)
            .map(|_| {
                open(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(unavailable)?;
        Ok(Readers {
            path: path.to_path_buf(),
            idle: std::sync::Mutex::new(idle),
        })
    }

    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match taken {
            Some(c) => c,
            None => open(
                &self.path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(unavailable)?,
        };
        let out = catch_unwind(AssertUnwindSafe(|| f(&conn)));
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(conn);
        out.unwrap_or_else(|_| Err(StoreError::Other("a read panicked".into())))
    }
}
