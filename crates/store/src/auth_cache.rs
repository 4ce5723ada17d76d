//! Accounts and keys remembered between requests.
//!
//! Every authenticated request reads its account (and, with an API key, the key) before
//! anything else; under load that read was a third of a call fetch on SQLite and one of a
//! message's three round trips on Postgres. The stores answer [`crate::AccountStore::account`]
//! and [`crate::KeyStore::key`] from here while nothing has changed accounts or keys since.
//!
//! Correctness rests on one counter, the generation: a store bumps it after every committed
//! (or abandoned) write to the `accounts` or `keys` tables, before the writer is answered, and
//! whenever it learns of another process's such write (SQLite: a trigger-kept counter polled
//! every 100 ms; Postgres: `LISTEN` on a channel the tables' triggers notify). An entry is
//! stamped with the generation read *before* its row was loaded and is used only while the
//! generation is unchanged, so a row read before a change can never outlive it. A store that
//! cannot hear other processes (its Postgres listener is down) turns the cache off.
//!
//! What that leaves: another instance's or process's change is seen after its notification
//! arrives (about a millisecond on Postgres, at most 100 ms for a CLI write on SQLite). A
//! request in that window acts as if it had arrived just before the change.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::RwLock;

use crate::{AccountRecord, KeyRecord, Result};

/// How long after a change to accounts or keys every running instance has heard of it
/// (SQLite polls every 100 ms; Postgres notifies at commit): a writer that is not a
/// server, such as the CLI, waits this long before it says it is done, so that what runs
/// after it sees the change everywhere.
pub const PROPAGATION: std::time::Duration = std::time::Duration::from_millis(500);

/// Entries kept before the cache starts over: bounds memory whatever the SIDs asked for.
const MAX_ENTRIES: usize = 100_000;

/// Entries of one kind, each with the generation it was loaded at.
type Entries<T> = RwLock<HashMap<String, (u64, T)>>;

pub struct AuthCache {
    generation: AtomicU64,
    live: AtomicBool,
    accounts: Entries<AccountRecord>,
    keys: Entries<KeyRecord>,
}

impl AuthCache {
    /// A cache that answers from the start (`live`), or only once [`AuthCache::set_live`].
    pub fn new(live: bool) -> Self {
        AuthCache {
            generation: AtomicU64::new(0),
            live: AtomicBool::new(live),
            accounts: RwLock::new(HashMap::new()),
            keys: RwLock::new(HashMap::new()),
        }
    }

    /// Accounts or keys changed: every entry loaded so far is stale.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether changes made elsewhere are being heard; entries are neither used nor kept
    /// while they are not. Turning it on starts a new generation, since changes may have
    /// been missed meanwhile.
    pub fn set_live(&self, live: bool) {
        if live {
            self.invalidate();
        }
        self.live.store(live, Ordering::SeqCst);
        if !live {
            self.invalidate();
        }
    }

    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::SeqCst)
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The account `sid`, from the cache or from `load`.
    pub async fn account<F>(&self, sid: &str, load: F) -> Result<Option<AccountRecord>>
    where
        F: Future<Output = Result<Option<AccountRecord>>>,
    {
        self.get_or_load(&self.accounts, sid, load).await
    }

    /// The key `sid`, from the cache or from `load`.
    pub async fn key<F>(&self, sid: &str, load: F) -> Result<Option<KeyRecord>>
    where
        F: Future<Output = Result<Option<KeyRecord>>>,
    {
        self.get_or_load(&self.keys, sid, load).await
    }

    async fn get_or_load<T: Clone, F>(
        &self,
        entries: &Entries<T>,
        sid: &str,
        load: F,
    ) -> Result<Option<T>>
    where
        F: Future<Output = Result<Option<T>>>,
    {
        if !self.is_live() {
            return load.await;
        }
        let generation = self.generation();
        if let Some((at, value)) = entries.read().unwrap_or_else(|e| e.into_inner()).get(sid) {
            if *at == generation {
                return Ok(Some(value.clone()));
            }
        }
        let loaded = load.await?;
        // Absent SIDs are not remembered: anyone can ask for any number of them.
        if let Some(value) = &loaded {
            let mut map = entries.write().unwrap_or_else(|e| e.into_inner());
            // Checked under the lock, after the load: a change since `generation` was read
            // may be missing from what was loaded.
            if self.is_live() && self.generation() == generation {
                if map.len() >= MAX_ENTRIES {
                    map.clear();
                }
                map.insert(sid.to_owned(), (generation, value.clone()));
            }
        }
        Ok(loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyKind;

    fn key(name: &str) -> KeyRecord {
        KeyRecord {
            seq: 1,
            sid: "SK1".into(),
            account_sid: "AC1".into(),
            friendly_name: name.into(),
            kind: KeyKind::Standard,
            secret_hash: String::new(),
            date_created: 0,
            date_updated: 0,
        }
    }

    /// The loaders here never wait, so one poll finishes them.
    fn block<T>(f: impl Future<Output = T>) -> T {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match std::pin::pin!(f).poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("a loader waited"),
        }
    }

    #[test]
    fn answers_until_invalidated() {
        let cache = AuthCache::new(true);
        block(async {
            let first = cache.key("SK1", async { Ok(Some(key("a"))) }).await;
            assert_eq!(first.unwrap().unwrap().friendly_name, "a");
            // Cached: the loader is not consulted.
            let again = cache.key("SK1", async { Ok(Some(key("b"))) }).await;
            assert_eq!(again.unwrap().unwrap().friendly_name, "a");
            cache.invalidate();
            let fresh = cache.key("SK1", async { Ok(Some(key("b"))) }).await;
            assert_eq!(fresh.unwrap().unwrap().friendly_name, "b");
        });
    }

    #[test]
    fn a_row_loaded_across_a_change_is_not_kept() {
        let cache = AuthCache::new(true);
        block(async {
            // The change lands while the row is being loaded (the loaded row may predate it).
            let loaded = cache
                .key("SK1", async {
                    cache.invalidate();
                    Ok(Some(key("old")))
                })
                .await;
            assert_eq!(loaded.unwrap().unwrap().friendly_name, "old");
            let next = cache.key("SK1", async { Ok(Some(key("new"))) }).await;
            assert_eq!(next.unwrap().unwrap().friendly_name, "new");
        });
    }

    #[test]
    fn not_live_means_always_loaded_and_absent_is_not_kept() {
        let cache = AuthCache::new(false);
        block(async {
            cache
                .key("SK1", async { Ok(Some(key("a"))) })
                .await
                .unwrap();
            let b = cache.key("SK1", async { Ok(Some(key("b"))) }).await;
            assert_eq!(b.unwrap().unwrap().friendly_name, "b");
            cache.set_live(true);
            assert!(cache
                .key("SK1", async { Ok(None) })
                .await
                .unwrap()
                .is_none());
            let c = cache.key("SK1", async { Ok(Some(key("c"))) }).await;
            assert_eq!(c.unwrap().unwrap().friendly_name, "c");
            cache.set_live(false);
            let d = cache.key("SK1", async { Ok(Some(key("d"))) }).await;
            assert_eq!(d.unwrap().unwrap().friendly_name, "d");
        });
    }
}
