//! Charges on Postgres.

use async_trait::async_trait;
use switchboard_store::*;

use crate::query::rows;
use crate::{pool_error, PostgresStore};

#[async_trait]
impl ChargeStore for PostgresStore {
    async fn charges(&self, account_sid: &str) -> Result<Vec<ChargeRecord>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let found = rows(
            &c,
            "SELECT seq, account_sid, category, resource_sid, amount, currency, description, \
             idempotency_key, charged_at FROM charges WHERE account_sid = $1 ORDER BY charged_at, seq",
            &[&account_sid],
        )
        .await?;
        Ok(found
            .iter()
            .map(|r| ChargeRecord {
                seq: r.get(0),
                account_sid: r.get(1),
                category: r.get(2),
                resource_sid: r.get(3),
                amount: r.get(4),
                currency: r.get(5),
                description: r.get(6),
                idempotency_key: r.get(7),
                charged_at: r.get(8),
            })
            .collect())
    }
}
