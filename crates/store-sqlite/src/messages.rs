//! Messages on SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use switchboard_store::rules::{self, Traffic};
use switchboard_store::*;

use crate::query::{keyset_page, Filter, List};
use crate::worker::sql_error;
use crate::SqliteStore;

const SELECT: &str = "SELECT seq, sid, account_sid, direction, from_number, to_number, \
     messaging_service_sid, body, num_segments, num_media, media_urls, status_callback, \
     api_version, date_created, send_at, sending_at, sent_at, final_at, final_status, \
     error_code, scheduled, price, price_unit, canceled_at, redacted_at FROM messages";

fn row(r: &Row<'_>) -> rusqlite::Result<MessageRecord> {
    let media: String = r.get(10)?;
    Ok(MessageRecord {
        seq: r.get(0)?,
        sid: r.get(1)?,
        account_sid: r.get(2)?,
        direction: r.get(3)?,
        from: r.get(4)?,
        to: r.get(5)?,
        messaging_service_sid: r.get(6)?,
        body: r.get(7)?,
        num_segments: r.get(8)?,
        num_media: r.get(9)?,
        media_urls: serde_json::from_str(&media).unwrap_or_default(),
        status_callback: r.get(11)?,
        api_version: r.get(12)?,
        date_created: r.get(13)?,
        send_at: r.get(14)?,
        sending_at: r.get(15)?,
        sent_at: r.get(16)?,
        final_at: r.get(17)?,
        final_status: r.get(18)?,
        error_code: r.get(19)?,
        scheduled: r.get(20)?,
        price: r.get(21)?,
        price_unit: r.get(22)?,
        canceled_at: r.get(23)?,
        redacted_at: r.get(24)?,
    })
}

fn load(c: &Connection, account_sid: &str, sid: &str) -> Result<Option<MessageRecord>> {
    c.prepare_cached(&format!("{SELECT} WHERE sid = ?1 AND account_sid = ?2"))
        .and_then(|mut st| st.query_row([sid, account_sid], row).optional())
        .map_err(sql_error)
}

