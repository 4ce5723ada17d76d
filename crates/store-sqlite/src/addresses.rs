//! Addresses on SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use switchboard_store::*;
use switchboard_wire::sid;

use crate::query::{keyset_page, Filter, List};
use crate::worker::sql_error;
use crate::SqliteStore;

pub(crate) const SELECT: &str = "SELECT seq, sid, account_sid, customer_name, friendly_name, \
     street, street_secondary, city, region, postal_code, iso_country, emergency_enabled, \
     validated, verified, date_created, date_updated FROM addresses";

pub(crate) fn row(r: &Row<'_>) -> rusqlite::Result<AddressRecord> {
    Ok(AddressRecord {
        seq: r.get(0)?,
        sid: r.get(1)?,
        account_sid: r.get(2)?,
        customer_name: r.get(3)?,
        friendly_name: r.get(4)?,
        street: r.get(5)?,
        street_secondary: r.get(6)?,
        city: r.get(7)?,
        region: r.get(8)?,
        postal_code: r.get(9)?,
        iso_country: r.get(10)?,
        emergency_enabled: r.get(11)?,
        validated: r.get(12)?,
        verified: r.get(13)?,
        date_created: r.get(14)?,
        date_updated: r.get(15)?,
    })
}

fn load(c: &Connection, account_sid: &str, sid: &str) -> Result<Option<AddressRecord>> {
    c.prepare_cached(&format!("{SELECT} WHERE sid = ?1 AND account_sid = ?2"))
        .and_then(|mut st| st.query_row([sid, account_sid], row).optional())
        .map_err(sql_error)
}

#[async_trait]
impl AddressStore for SqliteStore {
    async fn create_address(
        &self,
        account_sid: &str,
        f: AddressFields,
        now: i64,
    ) -> Result<AddressRecord> {
        let a = account_sid.to_owned();
        self.writer
            .write(move |c| {
                let sid = sid::new_sid(sid::prefix::ADDRESS);
                c.prepare_cached(
                    "INSERT INTO addresses (sid, account_sid, customer_name, friendly_name, street, \
                     street_secondary, city, region, postal_code, iso_country, emergency_enabled, \
                     validated, verified, date_created, date_updated) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, 0, ?12, ?12)",
                )
                .and_then(|mut st| {
                    st.execute(params![
                        sid,
                        a,
                        f.customer_name.unwrap_or_default(),
                        f.friendly_name,
                        f.street.unwrap_or_default(),
                        f.street_secondary,
                        f.city.unwrap_or_default(),
                        f.region.unwrap_or_default(),
                        f.postal_code.unwrap_or_default(),
                        f.iso_country.unwrap_or_default(),
                        f.emergency_enabled.unwrap_or(false),
                        now
                    ])
                })
                .map_err(sql_error)?;
                load(c, &a, &sid)?.ok_or(StoreError::NotFound)
            })
            .await
    }

    async fn address(&self, account_sid: &str, sid: &str) -> Result<Option<AddressRecord>> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.readers.read(move |c| load(c, &a, &s)).await
    }

    async fn list_addresses(
        &self,
        account_sid: &str,
        q: &AddressListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<AddressRecord>> {
        let mut f = Filter::new("account_sid = ?", account_sid.to_owned());
        f.and_opt("customer_name = ?", q.customer_name.clone())
            .and_opt("friendly_name = ?", q.friendly_name.clone())
            .and_opt("emergency_enabled = ?", q.emergency_enabled)
            .and_opt("iso_country = ?", q.iso_country.clone());
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

    async fn update_address(
        &self,
        account_sid: &str,
        sid: &str,
        f: AddressFields,
        now: i64,
    ) -> Result<AddressRecord> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let changed = c
                    .prepare_cached(
                        "UPDATE addresses SET customer_name = COALESCE(?3, customer_name), \
                         friendly_name = COALESCE(?4, friendly_name), street = COALESCE(?5, street), \
                         street_secondary = COALESCE(?6, street_secondary), city = COALESCE(?7, city), \
                         region = COALESCE(?8, region), postal_code = COALESCE(?9, postal_code), \
                         emergency_enabled = COALESCE(?10, emergency_enabled), date_updated = ?11 \
                         WHERE sid = ?1 AND account_sid = ?2",
                    )
                    .and_then(|mut st| {
                        st.execute(params![
                            s,
                            a,
                            f.customer_name,
                            f.friendly_name,
                            f.street,
                            f.street_secondary,
                            f.city,
                            f.region,
                            f.postal_code,
                            f.emergency_enabled,
                            now
                        ])
                    })
                    .map_err(sql_error)?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                load(c, &a, &s)?.ok_or(StoreError::NotFound)
            })
            .await
    }

    async fn delete_address(&self, account_sid: &str, sid: &str) -> Result<()> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                load(c, &a, &s)?.ok_or(StoreError::NotFound)?;
                let in_use: bool = c
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM incoming_phone_numbers \
                         WHERE address_sid = ?1 AND status = 'in-use')",
                    )
                    .and_then(|mut st| st.query_row([&s], |r| r.get(0)))
                    .map_err(sql_error)?;
                if in_use {
                    return Err(RuleViolation::AddressInUse.into());
                }
                c.prepare_cached("DELETE FROM addresses WHERE sid = ?1 AND account_sid = ?2")
                    .and_then(|mut st| st.execute([&s, &a]))
                    .map_err(sql_error)?;
                Ok(())
            })
            .await
    }

    async fn dependent_numbers(
        &self,
        account_sid: &str,
        address_sid: &str,
        req: PageRequest,
    ) -> Result<PageSlice<PhoneNumberRecord>> {
        let mut f = Filter::new("account_sid = ?", account_sid.to_owned());
        f.and("address_sid = ?", address_sid.to_owned())
            .and_sql("status = 'in-use'");
        self.readers
            .read(move |c| {
                keyset_page(
                    c,
                    &List {
                        select: crate::incoming_phone_numbers::SELECT,
                        key: "seq",
                        newest_first: false,
                    },
                    f,
                    req,
                    crate::incoming_phone_numbers::row,
                    |r| r.seq,
                )
            })
            .await
    }
}
