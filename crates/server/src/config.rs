//! Where the data lives: `--database-url` to a store.

use std::path::PathBuf;
use std::sync::Arc;

use switchboard_store::Store;
use switchboard_store_postgres::PostgresStore;
use switchboard_store_sqlite::{SqliteOptions, SqliteStore, Synchronous};

/// The default: an SQLite file under `./data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/switchboard.db";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// `postgres://...` or `postgresql://...` selects Postgres; `sqlite://relative/path`,
    /// `sqlite:///absolute/path`, `sqlite:path` or a bare path select SQLite.
    pub fn parse(s: &str) -> Self {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return DatabaseUrl::Postgres(s.to_owned());
        }
        let path = s
            .strip_prefix("sqlite://")
            .or_else(|| s.strip_prefix("sqlite:"))
            .unwrap_or(s);
        DatabaseUrl::Sqlite(PathBuf::from(path))
    }
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub sqlite_synchronous: Synchronous,
    pub sqlite_readers: usize,
    pub postgres_pool_size: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            sqlite_synchronous: Synchronous::Full,
            sqlite_readers: 4,
            postgres_pool_size: 16,
        }
    }
}

/// The number inventory: defaults, or the JSON file `--numbers-config` names (see
/// `switchboard_numbering::InventoryConfig` and the README).
pub fn load_inventory(
    path: Option<&std::path::Path>,
) -> anyhow::Result<switchboard_numbering::Inventory> {
    let config = match path {
        None => switchboard_numbering::InventoryConfig::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| anyhow::anyhow!("reading {}: {e}", p.display()))?;
            serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        }
    };
    switchboard_numbering::Inventory::generate(&config)
        .map_err(|e| anyhow::anyhow!("number inventory: {e}"))
}

/// Open the store the URL names and run its migrations.
pub async fn open_store(url: &DatabaseUrl, opts: &StoreOptions) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match url {
        DatabaseUrl::Sqlite(path) => {
            let mut o = SqliteOptions::new(path);
            o.synchronous = opts.sqlite_synchronous;
            o.readers = opts.sqlite_readers;
            Arc::new(tokio::task::block_in_place(|| SqliteStore::open(&o))?)
        }
        DatabaseUrl::Postgres(u) => {
            Arc::new(PostgresStore::connect(u, opts.postgres_pool_size).await?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_numbers_config_loads() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/numbers-config.example.json"
        );
        let inv = load_inventory(Some(std::path::Path::new(path))).unwrap();
        assert_eq!(inv.countries().len(), 3);
        let q = switchboard_numbering::SearchQuery::default();
        let gb = inv
            .search("GB", switchboard_numbering::NumberType::Local, &q)
            .next()
            .unwrap();
        assert_eq!(gb.address_requirements, "none");
        let us = inv
            .search("US", switchboard_numbering::NumberType::Local, &q)
            .next()
            .unwrap();
        assert_eq!(us.monthly_price.to_string(), "1.00");
        assert!(load_inventory(Some(std::path::Path::new("/nonexistent.json"))).is_err());
    }

    #[test]
    fn database_urls() {
        assert_eq!(
            DatabaseUrl::parse(DEFAULT_DATABASE_URL),
            DatabaseUrl::Sqlite("data/switchboard.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db"),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:x.db"),
            DatabaseUrl::Sqlite("x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("/var/lib/sb.db"),
            DatabaseUrl::Sqlite("/var/lib/sb.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db"),
            DatabaseUrl::Postgres("postgres://u@h/db".into())
        );
    }
}
