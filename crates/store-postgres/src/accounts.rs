//! Accounts on Postgres.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use switchboard_store::rules;
use switchboard_store::*;
use switchboard_wire::sid;
use tokio_postgres::Row;

use crate::query::{exec, keyset_page, Filter, List};
use crate::{pg_error, pool_error, PostgresStore};

/// Every account query selects these columns, with the parent joined as `p`.
macro_rules! columns {
    () => {
        "SELECT a.seq, a.sid, a.owner_sid, a.friendly_name, a.auth_token, a.status, \
         p.status, a.type, a.date_created, a.date_updated, a.closed_at, a.subaccount_limit, \
         a.open_subaccounts, a.auto_delete_closed, COALESCE(p.voice_countries, a.voice_countries), \
         COALESCE(p.sms_countries, a.sms_countries)"
    };
}
macro_rules! from {
    () => {
        " FROM accounts a LEFT JOIN accounts p ON p.sid = a.owner_sid"
    };
}
const SELECT: &str = concat!(columns!(), from!());

/// The status clients see, in SQL (the same rule as `AccountRecord::effective_status`).
const EFFECTIVE_STATUS: &str = "CASE WHEN a.status = 'closed' THEN 'closed' \
     WHEN p.status IN ('suspended', 'closed') THEN 'suspended' ELSE a.status END";

fn status(s: &str) -> Result<AccountStatus> {
    AccountStatus::parse(s).ok_or_else(|| StoreError::Other(format!("bad status {s}")))
}

fn record(r: &Row) -> Result<AccountRecord> {
    let parent: Option<String> = r.get(6);
    let ty: String = r.get(7);
    Ok(AccountRecord {
        seq: r.get(0),
        sid: r.get(1),
        owner_sid: r.get(2),
        friendly_name: r.get(3),
        auth_token: r.get(4),
        status: status(r.get(5))?,
        parent_status: parent.as_deref().map(status).transpose()?,
        account_type: AccountType::parse(&ty).unwrap_or(AccountType::Full),
        date_created: r.get(8),
        date_updated: r.get(9),
        closed_at: r.get(10),
        subaccount_limit: r.get(11),
        open_subaccounts: r.get(12),
        auto_delete_closed: r.get(13),
        voice_countries: r.get(14),
        sms_countries: r.get(15),
    })
}

/// An account and, in the same round trip, the capabilities of `number` when it is one of
/// the account's in-use numbers, and whether its tree is prepaid: what outbound traffic
/// checks before it is stored.
pub(crate) async fn load_with_number(
    c: &impl GenericClient,
    sid: &str,
    number: &str,
) -> Result<Option<(AccountRecord, Option<NumberCapabilities>, bool)>> {
    const SQL: &str = concat!(
        columns!(),
        ", (SELECT n.capabilities FROM incoming_phone_numbers n WHERE n.phone_number = $2 \
         AND n.account_sid = a.sid AND n.status = 'in-use'), COALESCE((SELECT c.prepaid \
         FROM account_credits c WHERE c.account_sid = COALESCE(a.owner_sid, a.sid)), FALSE)",
        from!(),
        " WHERE a.sid = $1"
    );
    let Some(row) = crate::query::row_opt(c, SQL, &[&sid, &number]).await? else {
        return Ok(None);
    };
    let caps: Option<String> = row.get(16);
    Ok(Some((
        record(&row)?,
        caps.and_then(|c| serde_json::from_str(&c).ok()),
        row.get(17),
    )))
}

/// Load one account; `lock` appends a row lock on the account itself (`a`).
pub(crate) async fn load(
    c: &impl GenericClient,
    sid: &str,
    lock: &str,
) -> Result<Option<AccountRecord>> {
    let sql = format!("{SELECT} WHERE a.sid = $1 {lock}");
    let st = c.prepare_cached(&sql).await.map_err(pg_error)?;
    c.query_opt(&st, &[&sid])
        .await
        .map_err(pg_error)?
        .as_ref()
        .map(record)
        .transpose()
}

pub(crate) async fn load_required(
    c: &impl GenericClient,
    sid: &str,
    lock: &str,
) -> Result<AccountRecord> {
    load(c, sid, lock).await?.ok_or(StoreError::NotFound)
}

/// Keep a main account's count of open subaccounts in step with creates and closures.
async fn adjust_open_subaccounts(c: &impl GenericClient, main_sid: &str, by: i64) -> Result<()> {
    exec(
        c,
        "UPDATE accounts SET open_subaccounts = open_subaccounts + $2 WHERE sid = $1",
        &[&main_sid, &by],
    )
    .await
    .map(drop)
}

