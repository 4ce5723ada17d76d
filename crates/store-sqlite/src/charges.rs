//! Charges on SQLite.

use async_trait::async_trait;
use switchboard_store::*;

use crate::worker::sql_error;
use crate::SqliteStore;

#[async_trait]
impl ChargeStore for SqliteStore {
    async fn charges(&self, account_sid: &str) -> Result<Vec<ChargeRecord>> {
        let a = account_sid.to_owned();
        self.readers
            .read(move |c| {
                c.prepare_cached(
                    "SELECT seq, account_sid, category, resource_sid, amount, currency, description, \
                     idempotency_key, charged_at FROM charges WHERE account_sid = ?1 \
                     ORDER BY charged_at, seq",
                )
                .and_then(|mut st| {
                    st.query_map([a], |r| {
                        Ok(ChargeRecord {
                            seq: r.get(0)?,
                            account_sid: r.get(1)?,
                            category: r.get(2)?,
                            resource_sid: r.get(3)?,
                            amount: r.get(4)?,
                            currency: r.get(5)?,
                            description: r.get(6)?,
                            idempotency_key: r.get(7)?,
                            charged_at: r.get(8)?,
                        })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(sql_error)
            })
            .await
    }
}
