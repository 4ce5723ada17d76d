//! Phone numbers on Postgres. The number's row is locked for every change, so concurrent
//! purchases, transfers and releases of one number serialise; the unique index on in-use
//! numbers is the final word on ownership.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use switchboard_store::*;
use switchboard_wire::sid;
use tokio_postgres::Row;

use crate::query::{exec, keyset_page, row_opt, rows, Filter, List};
use crate::{pg_error, pool_error, PostgresStore};

pub(crate) const SELECT: &str = "SELECT seq, sid, account_sid, phone_number, iso_country, \
     number_type, friendly_name, address_requirements, beta, capabilities, config, monthly_price, \
     status, date_created, date_updated, released_at, months_charged, next_charge_at \
     FROM incoming_phone_numbers";

fn json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Other(e.to_string()))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Other(e.to_string()))
}

pub(crate) fn record(r: &Row) -> Result<PhoneNumberRecord> {
    let status: String = r.get(12);
    Ok(PhoneNumberRecord {
        seq: r.get(0),
        sid: r.get(1),
        account_sid: r.get(2),
        phone_number: r.get(3),
        iso_country: r.get(4),
        number_type: r.get(5),
        friendly_name: r.get(6),
        address_requirements: r.get(7),
        beta: r.get(8),
        capabilities: json(r.get(9))?,
        config: json(r.get(10))?,
        monthly_price: r.get(11),
        status: NumberStatus::parse(&status).unwrap_or(NumberStatus::Released),
        date_created: r.get(13),
        date_updated: r.get(14),
        released_at: r.get(15),
        months_charged: r.get(16),
        next_charge_at: r.get(17),
    })
}