#[async_trait]
impl AccountStore for PostgresStore {
    async fn account(&self, sid: &str) -> Result<Option<AccountRecord>> {
        let read = async {
            let c = self.pool.get().await.map_err(pool_error)?;
            load(&c, sid, "").await
        };
        self.auth.account(sid, read).await
    }

    async fn count_accounts(&self) -> Result<u64> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let n: i64 = c
            .query_one("SELECT COUNT(*) FROM accounts", &[])
            .await
            .map_err(pg_error)?
            .get(0);
        Ok(n as u64)
    }

    async fn create_main_account(&self, new: NewMainAccount) -> Result<AccountRecord> {
        self.changing_auth(async {
            let c = self.pool.get().await.map_err(pool_error)?;
            let sid = new
                .sid
                .unwrap_or_else(|| sid::new_sid(sid::prefix::ACCOUNT));
            let token = new.auth_token.unwrap_or_else(sid::new_secret);
            exec(
                &c,
                "INSERT INTO accounts (sid, owner_sid, tree_sid, friendly_name, auth_token, status, \
                 type, date_created, date_updated, subaccount_limit, auto_delete_closed) \
                 VALUES ($1, NULL, $1, $2, $3, 'active', $4, $5, $5, $6, $7)",
                &[
                    &sid,
                    &new.friendly_name,
                    &token,
                    &new.account_type.as_str(),
                    &new.now,
                    &new.subaccount_limit,
                    &new.auto_delete_closed,
                ],
            )
            .await?;
            load_required(&c, &sid, "").await
        })
        .await
    }

    async fn create_subaccount(&self, new: NewSubaccount) -> Result<AccountRecord> {
        self.changing_auth(async {
            let mut c = self.pool.get().await.map_err(pool_error)?;
            let tx = c.transaction().await.map_err(pg_error)?;
            // Locking the owner serialises concurrent creates in one tree, so the count holds.
            let owner = load_required(&tx, &new.owner_sid, "FOR UPDATE OF a").await?;
            rules::check_can_create_subaccount(&owner)?;
            adjust_open_subaccounts(&tx, &owner.sid, 1).await?;
            let created = AccountRecord {
                seq: 0,
                sid: sid::new_sid(sid::prefix::ACCOUNT),
                owner_sid: Some(owner.sid.clone()),
                friendly_name: new.friendly_name,
                auth_token: sid::new_secret(),
                status: AccountStatus::Active,
                parent_status: Some(owner.status),
                account_type: owner.account_type,
                date_created: new.now,
                date_updated: new.now,
                closed_at: None,
                subaccount_limit: DEFAULT_SUBACCOUNT_LIMIT,
                open_subaccounts: 0,
                auto_delete_closed: false,
                voice_countries: owner.voice_countries.clone(),
                sms_countries: owner.sms_countries.clone(),
            };
            // The record is built here rather than read back: one round trip less under the lock.
            let st = tx
                .prepare_cached(
                    "INSERT INTO accounts (sid, owner_sid, tree_sid, friendly_name, auth_token, status, \
                     type, date_created, date_updated, subaccount_limit, open_subaccounts, \
                     auto_delete_closed) \
                     VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10) RETURNING seq",
                )
                .await
                .map_err(pg_error)?;
            let row = tx
                .query_one(
                    &st,
                    &[
                        &created.sid,
                        &owner.sid,
                        &created.friendly_name,
                        &created.auth_token,
                        &created.status.as_str(),
                        &created.account_type.as_str(),
                        &created.date_created,
                        &created.subaccount_limit,
                        &created.open_subaccounts,
                        &created.auto_delete_closed,
                    ],
                )
                .await
                .map_err(pg_error)?;
            let created = AccountRecord {
                seq: row.get(0),
                ..created
            };
            tx.commit().await.map_err(pg_error)?;
            Ok(created)
        })
        .await
    }

    async fn update_account(&self, sid: &str, update: AccountUpdate) -> Result<AccountRecord> {
        self.changing_auth(async {
            let mut c = self.pool.get().await.map_err(pool_error)?;
            let tx = c.transaction().await.map_err(pg_error)?;
            // Parent before child: the operator suspending the parent locks it too.
            let owner: Option<String> = tx
                .query_opt("SELECT owner_sid FROM accounts WHERE sid = $1", &[&sid])
                .await
                .map_err(pg_error)?
                .ok_or(StoreError::NotFound)?
                .get(0);
            if let Some(owner) = &owner {
                exec(
                    &tx,
                    "SELECT 1 FROM accounts WHERE sid = $1 FOR UPDATE",
                    &[owner],
                )
                .await?;
            }
            let target = load_required(&tx, sid, "FOR UPDATE OF a").await?;
            if let Some(new) = update.status {
                rules::check_api_status_change(&target, new)?;
            }
            let closed_at = rules::closed_at_after(&target, update.status, update.now);
            if let (true, Some(owner)) = (rules::closes(&target, update.status), &owner) {
                adjust_open_subaccounts(&tx, owner, -1).await?;
                crate::incoming_phone_numbers::release_all(&tx, sid, update.now).await?;
            }
            exec(
                &tx,
                "UPDATE accounts SET friendly_name = COALESCE($2, friendly_name), \
                 status = COALESCE($3, status), closed_at = $4, date_updated = $5 WHERE sid = $1",
                &[
                    &sid,
                    &update.friendly_name,
                    &update.status.map(|s| s.as_str()),
                    &closed_at,
                    &update.now,
                ],
            )
            .await?;
            let updated = load_required(&tx, sid, "").await?;
            tx.commit().await.map_err(pg_error)?;
            Ok(updated)
        })
        .await
    }

    async fn operator_update_account(
        &self,
        sid: &str,
        update: OperatorUpdate,
    ) -> Result<AccountRecord> {
        self.changing_auth(async {
            let mut c = self.pool.get().await.map_err(pool_error)?;
            let tx = c.transaction().await.map_err(pg_error)?;
            let target = load_required(&tx, sid, "FOR UPDATE OF a").await?;
            rules::check_operator_update(&target, update.status)?;
            exec(
                &tx,
                "UPDATE accounts SET friendly_name = COALESCE($2, friendly_name), \
                 status = COALESCE($3, status), subaccount_limit = COALESCE($4, subaccount_limit), \
                 auto_delete_closed = COALESCE($5, auto_delete_closed), \
                 auth_token = COALESCE($6, auth_token), date_updated = $7, \
                 voice_countries = COALESCE($8, voice_countries), \
                 sms_countries = COALESCE($9, sms_countries) WHERE sid = $1",
                &[
                    &sid,
                    &update.friendly_name,
                    &update.status.map(|s| s.as_str()),
                    &update.subaccount_limit,
                    &update.auto_delete_closed,
                    &update.auth_token,
                    &update.now,
                    &update.voice_countries,
                    &update.sms_countries,
                ],
            )
            .await?;
            let updated = load_required(&tx, sid, "").await?;
            tx.commit().await.map_err(pg_error)?;
            Ok(updated)
        })
        .await
    }

    async fn list_accounts(
        &self,
        query: &AccountListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<AccountRecord>> {
        let mut f = Filter::new("a.tree_sid = $", query.tree_sid.clone());
        f.and_opt("a.sid = $", query.only_sid.clone())
            .and_opt("a.friendly_name = $", query.friendly_name.clone())
            .and_opt(
                &format!("{EFFECTIVE_STATUS} = $"),
                query.status.map(|s| s.as_str().to_owned()),
            );
        let c = self.pool.get().await.map_err(pool_error)?;
        keyset_page(
            &c,
            &List {
                select: SELECT,
                key: "a.seq",
                newest_first: false,
            },
            f,
            req,
            record,
            |r| r.seq,
        )
        .await
    }

    async fn list_main_accounts(&self, req: PageRequest) -> Result<PageSlice<AccountRecord>> {
        let mut f = Filter::default();
        f.and_sql("a.owner_sid IS NULL");
        let c = self.pool.get().await.map_err(pool_error)?;
        keyset_page(
            &c,
            &List {
                select: SELECT,
                key: "a.seq",
                newest_first: false,
            },
            f,
            req,
            record,
            |r| r.seq,
        )
        .await
    }

    async fn purge_closed_subaccounts(&self, now: i64, retention_ms: i64) -> Result<u64> {
        self.changing_auth(async {
            let mut c = self.pool.get().await.map_err(pool_error)?;
            let tx = c.transaction().await.map_err(pg_error)?;
            let doomed: Vec<String> = crate::query::rows(
                &tx,
                "SELECT sid FROM accounts WHERE owner_sid IS NOT NULL AND status = 'closed' \
                 AND closed_at <= $1 AND owner_sid IN \
                 (SELECT sid FROM accounts WHERE owner_sid IS NULL AND auto_delete_closed) \
                 FOR UPDATE",
                &[&(now - retention_ms)],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
            if doomed.is_empty() {
                return Ok(0);
            }
            // Every table of account-owned rows, children before the accounts.
            for table in switchboard_store::ACCOUNT_OWNED_TABLES
                .iter()
                .chain(&["accounts"])
            {
                let column = if *table == "accounts" {
                    "sid"
                } else {
                    "account_sid"
                };
                exec(
                    &tx,
                    &format!("DELETE FROM {table} WHERE {column} = ANY($1)"),
                    &[&doomed],
                )
                .await?;
            }
            tx.commit().await.map_err(pg_error)?;
            Ok(doomed.len() as u64)
        })
        .await
    }
}
