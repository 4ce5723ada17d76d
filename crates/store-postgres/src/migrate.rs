//! Embedded migrations (same file names as the SQLite store), applied under an advisory
//! lock so that several instances starting together migrate once.

use switchboard_store::Result;

use crate::pg_error;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_accounts",
        include_str!("../migrations/0001_accounts.sql"),
    ),
    (
        2,
        "0002_numbers",
        include_str!("../migrations/0002_numbers.sql"),
    ),
    (
        3,
        "0003_messages_calls",
        include_str!("../migrations/0003_messages_calls.sql"),
    ),
    (4, "0004_keys", include_str!("../migrations/0004_keys.sql")),
    (
        5,
        "0005_workspaces",
        include_str!("../migrations/0005_workspaces.sql"),
    ),
    (
        6,
        "0006_webhooks",
        include_str!("../migrations/0006_webhooks.sql"),
    ),
    (
        7,
        "0007_twiml",
        include_str!("../migrations/0007_twiml.sql"),
    ),
    (
        8,
        "0008_usage",
        include_str!("../migrations/0008_usage.sql"),
    ),
    (
        9,
        "0009_usage_triggers",
        include_str!("../migrations/0009_usage_triggers.sql"),
    ),
    (
        10,
        "0010_prepaid",
        include_str!("../migrations/0010_prepaid.sql"),
    ),
    (
        11,
        "0011_auth_generation",
        include_str!("../migrations/0011_auth_generation.sql"),
    ),
];

/// An arbitrary constant naming Switchboard's migration lock.
const LOCK_KEY: i64 = 0x5357_4954_4348;

pub async fn run(client: &mut deadpool_postgres::Client) -> Result<()> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY])
        .await
        .map_err(pg_error)?;
    let result = apply(client).await;
    let _ = client
        .execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY])
        .await;
    result
}

async fn apply(client: &mut deadpool_postgres::Client) -> Result<()> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )",
        )
        .await
        .map_err(pg_error)?;
    for (version, name, sql) in MIGRATIONS {
        let tx = client.transaction().await.map_err(pg_error)?;
        let done = tx
            .query_opt(
                "SELECT 1 FROM schema_migrations WHERE version = $1",
                &[version],
            )
            .await
            .map_err(pg_error)?
            .is_some();
        if !done {
            tx.batch_execute(sql).await.map_err(pg_error)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[version, name],
            )
            .await
            .map_err(pg_error)?;
            tracing::info!(migration = name, "applied");
        }
        tx.commit().await.map_err(pg_error)?;
    }
    Ok(())
}
