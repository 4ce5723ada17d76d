//! Messages on Postgres.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use switchboard_store::rules::{self, Traffic};
use switchboard_store::*;
use tokio_postgres::Row;

use crate::query::{exec, keyset_page, row_opt, Filter, List};
use crate::{pg_error, pool_error, PostgresStore};

const SELECT: &str = "SELECT seq, sid, account_sid, direction, from_number, to_number, \
     messaging_service_sid, body, num_segments, num_media, media_urls, status_callback, \
     api_version, date_created, send_at, sending_at, sent_at, final_at, final_status, \
     error_code, scheduled, price, price_unit, canceled_at, redacted_at FROM messages";

fn record(r: &Row) -> Result<MessageRecord> {
    let media: String = r.get(10);
    Ok(MessageRecord {
        seq: r.get(0),
        sid: r.get(1),
        account_sid: r.get(2),
        direction: r.get(3),
        from: r.get(4),
        to: r.get(5),
        messaging_service_sid: r.get(6),
        body: r.get(7),
        num_segments: r.get(8),
        num_media: r.get(9),
        media_urls: serde_json::from_str(&media).unwrap_or_default(),
        status_callback: r.get(11),
        api_version: r.get(12),
        date_created: r.get(13),
        send_at: r.get(14),
        sending_at: r.get(15),
        sent_at: r.get(16),
        final_at: r.get(17),
        final_status: r.get(18),
        error_code: r.get(19),
        scheduled: r.get(20),
        price: r.get(21),
        price_unit: r.get(22),
        canceled_at: r.get(23),
        redacted_at: r.get(24),
    })
}

