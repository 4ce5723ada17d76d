//! API and signing keys on SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use switchboard_store::*;

use crate::query::{keyset_page, Filter, List};
use crate::worker::sql_error;
use crate::SqliteStore;

const SELECT: &str = "SELECT seq, sid, account_sid, friendly_name, kind, secret_hash, \
     date_created, date_updated FROM api_keys";

fn row(r: &Row<'_>) -> rusqlite::Result<KeyRecord> {
    let kind: String = r.get(4)?;
    Ok(KeyRecord {
        seq: r.get(0)?,
        sid: r.get(1)?,
        account_sid: r.get(2)?,
        friendly_name: r.get(3)?,
        kind: KeyKind::parse(&kind).unwrap_or(KeyKind::Standard),
        secret_hash: r.get(5)?,
        date_created: r.get(6)?,
        date_updated: r.get(7)?,
    })
}

/// `kind IN (...)` for API keys or signing keys.
fn kinds(signing: bool) -> &'static str {
    if signing {
        "kind = 'signing'"
    } else {
        "kind IN ('standard', 'main')"
    }
}

fn load(c: &Connection, sid: &str) -> Result<Option<KeyRecord>> {
    c.prepare_cached(&format!("{SELECT} WHERE sid = ?1"))
        .and_then(|mut st| st.query_row([sid], row).optional())
        .map_err(sql_error)
}

#[async_trait]
impl KeyStore for SqliteStore {
    async fn create_key(&self, k: KeyRecord) -> Result<KeyRecord> {
        self.writer
            .write(move |c| {
                c.prepare_cached(
                    "INSERT INTO api_keys (sid, account_sid, friendly_name, kind, secret_hash, \
                     date_created, date_updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .and_then(|mut st| {
                    st.execute(params![
                        k.sid,
                        k.account_sid,
                        k.friendly_name,
                        k.kind.as_str(),
                        k.secret_hash,
                        k.date_created,
                        k.date_updated
                    ])
                })
                .map_err(sql_error)?;
                Ok(KeyRecord {
                    seq: c.last_insert_rowid(),
                    ..k
                })
            })
            .await
    }

    async fn key(&self, sid: &str) -> Result<Option<KeyRecord>> {
        let s = sid.to_owned();
        let read = self.readers.read(move |c| load(c, &s));
        self.auth.key(sid, read).await
    }

    async fn list_keys(
        &self,
        account_sid: &str,
        signing: bool,
        req: PageRequest,
    ) -> Result<PageSlice<KeyRecord>> {
        let mut f = Filter::new("account_sid = ?", account_sid.to_owned());
        f.and_sql(kinds(signing));
        self.readers
            .read(move |c| {
                keyset_page(
                    c,
                    &List {
                        select: SELECT,
                        key: "seq",
                        newest_first: false,
                    },
                    f,
                    req,
                    row,
                    |r| r.seq,
                )
            })
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
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let changed = c
                    .prepare_cached(&format!(
                        "UPDATE api_keys SET friendly_name = ?3, date_updated = ?4 \
                         WHERE sid = ?1 AND account_sid = ?2 AND {}",
                        kinds(signing)
                    ))
                    .and_then(|mut st| st.execute(params![s, a, friendly_name, now]))
                    .map_err(sql_error)?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                load(c, &s)?.ok_or(StoreError::NotFound)
            })
            .await
    }

    async fn delete_key(&self, account_sid: &str, sid: &str, signing: bool) -> Result<()> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let gone = c
                    .prepare_cached(&format!(
                        "DELETE FROM api_keys WHERE sid = ?1 AND account_sid = ?2 AND {}",
                        kinds(signing)
                    ))
                    .and_then(|mut st| st.execute([&s, &a]))
                    .map_err(sql_error)?;
                if gone == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            })
            .await
    }
}
