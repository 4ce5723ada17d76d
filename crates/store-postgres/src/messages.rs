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

/// What the insert statement itself checks of a message before storing it (the batched
/// path, whose account was checked from the cache of accounts): that `from` is an in-use
/// number of the account with `capability`, and that `prepaid_tree` (when set) is not
/// prepaid. A message that fails them is not stored, and goes the checked way.
#[derive(Debug, Clone, Default)]
pub(crate) struct Guard {
    pub capability: Option<&'static str>,
    pub prepaid_tree: Option<String>,
    /// The account's main account (its usage rollups' tree), when known.
    pub tree: Option<String>,
}

/// Messages, their charges, usage rollups and webhooks in one statement (atomic on its
/// own, one round trip); each message's `guard` is checked in it. Returns, in order, each
/// message's `seq`, or `None` where its guard failed and nothing of it was stored.
pub(crate) async fn insert_many(
    c: &impl GenericClient,
    batch: &[(&NewMessage, &Guard)],
) -> Result<Vec<Option<i64>>> {
    let n = batch.len();
    let mut sid = Vec::with_capacity(n);
    let mut account = Vec::with_capacity(n);
    let mut direction = Vec::with_capacity(n);
    let mut from = Vec::with_capacity(n);
    let mut to = Vec::with_capacity(n);
    let mut service = Vec::with_capacity(n);
    let mut body = Vec::with_capacity(n);
    let mut segments = Vec::with_capacity(n);
    let mut num_media = Vec::with_capacity(n);
    let mut media = Vec::with_capacity(n);
    let mut status_callback = Vec::with_capacity(n);
    let mut api_version = Vec::with_capacity(n);
    let mut created = Vec::with_capacity(n);
    let mut send_at = Vec::with_capacity(n);
    let mut sending_at = Vec::with_capacity(n);
    let mut sent_at = Vec::with_capacity(n);
    let mut final_at = Vec::with_capacity(n);
    let mut final_status = Vec::with_capacity(n);
    let mut error_code = Vec::with_capacity(n);
    let mut scheduled = Vec::with_capacity(n);
    let mut price = Vec::with_capacity(n);
    let mut price_unit = Vec::with_capacity(n);
    let mut category = Vec::with_capacity(n);
    let mut amount = Vec::with_capacity(n);
    let mut charged_at = Vec::with_capacity(n);
    let mut day = Vec::with_capacity(n);
    let mut shard = Vec::with_capacity(n);
    let mut units = Vec::with_capacity(n);
    let mut nanos = Vec::with_capacity(n);
    let mut capability = Vec::with_capacity(n);
    let mut prepaid_tree = Vec::with_capacity(n);
    let mut tree = Vec::with_capacity(n);
    // Webhooks, each with its message's SID.
    let (mut w_sid, mut w_account, mut w_url, mut w_method) = (vec![], vec![], vec![], vec![]);
    let (mut w_params, mut w_due, mut w_token, mut w_kind) = (vec![], vec![], vec![], vec![]);
    for (new, guard) in batch {
        let m = &new.record;
        sid.push(m.sid.as_str());
        account.push(m.account_sid.as_str());
        direction.push(m.direction.as_str());
        from.push(m.from.as_str());
        to.push(m.to.as_str());
        service.push(m.messaging_service_sid.as_deref());
        body.push(m.body.as_str());
        segments.push(m.num_segments);
        num_media.push(m.num_media);
        media.push(
            serde_json::to_string(&m.media_urls).map_err(|e| StoreError::Other(e.to_string()))?,
        );
        status_callback.push(m.status_callback.as_deref());
        api_version.push(m.api_version.as_str());
        created.push(m.date_created);
        send_at.push(m.send_at);
        sending_at.push(m.sending_at);
        sent_at.push(m.sent_at);
        final_at.push(m.final_at);
        final_status.push(m.final_status.as_str());
        error_code.push(m.error_code);
        scheduled.push(m.scheduled);
        price.push(m.price.as_deref());
        price_unit.push(m.price_unit.as_str());
        // The charge is counted on the day it is charged.
        let at = m.sent_at.unwrap_or(m.date_created);
        category.push(new.charge.as_ref().map(|c| c.category.as_str()));
        amount.push(new.charge.as_ref().map(|c| c.amount.as_str()));
        charged_at.push(at);
        day.push(switchboard_store::usage::day_of(at));
        shard.push(switchboard_store::usage::shard_of(&m.sid));
        units.push(new.charge.as_ref().map_or(0, |c| c.usage));
        nanos.push(
            new.charge
                .as_ref()
                .map_or(0, |c| switchboard_store::usage::to_nanos(&c.amount)),
        );
        capability.push(guard.capability);
        prepaid_tree.push(guard.prepaid_tree.as_deref());
        tree.push(guard.tree.as_deref());
        for w in &new.webhooks {
            w_sid.push(m.sid.as_str());
            w_account.push(w.account_sid.as_str());
            w_url.push(w.url.as_str());
            w_method.push(w.method.as_str());
            w_params.push(w.params.as_str());
            w_due.push(w.due_at);
            w_token.push(w.idempotency_token.as_str());
            w_kind.push(w.kind.as_str());
        }
    }
    // `ok` is the input less what fails its guard; every insert reads `ok`, so a message
    // that fails stores nothing. Rollups are summed per row first (one upsert may not
    // touch a row twice) and taken in key order (concurrent batches lock rows alike).
    let st = c
        .prepare_cached(
            "WITH i AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], \
             $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::text[], \
             $11::text[], $12::text[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[], \
             $17::bigint[], $18::text[], $19::bigint[], $20::boolean[], $21::text[], $22::text[], \
             $23::text[], $24::text[], $25::bigint[], $26::bigint[], $27::bigint[], $28::bigint[], \
             $29::bigint[], $30::text[], $31::text[], $32::text[]) WITH ORDINALITY AS i(sid, \
             account_sid, direction, from_number, to_number, service, body, segments, num_media, \
             media, status_callback, api_version, created, send_at, sending_at, sent_at, final_at, \
             final_status, error_code, scheduled, price, price_unit, category, amount, charged_at, \
             day, shard, units, nanos, capability, prepaid_tree, tree, ord)), \
             ok AS (SELECT * FROM i WHERE (i.capability IS NULL OR EXISTS (SELECT 1 FROM \
             incoming_phone_numbers n WHERE n.phone_number = i.from_number AND n.account_sid = \
             i.account_sid AND n.status = 'in-use' AND (n.capabilities::jsonb ->> i.capability) \
             ::boolean)) AND (i.prepaid_tree IS NULL OR NOT EXISTS (SELECT 1 FROM account_credits \
             cr WHERE cr.account_sid = i.prepaid_tree AND cr.prepaid))), \
             m AS (INSERT INTO messages (sid, account_sid, direction, from_number, to_number, \
             messaging_service_sid, body, num_segments, num_media, media_urls, status_callback, \
             api_version, date_created, send_at, sending_at, sent_at, final_at, final_status, \
             error_code, scheduled, price, price_unit) SELECT sid, account_sid, direction, \
             from_number, to_number, service, body, segments, num_media, media, status_callback, \
             api_version, created, send_at, sending_at, sent_at, final_at, final_status, \
             error_code, scheduled, price, price_unit FROM ok ORDER BY ord RETURNING sid, seq), \
             ch AS (INSERT INTO charges (account_sid, category, resource_sid, amount, currency, \
             description, idempotency_key, charged_at) SELECT account_sid, category, sid, amount, \
             'USD', category, sid, charged_at FROM ok WHERE category IS NOT NULL \
             ON CONFLICT (idempotency_key) DO NOTHING RETURNING resource_sid), \
             ru AS (INSERT INTO usage_daily (account_sid, owner_sid, category, day, shard, count, \
             usage, price_nanos) SELECT ok.account_sid, COALESCE(ok.tree, (SELECT \
             COALESCE(a.owner_sid, a.sid) FROM accounts a WHERE a.sid = ok.account_sid), \
             ok.account_sid), ok.category, ok.day, ok.shard, count(*), sum(ok.units), \
             sum(ok.nanos) FROM ok JOIN ch ON ch.resource_sid = ok.sid GROUP BY 1, 2, 3, 4, 5 \
             ORDER BY 1, 3, 4, 5 ON CONFLICT (account_sid, category, day, shard) DO UPDATE SET \
             count = usage_daily.count + EXCLUDED.count, usage = usage_daily.usage + \
             EXCLUDED.usage, price_nanos = usage_daily.price_nanos + EXCLUDED.price_nanos), \
             wh AS (INSERT INTO webhooks (account_sid, resource_sid, url, method, params, due_at, \
             idempotency_token, next_attempt_at, kind) SELECT w.account_sid, w.sid, w.url, \
             w.method, w.params, w.due, w.tok, w.due, w.kind FROM unnest($33::text[], $34::text[], \
             $35::text[], $36::text[], $37::text[], $38::bigint[], $39::text[], $40::text[]) AS \
             w(sid, account_sid, url, method, params, due, tok, kind) JOIN ok ON ok.sid = w.sid \
             ON CONFLICT (idempotency_token) DO NOTHING) \
             SELECT sid, seq FROM m",
        )
        .await
        .map_err(pg_error)?;
    let rows = c
        .query(
            &st,
            &[
                &sid,
                &account,
                &direction,
                &from,
                &to,
                &service,
                &body,
                &segments,
                &num_media,
                &media,
                &status_callback,
                &api_version,
                &created,
                &send_at,
                &sending_at,
                &sent_at,
                &final_at,
                &final_status,
                &error_code,
                &scheduled,
                &price,
                &price_unit,
                &category,
                &amount,
                &charged_at,
                &day,
                &shard,
                &units,
                &nanos,
                &capability,
                &prepaid_tree,
                &tree,
                &w_sid,
                &w_account,
                &w_url,
                &w_method,
                &w_params,
                &w_due,
                &w_token,
                &w_kind,
            ],
        )
        .await
        .map_err(pg_error)?;
    let stored: std::collections::HashMap<&str, i64> = rows
        .iter()
        .map(|r| (r.get::<_, &str>(0), r.get(1)))
        .collect();
    Ok(sid.iter().map(|s| stored.get(s).copied()).collect())
}