async fn load_in_use(
    c: &impl GenericClient,
    account_sid: &str,
    sid: &str,
    lock: &str,
) -> Result<Option<PhoneNumberRecord>> {
    let sql = format!("{SELECT} WHERE sid = $1 AND account_sid = $2 AND status = 'in-use' {lock}");
    row_opt(c, &sql, &[&sid, &account_sid])
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

async fn address_of(
    c: &impl GenericClient,
    account_sid: &str,
    sid: &str,
) -> Result<Option<AddressRecord>> {
    let sql = format!(
        "{} WHERE sid = $1 AND account_sid = $2",
        crate::addresses::SELECT
    );
    row_opt(c, &sql, &[&sid, &account_sid])
        .await?
        .as_ref()
        .map(crate::addresses::record)
        .transpose()
}

async fn satisfying_address(
    c: &impl GenericClient,
    account_sid: &str,
    requirement: &str,
    country: &str,
) -> Result<Option<AddressRecord>> {
    let sql = format!(
        "{} WHERE account_sid = $1 ORDER BY seq",
        crate::addresses::SELECT
    );
    for r in rows(c, &sql, &[&account_sid]).await? {
        let a = crate::addresses::record(&r)?;
        if rules::address_satisfies(requirement, country, &a.iso_country) {
            return Ok(Some(a));
        }
    }
    Ok(None)
}

async fn check_address(
    c: &impl GenericClient,
    account_sid: &str,
    requirement: &str,
    country: &str,
    cfg: &NumberConfig,
) -> Result<()> {
    let chosen = match &cfg.address_sid {
        Some(a) => address_of(c, account_sid, a).await?,
        None => None,
    };
    rules::check_number_address(
        requirement,
        country,
        cfg.address_sid.as_deref(),
        chosen.as_ref(),
    )?;
    Ok(())
}

async fn save(c: &impl GenericClient, n: &PhoneNumberRecord) -> Result<()> {
    exec(
        c,
        "UPDATE incoming_phone_numbers SET account_sid = $2, friendly_name = $3, config = $4, \
         address_sid = $5, date_updated = $6 WHERE sid = $1",
        &[
            &n.sid,
            &n.account_sid,
            &n.friendly_name,
            &to_json(&n.config)?,
            &n.config.address_sid,
            &n.date_updated,
        ],
    )
    .await
    .map(drop)
}

async fn insert_charge(c: &impl GenericClient, ch: &ChargeRecord) -> Result<bool> {
    let n = exec(
        c,
        "INSERT INTO charges (account_sid, category, resource_sid, amount, currency, description, \
         idempotency_key, charged_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (idempotency_key) DO NOTHING",
        &[
            &ch.account_sid,
            &ch.category,
            &ch.resource_sid,
            &ch.amount,
            &ch.currency,
            &ch.description,
            &ch.idempotency_key,
            &ch.charged_at,
        ],
    )
    .await?;
    if n == 1 {
        crate::usage::record(
            c,
            &ch.account_sid,
            &ch.resource_sid,
            ch.charged_at,
            &ch.category,
            1,
            &ch.amount,
        )
        .await?;
    }
    Ok(n == 1)
}

/// Closing an account releases its numbers (called inside the closing transaction).
pub(crate) async fn release_all(c: &impl GenericClient, account_sid: &str, now: i64) -> Result<()> {
    exec(
        c,
        "UPDATE incoming_phone_numbers SET status = 'released', released_at = $2, date_updated = $2 \
         WHERE account_sid = $1 AND status = 'in-use'",
        &[&account_sid, &now],
    )
    .await
    .map(drop)
}

#[async_trait]
impl PhoneNumberStore for PostgresStore {
    async fn owned_among(&self, numbers: &[String]) -> Result<Vec<String>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let found = rows(
            &c,
            "SELECT phone_number FROM incoming_phone_numbers \
             WHERE status = 'in-use' AND phone_number = ANY($1)",
            &[&numbers],
        )
        .await?;
        Ok(found.iter().map(|r| r.get(0)).collect())
    }

    async fn purchase_number(&self, new: NewPhoneNumber) -> Result<PhoneNumberRecord> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        // A share lock keeps the account (and its parent's status) from changing under us.
        let account =
            crate::accounts::load_required(&tx, &new.account_sid, "FOR SHARE OF a").await?;
        if account.effective_status() != AccountStatus::Active {
            return Err(RuleViolation::AccountNotActive.into());
        }
        check_address(
            &tx,
            &new.account_sid,
            &new.address_requirements,
            &new.iso_country,
            &new.config,
        )
        .await?;
        let sid = sid::new_sid(sid::prefix::PHONE_NUMBER);
        let inserted = exec(
            &tx,
            "INSERT INTO incoming_phone_numbers (sid, account_sid, phone_number, iso_country, \
             number_type, friendly_name, address_requirements, beta, capabilities, config, \
             address_sid, monthly_price, status, date_created, date_updated, months_charged, \
             next_charge_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             'in-use', $13, $13, 1, $14)",
            &[
                &sid,
                &new.account_sid,
                &new.phone_number,
                &new.iso_country,
                &new.number_type,
                &new.friendly_name,
                &new.address_requirements,
                &new.beta,
                &to_json(&new.capabilities)?,
                &to_json(&new.config)?,
                &new.config.address_sid,
                &new.monthly_price,
                &new.now,
                &rules::months_after(new.now, 1),
            ],
        )
        .await;
        match inserted {
            Err(StoreError::Conflict(_)) => return Err(RuleViolation::NumberUnavailable.into()),
            other => other?,
        };
        let n = load_in_use(&tx, &new.account_sid, &sid, "")
            .await?
            .ok_or(StoreError::NotFound)?;
        insert_charge(&tx, &rules::monthly_number_charge(&n, 0)).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(n)
    }

    async fn number(&self, account_sid: &str, sid: &str) -> Result<Option<PhoneNumberRecord>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        load_in_use(&c, account_sid, sid, "").await
    }

    async fn number_by_e164(&self, phone_number: &str) -> Result<Option<PhoneNumberRecord>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let sql = format!("{SELECT} WHERE phone_number = $1 AND status = 'in-use'");
        row_opt(&c, &sql, &[&phone_number])
            .await?
            .as_ref()
            .map(record)
            .transpose()
    }

    async fn list_numbers(
        &self,
        account_sid: &str,
        query: &NumberListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<PhoneNumberRecord>> {
        let mut f = Filter::new("account_sid = $", account_sid.to_owned());
        f.and_sql("status = 'in-use'")
            .and_opt(
                "phone_number LIKE $",
                query
                    .phone_number
                    .as_deref()
                    .map(rules::number_like_pattern),
            )
            .and_opt("friendly_name = $", query.friendly_name.clone())
            .and_opt("number_type = $", query.number_type.clone());
        if query.beta == Some(false) {
            f.and_sql("NOT beta");
        }
        if query.origin.as_deref().is_some_and(|o| o != "twilio") {
            f.and_sql("FALSE");
        }
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

    async fn update_number(
        &self,
        account_sid: &str,
        sid: &str,
        patch: NumberPatch,
        now: i64,
    ) -> Result<PhoneNumberRecord> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        let mut n = load_in_use(&tx, account_sid, sid, "FOR UPDATE")
            .await?
            .ok_or(StoreError::NotFound)?;
        patch.apply(&mut n.config);
        if patch.address_sid.is_some() {
            check_address(
                &tx,
                account_sid,
                &n.address_requirements,
                &n.iso_country,
                &n.config,
            )
            .await?;
        }
        if let Some(name) = &patch.friendly_name {
            n.friendly_name = name.clone();
        }
        n.date_updated = now;
        save(&tx, &n).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(n)
    }

    async fn transfer_number(
        &self,
        account_sid: &str,
        sid: &str,
        target_sid: &str,
        patch: NumberPatch,
        now: i64,
    ) -> Result<PhoneNumberRecord> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        // Concurrent transfers wait here; once the first commits, the row no longer belongs
        // to `account_sid` and the others find nothing.
        let mut n = load_in_use(&tx, account_sid, sid, "FOR UPDATE")
            .await?
            .ok_or(StoreError::NotFound)?;
        let owner = crate::accounts::load_required(&tx, account_sid, "").await?;
        let target = crate::accounts::load(&tx, target_sid, "FOR SHARE OF a").await?;
        rules::check_transfer_target(owner.main_sid(), target.as_ref())?;
        patch.apply(&mut n.config);
        if let Some(name) = &patch.friendly_name {
            n.friendly_name = name.clone();
        }
        n.config.address_sid = if n.address_requirements == "none" {
            match &n.config.address_sid {
                Some(ad) if address_of(&tx, target_sid, ad).await?.is_some() => Some(ad.clone()),
                _ => None,
            }
        } else {
            let found =
                satisfying_address(&tx, target_sid, &n.address_requirements, &n.iso_country)
                    .await?
                    .ok_or(RuleViolation::AddressRequired)?;
            Some(found.sid)
        };
        n.account_sid = target_sid.to_owned();
        n.date_updated = now;
        save(&tx, &n).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(n)
    }

    async fn release_number(&self, account_sid: &str, sid: &str, now: i64) -> Result<()> {
        let c = self.pool.get().await.map_err(pool_error)?;
        let changed = exec(
            &c,
            "UPDATE incoming_phone_numbers SET status = 'released', released_at = $3, \
             date_updated = $3 WHERE sid = $1 AND account_sid = $2 AND status = 'in-use'",
            &[&sid, &account_sid, &now],
        )
        .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn charge_due_numbers(&self, now: i64) -> Result<u64> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let mut made = 0;
        loop {
            let tx = c.transaction().await.map_err(pg_error)?;
            // SKIP LOCKED: instances running this job at once share the work.
            let sql = format!(
                "{SELECT} WHERE status = 'in-use' AND next_charge_at <= $1 \
                 ORDER BY next_charge_at LIMIT 500 FOR UPDATE SKIP LOCKED"
            );
            let due = rows(&tx, &sql, &[&now]).await?;
            if due.is_empty() {
                return Ok(made);
            }
            for r in &due {
                let n = record(r)?;
                let month = n.months_charged as u32;
                if insert_charge(&tx, &rules::monthly_number_charge(&n, month)).await? {
                    made += 1;
                }
                exec(
                    &tx,
                    "UPDATE incoming_phone_numbers SET months_charged = $2, next_charge_at = $3 WHERE sid = $1",
                    &[&n.sid, &i64::from(month + 1), &rules::months_after(n.date_created, month + 1)],
                )
                .await?;
            }
            tx.commit().await.map_err(pg_error)?;
        }
    }
}
