//! API and signing keys on Postgres.

use async_trait::async_trait;
use switchboard_store::*;
use tokio_postgres::Row;

use crate::query::{exec, keyset_page, row_opt, Filter, List};
use crate::{pool_error, PostgresStore};

const SELECT: &str = "SELECT seq, sid, account_sid, friendly_name, kind, secret_hash, \
     date_created, date_updated FROM api_keys";

fn record(r: &Row) -> Result<KeyRecord> {
    let kind: String = r.get(4);
    Ok(KeyRecord {
        seq: r.get(0),
        sid: r.get(1),
        account_sid: r.get(2),
        friendly_name: r.get(3),
        kind: KeyKind::parse(&kind).unwrap_or(KeyKind::Standard),
        secret_hash: r.get(5),
        date_created: r.get(6),
        date_updated: r.get(7),
    })
}

fn kinds(signing: bool) -> &'static str {
    if signing {
        "kind = 'signing'"
    } else {
        "kind IN ('standard', 'main')"
    }
}

#[async_trait]
impl KeyStore for PostgresStore {
    async fn create_key(&self, k: KeyRecord) -> Result<KeyRecord> {
        self.changing_auth(async {
            let c = self.pool.get().await.map_err(pool_error)?;
            let row = row_opt(
                &c,
                "INSERT INTO api_keys (sid, account_sid, friendly_name, kind, secret_hash, date_created, \
                 date_updated) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
                &[&k.sid, &k.account_sid, &k.friendly_name, &k.kind.as_str(), &k.secret_hash, &k.date_created, &k.date_updated],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
            Ok(KeyRecord {
                seq: row.get(0),
                ..k
            })
        })
        .await
    }

    async fn key(&self, sid: &str) -> Result<Option<KeyRecord>> {
        let read = async {
            let c = self.pool.get().await.map_err(pool_error)?;
            let sql = format!("{SELECT} WHERE sid = $1");
            row_opt(&c, &sql, &[&sid])
                .await?
                .as_ref()
                .map(record)
                .transpose()
        };
        self.auth.key(sid, read).await
    }

    async fn list_keys(
        &self,
        account_sid: &str,
        signing: bool,
        req: PageRequest,
    ) -> Result<PageSlice<KeyRecord>> {
        let mut f = Filter::new("account_sid = $", account_sid.to_owned());
        f.and_sql(kinds(signing));
        let c = self.pool.get().await.map_err(pool_error)?;
        keyset_page(
            &c,
            &List {
                select: SELECT,
                key: "seq",
                newest_first: false,
            },
            f,
            req,
            record,
            |r| r.seq,
        )
        .await
    }

    async fn rename_key(
        &self,
        account_sid: &str,
        sid: &str,
        signing: bool,
        friendly_name: String,
        now: i64,
    ) -> Result<KeyRecord> {
        self.changing_auth(async {
            let c = self.pool.get().await.map_err(pool_error)?;
            let sql = format!(
                "UPDATE api_keys SET friendly_name = $3, date_updated = $4 \
                 WHERE sid = $1 AND account_sid = $2 AND {} RETURNING seq, sid, account_sid, \
                 friendly_name, kind, secret_hash, date_created, date_updated",
                kinds(signing)
            );
            row_opt(&c, &sql, &[&sid, &account_sid, &friendly_name, &now])
                .await?
                .as_ref()
                .map(record)
                .transpose()?
                .ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn delete_key(&self, account_sid: &str, sid: &str, signing: bool) -> Result<()> {
        self.changing_auth(async {
            let c = self.pool.get().await.map_err(pool_error)?;
            let sql = format!(
                "DELETE FROM api_keys WHERE sid = $1 AND account_sid = $2 AND {}",
                kinds(signing)
            );
            if exec(&c, &sql, &[&sid, &account_sid]).await? == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        })
        .await
    }
}