/// One message, checked already by the caller.
async fn insert(c: &impl GenericClient, new: &NewMessage) -> Result<MessageRecord> {
    let seq = insert_many(c, &[(new, &Guard::default())])
        .await?
        .pop()
        .flatten()
        .ok_or_else(|| StoreError::Other("an unguarded message was not stored".into()))?;
    Ok(MessageRecord {
        seq,
        ..new.record.clone()
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

impl PostgresStore {
    /// The usual outbound message, stored by the batcher: its account's status and geo
    /// permissions checked here against the cache of accounts, its sending number and the
    /// tree's prepaid flag by the batch's statement. Anything else (the magic test number,
    /// an account the checks refuse, a failed guard) is handed back for the checked way,
    /// which gives the precise refusal.
    async fn batched(
        &self,
        new: NewMessage,
    ) -> Result<std::result::Result<MessageRecord, NewMessage>> {
        let m = &new.record;
        let Some(capability) = new
            .require_from_capability
            .filter(|_| m.from != rules::MAGIC_VALID_FROM)
        else {
            return Ok(Err(new));
        };
        let Some(account) = self.account(&m.account_sid).await? else {
            return Ok(Err(new));
        };
        let capable = NumberCapabilities {
            voice: true,
            sms: true,
            mms: true,
            fax: true,
        };
        let allowed = rules::check_outbound(
            &account,
            &m.from,
            Some(&capable),
            Some(capability),
            new.require_geo_country.as_deref(),
            Traffic::Sms,
        );
        if allowed.is_err() {
            return Ok(Err(new));
        }
        let tree = account.owner_sid.unwrap_or(account.sid);
        let guard = Guard {
            capability: Some(capability),
            prepaid_tree: new.charge.is_some().then(|| tree.clone()),
            tree: Some(tree),
        };
        self.messages.insert(new, guard).await
    }
}

#[async_trait]
impl MessageStore for PostgresStore {
    async fn create_message(&self, new: NewMessage) -> Result<MessageRecord> {
        let new = match self.batched(new).await? {
            Ok(stored) => return Ok(stored),
            Err(new) => new,
        };
        // The checked way, for what the batch's guards do not decide. Two round trips: the
        // checks' inputs in one read, then one atomic insert (see `owned_number` on why
        // traffic takes no row locks). A prepaid tree's message checks its balance and is
        // stored in one transaction, its credit row locked, so that concurrent charges
        // cannot overdraw it.
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
