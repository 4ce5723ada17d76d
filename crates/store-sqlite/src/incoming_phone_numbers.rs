//! Phone numbers on SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use switchboard_store::*;
use switchboard_wire::sid;

use crate::query::{keyset_page, Filter, List};
use crate::worker::sql_error;
use crate::SqliteStore;

pub(crate) const SELECT: &str =
    "SELECT seq, sid, account_sid, phone_number, iso_country, number_type, \
     friendly_name, address_requirements, beta, capabilities, config, monthly_price, status, \
     date_created, date_updated, released_at, months_charged, next_charge_at \
     FROM incoming_phone_numbers";

fn json_error(e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
}

pub(crate) fn row(r: &Row<'_>) -> rusqlite::Result<PhoneNumberRecord> {
    let caps: String = r.get(9)?;
    let config: String = r.get(10)?;
    let status: String = r.get(12)?;
    Ok(PhoneNumberRecord {
        seq: r.get(0)?,
        sid: r.get(1)?,
        account_sid: r.get(2)?,
        phone_number: r.get(3)?,
        iso_country: r.get(4)?,
        number_type: r.get(5)?,
        friendly_name: r.get(6)?,
        address_requirements: r.get(7)?,
        beta: r.get(8)?,
        capabilities: serde_json::from_str(&caps).map_err(json_error)?,
        config: serde_json::from_str(&config).map_err(json_error)?,
        monthly_price: r.get(11)?,
        status: NumberStatus::parse(&status).unwrap_or(NumberStatus::Released),
        date_created: r.get(13)?,
        date_updated: r.get(14)?,
        released_at: r.get(15)?,
        months_charged: r.get(16)?,
        next_charge_at: r.get(17)?,
    })
}

fn load_in_use(c: &Connection, account_sid: &str, sid: &str) -> Result<Option<PhoneNumberRecord>> {
    c.prepare_cached(&format!(
        "{SELECT} WHERE sid = ?1 AND account_sid = ?2 AND status = 'in-use'"
    ))
    .and_then(|mut st| st.query_row([sid, account_sid], row).optional())
    .map_err(sql_error)
}

fn address_of(c: &Connection, account_sid: &str, sid: &str) -> Result<Option<AddressRecord>> {
    c.prepare_cached(&format!(
        "{} WHERE sid = ?1 AND account_sid = ?2",
        crate::addresses::SELECT
    ))
    .and_then(|mut st| {
        st.query_row([sid, account_sid], crate::addresses::row)
            .optional()
    })
    .map_err(sql_error)
}

/// The first of `account_sid`'s addresses that meets `requirement` for `country`.
fn satisfying_address(
    c: &Connection,
    account_sid: &str,
    requirement: &str,
    country: &str,
) -> Result<Option<AddressRecord>> {
    let mut st = c
        .prepare_cached(&format!(
            "{} WHERE account_sid = ?1 ORDER BY seq",
            crate::addresses::SELECT
        ))
        .map_err(sql_error)?;
    let all = st
        .query_map([account_sid], crate::addresses::row)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(sql_error)?;
    Ok(all
        .into_iter()
        .find(|a| rules::address_satisfies(requirement, country, &a.iso_country)))
}

/// Check the address a number will point at (see [`rules::check_number_address`]).
fn check_address(
    c: &Connection,
    account_sid: &str,
    n_req: &str,
    n_country: &str,
    cfg: &NumberConfig,
) -> Result<()> {
    let chosen = match &cfg.address_sid {
        Some(a) => address_of(c, account_sid, a)?,
        None => None,
    };
    rules::check_number_address(
        n_req,
        n_country,
        cfg.address_sid.as_deref(),
        chosen.as_ref(),
    )?;
    Ok(())
}

fn save(c: &Connection, n: &PhoneNumberRecord) -> Result<()> {
    let config = serde_json::to_string(&n.config).map_err(|e| StoreError::Other(e.to_string()))?;
    c.prepare_cached(
        "UPDATE incoming_phone_numbers SET account_sid = ?2, friendly_name = ?3, config = ?4, \
         address_sid = ?5, date_updated = ?6 WHERE sid = ?1",
    )
    .and_then(|mut st| {
        st.execute(params![
            n.sid,
            n.account_sid,
            n.friendly_name,
            config,
            n.config.address_sid,
            n.date_updated
        ])
    })
    .map_err(sql_error)?;
    Ok(())
}