/// The SID and capabilities of `number` when it is an in-use number of `account_sid`.
pub(crate) fn owned_number(
    c: &Connection,
    account_sid: &str,
    number: &str,
) -> Result<Option<(String, NumberCapabilities)>> {
    let row: Option<(String, String)> = c
        .prepare_cached(
            "SELECT sid, capabilities FROM incoming_phone_numbers \
             WHERE phone_number = ?1 AND account_sid = ?2 AND status = 'in-use'",
        )
        .and_then(|mut st| {
            st.query_row([number, account_sid], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(sql_error)?;
    Ok(row.and_then(|(sid, caps)| serde_json::from_str(&caps).ok().map(|c| (sid, c))))
}

/// An inbound message or call reaches `account_sid` only through a number it owns, and
/// only while it is active.
pub(crate) fn check_inbound(c: &Connection, account_sid: &str, to: &str) -> Result<()> {
    if owned_number(c, account_sid, to)?.is_none() {
        return Err(RuleViolation::NoSuchNumber.into());
    }
    let account = crate::accounts::load_required(c, account_sid)?;
    if account.effective_status() != AccountStatus::Active {
        return Err(RuleViolation::AccountNotActive.into());
    }
    Ok(())
}

pub(crate) fn insert_charge(
    c: &Connection,
    account_sid: &str,
    charge: &NewCharge,
    resource: &str,
    key: &str,
    at: i64,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO charges (account_sid, category, resource_sid, amount, currency, description, \
         idempotency_key, charged_at) VALUES (?1, ?2, ?3, ?4, 'USD', ?5, ?6, ?7) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .and_then(|mut st| {
        st.execute(params![
            account_sid,
            charge.category,
            resource,
            charge.amount,
            charge.category,
            key,
            at
        ])
    })
    .map_err(sql_error)
    .and_then(|n| match n {
        // Each charge once: its rollups only with it.
        1 => crate::usage::record(
            c,
            account_sid,
            resource,
            at,
            &charge.category,
            charge.usage,
            &charge.amount,
        ),
        _ => Ok(()),
    })
}

fn insert(c: &Connection, new: &NewMessage) -> Result<MessageRecord> {
    let m = &new.record;
    let media =
        serde_json::to_string(&m.media_urls).map_err(|e| StoreError::Other(e.to_string()))?;
    c.prepare_cached(
        "INSERT INTO messages (sid, account_sid, direction, from_number, to_number, \
         messaging_service_sid, body, num_segments, num_media, media_urls, status_callback, \
         api_version, date_created, send_at, sending_at, sent_at, final_at, final_status, \
         error_code, scheduled, price, price_unit) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, \
         ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
    )
    .and_then(|mut st| {
        st.execute(params![
            m.sid,
            m.account_sid,
            m.direction,
            m.from,
            m.to,
            m.messaging_service_sid,
            m.body,
            m.num_segments,
            m.num_media,
            media,
            m.status_callback,
            m.api_version,
            m.date_created,
            m.send_at,
            m.sending_at,
            m.sent_at,
            m.final_at,
            m.final_status,
            m.error_code,
            m.scheduled,
            m.price,
            m.price_unit
        ])
    })
    .map_err(sql_error)?;
    let seq = c.last_insert_rowid();
    if let Some(charge) = &new.charge {
        let at = m.sent_at.unwrap_or(m.date_created);
        insert_charge(c, &m.account_sid, charge, &m.sid, &m.sid, at)?;
    }
    crate::webhooks::insert_webhooks(c, &new.webhooks)?;
    Ok(MessageRecord { seq, ..m.clone() })
}

/// Check an outbound message as [`MessageStore::create_message`] does, then store it, in the
/// caller's transaction: a refused message writes nothing.
pub(crate) fn create(c: &Connection, new: &NewMessage) -> Result<MessageRecord> {
    let m = &new.record;
    let account = crate::accounts::load_required(c, &m.account_sid)?;
    let caps = match new.require_from_capability {
        Some(_) => owned_number(c, &m.account_sid, &m.from)?.map(|(_, caps)| caps),
        None => None,
    };
    rules::check_outbound(
        &account,
        &m.from,
        caps.as_ref(),
        new.require_from_capability,
        new.require_geo_country.as_deref(),
        Traffic::Sms,
    )?;
    if let Some(charge) = &new.charge {
        crate::usage::check_prepaid(
            c,
            &account,
            switchboard_store::usage::to_nanos(&charge.amount),
        )?;
    }
    insert(c, new)
}

#[async_trait]
impl MessageStore for SqliteStore {
    async fn create_message(&self, new: NewMessage) -> Result<MessageRecord> {
        self.writer.write(move |c| create(c, &new)).await
    }

    async fn receive_message(&self, new: NewMessage) -> Result<MessageRecord> {
        self.writer
            .write(move |c| {
                check_inbound(c, &new.record.account_sid, &new.record.to)?;
                insert(c, &new)
            })
            .await
    }

    async fn message(&self, account_sid: &str, sid: &str) -> Result<Option<MessageRecord>> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.readers.read(move |c| load(c, &a, &s)).await
    }

    async fn list_messages(
        &self,
        account_sid: &str,
        q: &MessageListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<MessageRecord>> {
        let mut f = Filter::new("account_sid = ?", account_sid.to_owned());
        f.and_opt("to_number = ?", q.to.clone())
            .and_opt("from_number = ?", q.from.clone());
        if q.sent_from.is_some() || q.sent_until.is_some() {
            // date_sent exists only once sent, and not for canceled messages.
            f.and("sent_at <= ?", q.now).and_sql("canceled_at IS NULL");
            f.and_opt("sent_at >= ?", q.sent_from)
                .and_opt("sent_at < ?", q.sent_until);
        }
        self.readers
            .read(move |c| {
                keyset_page(
                    c,
                    &List {
                        select: SELECT,
                        key: "seq",
                        newest_first: true,
                    },
                    f,
                    req,
                    row,
                    |r| r.seq,
                )
            })
            .await
    }

    async fn redact_message(
        &self,
        account_sid: &str,
        sid: &str,
        now: i64,
    ) -> Result<MessageRecord> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let m = load(c, &a, &s)?.ok_or(StoreError::NotFound)?;
                if !matches!(
                    m.status_at(now),
                    "delivered" | "undelivered" | "failed" | "received" | "canceled" | "sent"
                ) {
                    return Err(RuleViolation::MessageNotChangeable.into());
                }
                c.prepare_cached("UPDATE messages SET body = '', redacted_at = ?2 WHERE sid = ?1")
                    .and_then(|mut st| st.execute(params![s, now]))
                    .map_err(sql_error)?;
                load(c, &a, &s)?.ok_or(StoreError::NotFound)
            })
            .await
    }

    async fn cancel_message(
        &self,
        account_sid: &str,
        sid: &str,
        now: i64,
    ) -> Result<MessageRecord> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let m = load(c, &a, &s)?.ok_or(StoreError::NotFound)?;
                if m.status_at(now) != "scheduled" {
                    return Err(RuleViolation::MessageNotChangeable.into());
                }
                c.prepare_cached("UPDATE messages SET canceled_at = ?2 WHERE sid = ?1")
                    .and_then(|mut st| st.execute(params![s, now]))
                    .map_err(sql_error)?;
                c.prepare_cached("DELETE FROM charges WHERE idempotency_key = ?1")
                    .and_then(|mut st| st.execute([&s]))
                    .map_err(sql_error)?;
                // Its later status callbacks report a course it no longer takes.
                crate::webhooks::drop_future(c, &s, now)?;
                load(c, &a, &s)?.ok_or(StoreError::NotFound)
            })
            .await
    }

    async fn delete_message(&self, account_sid: &str, sid: &str, now: i64) -> Result<()> {
        let (a, s) = (account_sid.to_owned(), sid.to_owned());
        self.writer
            .write(move |c| {
                let m = load(c, &a, &s)?.ok_or(StoreError::NotFound)?;
                if matches!(m.status_at(now), "queued" | "sending" | "scheduled") {
                    return Err(RuleViolation::MessageNotChangeable.into());
                }
                c.prepare_cached("DELETE FROM messages WHERE sid = ?1 AND account_sid = ?2")
                    .and_then(|mut st| st.execute([&s, &a]))
                    .map(drop)
                    .map_err(sql_error)
            })
            .await
    }
}