async fn load(
    c: &impl GenericClient,
    account_sid: &str,
    sid: &str,
    lock: &str,
) -> Result<Option<MessageRecord>> {
    let sql = format!("{SELECT} WHERE sid = $1 AND account_sid = $2 {lock}");
    row_opt(c, &sql, &[&sid, &account_sid])
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

/// The SID and capabilities of `number` when it is an in-use number of `account_sid`.
///
/// Traffic takes no row locks on the account or the number: thousands of messages a second
/// share one account row, and shared locks from many transactions on a row are slow in
/// Postgres (MultiXacts). A message reads the committed state; one that starts as its
/// account is suspended is ordered before the suspension, as it would be a moment earlier.
pub(crate) async fn owned_number(
    c: &impl GenericClient,
    account_sid: &str,
    number: &str,
) -> Result<Option<(String, NumberCapabilities)>> {
    let row = row_opt(
        c,
        "SELECT sid, capabilities FROM incoming_phone_numbers \
         WHERE phone_number = $1 AND account_sid = $2 AND status = 'in-use'",
        &[&number, &account_sid],
    )
    .await?;
    Ok(row.and_then(|r| {
        let caps: Option<NumberCapabilities> = serde_json::from_str(r.get::<_, &str>(1)).ok();
        caps.map(|c| (r.get::<_, String>(0), c))
    }))
}

/// An inbound message or call reaches `account_sid` only through a number it owns, and
/// only while it is active.
pub(crate) async fn check_inbound(
    c: &impl GenericClient,
    account_sid: &str,
    to: &str,
) -> Result<()> {
    if owned_number(c, account_sid, to).await?.is_none() {
        return Err(RuleViolation::NoSuchNumber.into());
    }
    let account = crate::accounts::load_required(c, account_sid, "").await?;
    if account.effective_status() != AccountStatus::Active {
        return Err(RuleViolation::AccountNotActive.into());
    }
    Ok(())
}

pub(crate) async fn insert_charge(
    c: &impl GenericClient,
    account_sid: &str,
    charge: &NewCharge,
    resource: &str,
    key: &str,
    at: i64,
) -> Result<()> {
    let inserted = exec(
        c,
        "INSERT INTO charges (account_sid, category, resource_sid, amount, currency, description, \
         idempotency_key, charged_at) VALUES ($1, $2, $3, $4, 'USD', $2, $5, $6) \
         ON CONFLICT (idempotency_key) DO NOTHING",
        &[
            &account_sid,
            &charge.category,
            &resource,
            &charge.amount,
            &key,
            &at,
        ],
    )
    .await?;
    // Each charge once: its rollups only with it.
    if inserted == 1 {
        crate::usage::record(
            c,
            account_sid,
            resource,
            at,
            &charge.category,
            charge.usage,
            &charge.amount,
        )
        .await?;
    }
    Ok(())
}

/// The message, its charge and its webhooks in one statement: atomic on its own, one
/// round trip.
async fn insert(c: &impl GenericClient, new: &NewMessage) -> Result<MessageRecord> {
    let m = &new.record;
    let media =
        serde_json::to_string(&m.media_urls).map_err(|e| StoreError::Other(e.to_string()))?;
    let category = new.charge.as_ref().map(|c| c.category.clone());
    let amount = new.charge.as_ref().map(|c| c.amount.clone());
    let charged_at = m.sent_at.unwrap_or(m.date_created);
    let w = &new.webhooks;
    let urls: Vec<&str> = w.iter().map(|w| w.url.as_str()).collect();
    let methods: Vec<&str> = w.iter().map(|w| w.method.as_str()).collect();
    let params: Vec<&str> = w.iter().map(|w| w.params.as_str()).collect();
    let dues: Vec<i64> = w.iter().map(|w| w.due_at).collect();
    let tokens: Vec<&str> = w.iter().map(|w| w.idempotency_token.as_str()).collect();
    let kinds: Vec<&str> = w.iter().map(|w| w.kind.as_str()).collect();
    // The charge's rollup (the `ru` part, only when `ch` inserted), counted on the day it is
    // charged.
    let usage_units = new.charge.as_ref().map_or(0, |ch| ch.usage);
    let usage_nanos = new
        .charge
        .as_ref()
        .map_or(0, |ch| switchboard_store::usage::to_nanos(&ch.amount));
    let usage_day = switchboard_store::usage::day_of(charged_at);
    let usage_shard = switchboard_store::usage::shard_of(&m.sid);
    let st = c
        .prepare_cached(
            "WITH m AS (INSERT INTO messages (sid, account_sid, direction, from_number, to_number, \
             messaging_service_sid, body, num_segments, num_media, media_urls, status_callback, \
             api_version, date_created, send_at, sending_at, sent_at, final_at, final_status, \
             error_code, scheduled, price, price_unit) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING seq), \
             ch AS (INSERT INTO charges (account_sid, category, resource_sid, amount, currency, \
             description, idempotency_key, charged_at) SELECT $2, $23, $1, $24, 'USD', $23, $1, $25 \
             WHERE $23::text IS NOT NULL ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1), \
             ru AS (INSERT INTO usage_daily (account_sid, owner_sid, category, day, shard, count, \
             usage, price_nanos) SELECT $2, COALESCE((SELECT COALESCE(owner_sid, sid) FROM accounts \
             WHERE sid = $2), $2), $23, $32, $33, 1, $34, $35 FROM ch \
             ON CONFLICT (account_sid, category, day, shard) DO UPDATE SET \
             count = usage_daily.count + 1, usage = usage_daily.usage + EXCLUDED.usage, \
             price_nanos = usage_daily.price_nanos + EXCLUDED.price_nanos), \
             wh AS (INSERT INTO webhooks (account_sid, resource_sid, url, method, params, due_at, \
             idempotency_token, next_attempt_at, kind) SELECT $2, $1, u.url, u.method, u.params, \
             u.due, u.tok, u.due, u.kind FROM unnest($26::text[], $27::text[], $28::text[], \
             $29::bigint[], $30::text[], $31::text[]) AS u(url, method, params, due, tok, kind) \
             ON CONFLICT (idempotency_token) DO NOTHING) \
             SELECT seq FROM m",
        )
        .await
        .map_err(pg_error)?;
    let row = c
        .query_one(
            &st,
            &[
                &m.sid,
                &m.account_sid,
                &m.direction,
                &m.from,
                &m.to,
                &m.messaging_service_sid,
                &m.body,
                &m.num_segments,
                &m.num_media,
                &media,
                &m.status_callback,
                &m.api_version,
                &m.date_created,
                &m.send_at,
                &m.sending_at,
                &m.sent_at,
                &m.final_at,
                &m.final_status,
                &m.error_code,
                &m.scheduled,
                &m.price,
                &m.price_unit,
                &category,
                &amount,
                &charged_at,
                &urls,
                &methods,
                &params,
                &dues,
                &tokens,
                &kinds,
                &usage_day,
                &usage_shard,
                &usage_units,
                &usage_nanos,
            ],
        )
        .await
        .map_err(pg_error)?;
    Ok(MessageRecord {
        seq: row.get(0),
        ..m.clone()
    })
}

/// The checks of an outbound message: its account (and whether its tree is prepaid), or the
/// rule it breaks.
async fn checked(c: &impl GenericClient, new: &NewMessage) -> Result<(AccountRecord, bool)> {
    let m = &new.record;
    let (account, caps, prepaid) = crate::accounts::load_with_number(c, &m.account_sid, &m.from)
        .await?
        .ok_or(StoreError::NotFound)?;
    rules::check_outbound(
        &account,
        &m.from,
        caps.as_ref(),
        new.require_from_capability,
        new.require_geo_country.as_deref(),
        Traffic::Sms,
    )?;
    Ok((account, prepaid && new.charge.is_some()))
}

fn charge_nanos(new: &NewMessage) -> i64 {
    new.charge
        .as_ref()
        .map_or(0, |c| switchboard_store::usage::to_nanos(&c.amount))
}

/// Check an outbound message, then store it (with its charge and webhooks), in the caller's
/// transaction: a refused message writes nothing.
pub(crate) async fn create(tx: &impl GenericClient, new: &NewMessage) -> Result<MessageRecord> {
    let (account, prepaid) = checked(tx, new).await?;
    if prepaid {
        crate::usage::check_prepaid(tx, &account, charge_nanos(new)).await?;
    }
    insert(tx, new).await
}

#[async_trait]
impl MessageStore for PostgresStore {
    async fn create_message(&self, new: NewMessage) -> Result<MessageRecord> {
        // Two round trips: the checks' inputs in one read, then one atomic insert (see
        // `owned_number` on why traffic takes no row locks). A prepaid tree's message checks
        // its balance and is stored in one transaction, its credit row locked, so that
        // concurrent charges cannot overdraw it.
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let (account, prepaid) = checked(&c, &new).await?;
        if !prepaid {
            return insert(&c, &new).await;
        }
        let tx = c.transaction().await.map_err(pg_error)?;
        crate::usage::check_prepaid(&tx, &account, charge_nanos(&new)).await?;
        let out = insert(&tx, &new).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(out)
    }

    async fn receive_message(&self, new: NewMessage) -> Result<MessageRecord> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        check_inbound(&tx, &new.record.account_sid, &new.record.to).await?;
        let out = insert(&tx, &new).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(out)
    }

    async fn message(&self, account_sid: &str, sid: &str) -> Result<Option<MessageRecord>> {
        let c = self.pool.get().await.map_err(pool_error)?;
        load(&c, account_sid, sid, "").await
    }

    async fn list_messages(
        &self,
        account_sid: &str,
        q: &MessageListQuery,
        req: PageRequest,
    ) -> Result<PageSlice<MessageRecord>> {
        let mut f = Filter::new("account_sid = $", account_sid.to_owned());
        f.and_opt("to_number = $", q.to.clone())
            .and_opt("from_number = $", q.from.clone());
        if q.sent_from.is_some() || q.sent_until.is_some() {
            // date_sent exists only once sent, and not for canceled messages.
            f.and("sent_at <= $", q.now).and_sql("canceled_at IS NULL");
            f.and_opt("sent_at >= $", q.sent_from)
                .and_opt("sent_at < $", q.sent_until);
        }
        let c = self.pool.get().await.map_err(pool_error)?;
        keyset_page(
            &c,
            &List {
                select: SELECT,
                key: "seq",
                newest_first: true,
            },
            f,
            req,
            record,
            |r| r.seq,
        )
        .await
    }

    async fn redact_message(
        &self,
        account_sid: &str,
        sid: &str,
        now: i64,
    ) -> Result<MessageRecord> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        let m = load(&tx, account_sid, sid, "FOR UPDATE")
            .await?
            .ok_or(StoreError::NotFound)?;
        if !matches!(
            m.status_at(now),
            "delivered" | "undelivered" | "failed" | "received" | "canceled" | "sent"
        ) {
            return Err(RuleViolation::MessageNotChangeable.into());
        }
        exec(
            &tx,
            "UPDATE messages SET body = '', redacted_at = $2 WHERE sid = $1",
            &[&sid, &now],
        )
        .await?;
        let out = load(&tx, account_sid, sid, "")
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(pg_error)?;
        Ok(out)
    }

    async fn cancel_message(
        &self,
        account_sid: &str,
        sid: &str,
        now: i64,
    ) -> Result<MessageRecord> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        let m = load(&tx, account_sid, sid, "FOR UPDATE")
            .await?
            .ok_or(StoreError::NotFound)?;
        if m.status_at(now) != "scheduled" {
            return Err(RuleViolation::MessageNotChangeable.into());
        }
        exec(
            &tx,
            "UPDATE messages SET canceled_at = $2 WHERE sid = $1",
            &[&sid, &now],
        )
        .await?;
        exec(
            &tx,
            "DELETE FROM charges WHERE idempotency_key = $1",
            &[&sid],
        )
        .await?;
        // Its later status callbacks report a course it no longer takes.
        crate::webhooks::drop_future(&tx, sid, now).await?;
        let out = load(&tx, account_sid, sid, "")
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(pg_error)?;
        Ok(out)
    }

    async fn delete_message(&self, account_sid: &str, sid: &str, now: i64) -> Result<()> {
        let mut c = self.pool.get().await.map_err(pool_error)?;
        let tx = c.transaction().await.map_err(pg_error)?;
        let m = load(&tx, account_sid, sid, "FOR UPDATE")
            .await?
            .ok_or(StoreError::NotFound)?;
        if matches!(m.status_at(now), "queued" | "sending" | "scheduled") {
            return Err(RuleViolation::MessageNotChangeable.into());
        }
        exec(
            &tx,
            "DELETE FROM messages WHERE sid = $1 AND account_sid = $2",
            &[&sid, &account_sid],
        )
        .await?;
        tx.commit().await.map_err(pg_error)
    }
}
