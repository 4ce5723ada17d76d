//! The Postgres store. Every write is one transaction; rows that a rule reads are locked
//! (`FOR UPDATE`/`FOR SHARE`) first, always parent before child, so concurrent requests on
//! any number of server instances serialise where they must and nowhere else.

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
mod workspaces;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use switchboard_store::{Result, StoreError};
use tokio_postgres::NoTls;

/// The Postgres [`switchboard_store::Store`].
pub struct PostgresStore {
    pool: Pool,
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
            config,
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
        Ok(PostgresStore { pool })
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
