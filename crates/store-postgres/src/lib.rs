//! The Postgres store. Every write is one transaction; rows that a rule reads are locked
//! (`FOR UPDATE`/`FOR SHARE`) first, always parent before child, so concurrent requests on
//! any number of server instances serialise where they must and nowhere else. Traffic is
//! the exception that reads without locking (see `messages::owned_number`): outbound
//! messages are stored many to a statement (`batch.rs`), their checks made in it.

mod accounts;
mod addresses;
mod batch;
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
mod workspaces;

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use switchboard_store::auth_cache::AuthCache;
use switchboard_store::{Result, StoreError};
use tokio_postgres::{AsyncMessage, NoTls};

/// The Postgres [`switchboard_store::Store`].
pub struct PostgresStore {
    pool: Pool,
    /// Accounts and keys between requests, while `listener` hears every change to them.
    auth: Arc<AuthCache>,
    listener: tokio::task::JoinHandle<()>,
    /// Outbound messages checked against the cache are stored in groups.
    messages: batch::Batcher,
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

/// The channel that changes to accounts and keys notify (migration 0011).
const AUTH_CHANNEL: &str = "switchboard_auth";

/// Keep a connection listening on [`AUTH_CHANNEL`] and invalidate `auth` on each
/// notification. The cache is used only while the listener is connected: a change made
/// while it is not could not be heard.
async fn listen_for_auth_changes(config: tokio_postgres::Config, auth: Arc<AuthCache>) {
    loop {
        if let Err(e) = listen_once(&config, &auth).await {
            tracing::warn!(error = %e, "postgres: the listener for account changes stopped; retrying");
        }
        auth.set_live(false);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn listen_once(
    config: &tokio_postgres::Config,
    auth: &AuthCache,
) -> std::result::Result<(), tokio_postgres::Error> {
    let (client, mut conn) = config.connect(NoTls).await?;
    let mut next = move |cx: &mut std::task::Context<'_>| conn.poll_message(cx);
    // The connection must be driven while LISTEN runs; anything it yields first is ours.
    let sql = format!("LISTEN {AUTH_CHANNEL}");
    let listen = client.batch_execute(&sql);
    tokio::pin!(listen);
    loop {
        tokio::select! {
            done = &mut listen => { done?; break; }
            message = std::future::poll_fn(&mut next) => match message {
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
        }
    }
    auth.set_live(true);
    loop {
        match std::future::poll_fn(&mut next).await {
            Some(Ok(AsyncMessage::Notification(_))) => auth.invalidate(),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e),
            None => return Ok(()),
        }
    }
}

pub(crate) fn pg_error(e: tokio_postgres::Error) -> StoreError {
    use tokio_postgres::error::SqlState;
    match e.code() {
        Some(c) if *c == SqlState::UNIQUE_VIOLATION => StoreError::Conflict(e.to_string()),
        Some(c)
            if *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED =>
        {
            StoreError::Unavailable(e.to_string())
        }
        None => StoreError::Unavailable(e.to_string()),
        _ => StoreError::Other(e.to_string()),
    }
}

pub(crate) fn pool_error(e: deadpool_postgres::PoolError) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

impl PostgresStore {
    /// Connect with a pool of `pool_size` connections and run migrations.
    pub async fn connect(url: &str, pool_size: usize) -> Result<Self> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| StoreError::Unavailable(e.to_string()))?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(1))
            .build()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let mut client = pool.get().await.map_err(pool_error)?;
        migrate::run(&mut client).await?;
        drop(client);
        let auth = Arc::new(AuthCache::new(false));
        let listener = tokio::spawn(listen_for_auth_changes(config, auth.clone()));
        let messages = batch::Batcher::start(pool.clone());
        Ok(PostgresStore {
            pool,
            auth,
            listener,
            messages,
        })
    }

    /// Whether accounts and keys are being cached: the listener for their changes is
    /// connected.
    pub fn caches_accounts(&self) -> bool {
        self.auth.is_live()
    }

    /// Run a write that may change accounts or keys, then drop the cache of them: this
    /// instance sees the change at once (others when its notification arrives). Whether it
    /// committed or not: dropping too much costs only reads.
    pub(crate) async fn changing_auth<T>(
        &self,
        write: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let result = write.await;
        self.auth.invalidate();
        result
    }
}

impl switchboard_store::Store for PostgresStore {
    fn kind(&self) -> &'static str {
        "postgres"
    }
}

/// Create an empty database beside the one `admin_url` names (a `postgres://` URL) and
/// return its URL. Tests use it so that every case starts from nothing.
pub async fn create_scratch_database(admin_url: &str) -> Result<String> {
    let (client, conn) = tokio_postgres::connect(admin_url, NoTls)
        .await
        .map_err(pg_error)?;
    let task = tokio::spawn(conn);
    let name = format!("switchboard_test_{:016x}", rand::random::<u64>());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .map_err(pg_error)?;
    drop(client);
    let _ = task.await;
    with_database(admin_url, &name)
}

/// `admin_url` with its database name replaced by `name`.
fn with_database(admin_url: &str, name: &str) -> Result<String> {
    let bad = || StoreError::Other(format!("not a postgres:// URL: {admin_url}"));
    let rest = admin_url
        .strip_prefix("postgres://")
        .or_else(|| admin_url.strip_prefix("postgresql://"))
        .ok_or_else(bad)?;
    let (authority, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let query = tail
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    Ok(format!("postgres://{authority}/{name}{query}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn scratch_urls_keep_host_and_options() {
        assert_eq!(
            super::with_database("postgres://u@h:5/db?sslmode=disable", "x").unwrap(),
            "postgres://u@h:5/x?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "x").unwrap(),
            "postgres://u@h/x"
        );
        assert!(super::with_database("mysql://u@h", "x").is_err());
    }
}