fn insert_charge(c: &Connection, ch: &ChargeRecord) -> Result<bool> {
    c.prepare_cached(
        "INSERT INTO charges (account_sid, category, resource_sid, amount, currency, description, \
         idempotency_key, charged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .and_then(|mut st| {
        st.execute(params![
            ch.account_sid,
            ch.category,
            ch.resource_sid,
            ch.amount,
            ch.currency,
            ch.description,
            ch.idempotency_key,
            ch.charged_at
        ])
    })
    .map_err(sql_error)
    .and_then(|n| {
        if n == 1 {
            crate::usage::record(
                c,
                &ch.account_sid,
                &ch.resource_sid,
                ch.charged_at,
                &ch.category,
                1,
                &ch.amount,
            )?;
        }
        Ok(n == 1)
    })
}

/// Closing an account releases its numbers (called inside the closing transaction).
pub(crate) fn release_all(c: &Connection, account_sid: &str, now: i64) -> Result<()> {
    c.prepare_cached(
        "UPDATE incoming_phone_numbers SET status = 'released', released_at = ?2, date_updated = ?2 \
         WHERE account_sid = ?1 AND status = 'in-use'",
    )
    .and_then(|mut st| st.execute(params![account_sid, now]))
    .map_err(sql_error)?;
    Ok(())
}

#[async_trait]
impl PhoneNumberStore for SqliteStore {
    async fn owned_among(&self, numbers: &[String]) -> Result<Vec<String>> {
        let numbers = numbers.to_vec();
        self.readers
            .read(move |c| {
                let mut out = Vec::new();
                for chunk in numbers.chunks(500) {
                    let marks = vec!["?"; chunk.len()].join(", ");
                    let mut st = c
                        .prepare(&format!(
                            "SELECT phone_number FROM incoming_phone_numbers \
                             WHERE status = 'in-use' AND phone_number IN ({marks})"
                        ))
                        .map_err(sql_error)?;
                    let found = st
                        .query_map(rusqlite::params_from_iter(chunk), |r| r.get::<_, String>(0))
                        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                        .map_err(sql_error)?;
                    out.extend(found);
                }
                Ok(out)
            })
            .await
    }

    async fn purchase_number(&self, new: NewPhoneNumber) -> Result<PhoneNumberRecord> {
        self.writer
            .write(move |c| {
                let account = crate::accounts::load_required(c, &new.account_sid)?;
                if account.effective_status() != AccountStatus::Active {
                    return Err(RuleViolation::AccountNotActive.into());
                }
                check_address(c, &new.account_sid, &new.address_requirements, &new.iso_country, &new.config)?;
                let sid = sid::new_sid(sid::prefix::PHONE_NUMBER);
                let caps = serde_json::to_string(&new.capabilities).map_err(|e| StoreError::Other(e.to_string()))?;
                let config = serde_json::to_string(&new.config).map_err(|e| StoreError::Other(e.to_string()))?;
                let inserted = c
                    .prepare_cached(
                        "INSERT INTO incoming_phone_numbers (sid, account_sid, phone_number, iso_country, \
                         number_type, friendly_name, address_requirements, beta, capabilities, config, \
                         address_sid, monthly_price, status, date_created, date_updated, months_charged, \
                         next_charge_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, \
                         'in-use', ?13, ?13, 1, ?14)",
                    )
                    .and_then(|mut st| {
                        st.execute(params![
                            sid,
                            new.account_sid,
                            new.phone_number,
                            new.iso_country,
                            new.number_type,
                            new.friendly_name,
                            new.address_requirements,
                            new.beta,
                            caps,
                            config,
                            new.config.address_sid,
                            new.monthly_price,
                            new.now,
                            rules::months_after(new.now, 1)
                        ])
                    });
                match inserted.map_err(sql_error) {
                    Err(StoreError::Conflict(_)) => return Err(RuleViolation::NumberUnavailable.into()),
                    other => other?,
                };
                let n = load_in_use(c, &new.account_sid, &sid)?.ok_or(StoreError::NotFound)?;
                insert_charge(c, &rules::monthly_number_charge(&n, 0))?;
                Ok(n)
            })
            .await
    }

