//! Embedded migrations, applied in order at start inside the writer's connection.
//! The Postgres store has the same file names.

use rusqlite::Connection;

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

pub fn run(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL
        )",
    )?;
    for (version, name, sql) in MIGRATIONS {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
            [version],
            |r| r.get(0),
        )?;
        if !done {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, datetime('now'))",
                rusqlite::params![version, name],
            )?;
            tracing::info!(migration = name, "applied");
        }
        tx.commit()?;
    }
    Ok(())
}