    async fn number(&self, account_sid: &str, sid: &str) -> Result<Option<PhoneNumberRecord>> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.readers.read(move |c| load_in_use(c, &a, &s)).await
    }

    async fn number_by_e164(&self, phone_number: &str) -> Result<Option<PhoneNumberRecord>> {
        let p = phone_number.to_owned();
        self.readers
            .read(move |c| {
                c.prepare_cached(&format!(
                    "{SELECT} WHERE phone_number = ?1 AND status = 'in-use'"
                ))
                .and_then(|mut st| st.query_row([p], row).optional())
                .map_err(sql_error)
            })
            .await
    }

    async fn list_numbers(
        &self,
        account_sid: &str,
        query: &NumberListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<PhoneNumberRecord>> {
        let mut f = Filter::new("account_sid = ?", account_sid.to_owned());
        f.and_sql("status = 'in-use'")
            .and_opt(
                "phone_number LIKE ?",
                query
                    .phone_number
                    .as_deref()
                    .map(rules::number_like_pattern),
            )
            .and_opt("friendly_name = ?", query.friendly_name.clone())
            .and_opt("number_type = ?", query.number_type.clone());
        if query.beta == Some(false) {
            f.and_sql("beta = 0");
        }
        if let Some(origin) = &query.origin {
            if origin != "twilio" {
                f.and_sql("1 = 0");
            }
        }
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

    async fn update_number(
        &self,
        account_sid: &str,
        sid: &str,
        patch: NumberPatch,
        now: i64,
    ) -> Result<PhoneNumberRecord> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let mut n = load_in_use(c, &a, &s)?.ok_or(StoreError::NotFound)?;
                patch.apply(&mut n.config);
                if patch.address_sid.is_some() {
                    check_address(c, &a, &n.address_requirements, &n.iso_country, &n.config)?;
                }
                if let Some(name) = &patch.friendly_name {
                    n.friendly_name = name.clone();
                }
                n.date_updated = now;
                save(c, &n)?;
                Ok(n)
            })
            .await
    }

    async fn transfer_number(
        &self,
        account_sid: &str,
        sid: &str,
        target_sid: &str,
        patch: NumberPatch,
        now: i64,
    ) -> Result<PhoneNumberRecord> {
        let (a, s, t) = (
            account_sid.to_owned(),
            sid.to_owned(),
            target_sid.to_owned(),
        );
        self.writer
            .write(move |c| {
                let mut n = load_in_use(c, &a, &s)?.ok_or(StoreError::NotFound)?;
                let owner = crate::accounts::load_required(c, &a)?;
                let target = crate::accounts::load(c, &t)?;
                rules::check_transfer_target(owner.main_sid(), target.as_ref())?;
                patch.apply(&mut n.config);
                if let Some(name) = &patch.friendly_name {
                    n.friendly_name = name.clone();
                }
                // The number's address must be one of the new owner's.
                n.config.address_sid = if n.address_requirements == "none" {
                    match &n.config.address_sid {
                        Some(ad) if address_of(c, &t, ad)?.is_some() => Some(ad.clone()),
                        _ => None,
                    }
                } else {
                    let found = satisfying_address(c, &t, &n.address_requirements, &n.iso_country)?
                        .ok_or(RuleViolation::AddressRequired)?;
                    Some(found.sid)
                };
                n.account_sid = t;
                n.date_updated = now;
                save(c, &n)?;
                Ok(n)
            })
            .await
    }

    async fn release_number(&self, account_sid: &str, sid: &str, now: i64) -> Result<()> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let changed = c
                    .prepare_cached(
                        "UPDATE incoming_phone_numbers SET status = 'released', released_at = ?3, \
                         date_updated = ?3 WHERE sid = ?1 AND account_sid = ?2 AND status = 'in-use'",
                    )
                    .and_then(|mut st| st.execute(params![s, a, now]))
                    .map_err(sql_error)?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            })
            .await
    }

    async fn charge_due_numbers(&self, now: i64) -> Result<u64> {
        self.writer
            .write(move |c| {
                let mut made = 0;
                loop {
                    let due = c
                        .prepare_cached(&format!(
                            "{SELECT} WHERE status = 'in-use' AND next_charge_at <= ?1 ORDER BY next_charge_at LIMIT 500"
                        ))
                        .and_then(|mut st| {
                            st.query_map([now], row)?.collect::<rusqlite::Result<Vec<_>>>()
                        })
                        .map_err(sql_error)?;
                    if due.is_empty() {
                        return Ok(made);
                    }
                    for n in due {
                        let month = n.months_charged as u32;
                        if insert_charge(c, &rules::monthly_number_charge(&n, month))? {
                            made += 1;
                        }
                        c.prepare_cached(
                            "UPDATE incoming_phone_numbers SET months_charged = ?2, next_charge_at = ?3 \
                             WHERE sid = ?1",
                        )
                        .and_then(|mut st| {
                            st.execute(params![n.sid, month + 1, rules::months_after(n.date_created, month + 1)])
                        })
                        .map_err(sql_error)?;
                    }
                }
            })
            .await
    }
}
