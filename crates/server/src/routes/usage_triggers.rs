//! Usage triggers (`/Usage/Triggers`): create, list, fetch, update, delete; and the job that
//! fires them. A trigger watches its account's usage of one category (a main account's
//! tree, as usage records do) by `count`, `usage` or `price`, over its period (`daily`,
//! `monthly`, `yearly` in UTC, or all time), and when the value reaches `TriggerValue` its
//! `CallbackUrl` gets Twilio's parameters, once per period, through the webhook queue
//! (signed, retried with backoff).

use std::collections::HashMap;

use crate::json::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rust_decimal::Decimal;
use switchboard_store::usage::{self, UsageScope};
use switchboard_store::{
    NewWebhook, Store, StoreError, UsageTriggerListQuery, UsageTriggerPatch, UsageTriggerRecord,
    WebhookKind,
};
use switchboard_wire::date::rfc2822;
use switchboard_wire::page::Page;
use switchboard_wire::sid::{self, prefix};
use switchboard_wire::usage::UsageTrigger;

use crate::app::AppState;
use crate::auth::AccountScope;
use crate::error::{ApiError, ApiResult};
use crate::paging::{envelope, PageParams};
use crate::params::Params;
use crate::routes::instance_sid;
use crate::routes::usage::{first_of_month, first_of_year, sums, ymd};

const RECURRING: [&str; 4] = ["daily", "monthly", "yearly", "alltime"];
const TRIGGER_BY: [&str; 3] = ["count", "usage", "price"];

/// The period a trigger is in at `now`: its key and its first and last day.
fn period(recurring: &str, now: i64) -> (String, i64, i64) {
    let today = usage::day_of(now);
    match recurring {
        "daily" => (format!("day:{}", ymd(today)), today, today),
        "monthly" => {
            let first = first_of_month(today);
            (format!("month:{}", &ymd(first)[..7]), first, today)
        }
        "yearly" => {
            let first = first_of_year(today);
            (format!("year:{}", &ymd(first)[..4]), first, today)
        }
        _ => ("alltime".into(), i64::from(i32::MIN), today),
    }
}

/// The trigger's value now: its category's count, usage or price over its period.
async fn current_value(
    store: &dyn Store,
    t: &UsageTriggerRecord,
    now: i64,
) -> Result<Decimal, StoreError> {
    // A main account's tree, a subaccount's own usage, as usage records show by default.
    let scope = UsageScope::Tree(t.account_sid.clone());
    let (_, from, to) = period(&t.recurring, now);
    let days = usage::with_derived(store.usage_by_day(&scope, from, to).await?);
    let (count, used, nanos) = sums(&days, &t.usage_category, from, to);
    Ok(match t.trigger_by.as_str() {
        "count" => Decimal::from(count),
        "usage" if t.usage_category == "totalprice" => usage::from_nanos(nanos),
        "usage" => Decimal::from(used),
        _ => usage::from_nanos(nanos),
    })
}

fn record_uri(t: &UsageTriggerRecord, now: i64) -> String {
    let (_, from, to) = period(&t.recurring, now);
    let base = format!(
        "/2010-04-01/Accounts/{}/Usage/Records.json?Category={}",
        t.account_sid, t.usage_category
    );
    if t.recurring.is_empty() || t.recurring == "alltime" {
        base
    } else {
        format!("{base}&StartDate={}&EndDate={}", ymd(from), ymd(to))
    }
}

async fn to_wire(store: &dyn Store, t: &UsageTriggerRecord, now: i64) -> ApiResult<UsageTrigger> {
    let current = current_value(store, t, now).await?;
    Ok(UsageTrigger {
        account_sid: t.account_sid.clone(),
        api_version: switchboard_wire::API_VERSION.into(),
        callback_method: t.callback_method.clone(),
        callback_url: t.callback_url.clone(),
        current_value: current.normalize().to_string(),
        date_created: rfc2822(t.date_created),
        date_fired: t.date_fired.map(rfc2822),
        date_updated: rfc2822(t.date_updated),
        friendly_name: t.friendly_name.clone(),
        recurring: if t.recurring.is_empty() {
            "alltime".into()
        } else {
            t.recurring.clone()
        },
        sid: t.sid.clone(),
        trigger_by: t.trigger_by.clone(),
        trigger_value: t.trigger_value.clone(),
        uri: format!(
            "/2010-04-01/Accounts/{}/Usage/Triggers/{}.json",
            t.account_sid, t.sid
        ),
        usage_category: t.usage_category.clone(),
        usage_record_uri: record_uri(t, now),
    })
}

/// POST /2010-04-01/Accounts/{AccountSid}/Usage/Triggers.json · CreateUsageTrigger
pub async fn create(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<(StatusCode, Json<UsageTrigger>)> {
    let now = state.clock.now_ms();
    let callback_url = params
        .url("CallbackUrl")?
        .filter(|u| !u.is_empty())
        .ok_or_else(|| ApiError::missing("CallbackUrl"))?;
    let category = params
        .get("UsageCategory")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::missing("UsageCategory"))?;
    if !category
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(ApiError::invalid_parameter("UsageCategory", category));
    }
    let trigger_by = params
        .one_of("TriggerBy", &TRIGGER_BY)?
        .unwrap_or_else(|| "usage".into());
    let recurring = params.one_of("Recurring", &RECURRING)?.unwrap_or_default();
    let raw = params
        .get("TriggerValue")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing("TriggerValue"))?;
    let mut t = UsageTriggerRecord {
        seq: 0,
        sid: sid::new_sid(prefix::USAGE_TRIGGER),
        account_sid: scope.sid().to_owned(),
        friendly_name: params.get("FriendlyName").unwrap_or("").to_owned(),
        usage_category: category.to_owned(),
        trigger_by,
        trigger_value: String::new(),
        recurring,
        callback_url,
        callback_method: params
            .http_method("CallbackMethod")?
            .unwrap_or_else(|| "POST".into()),
        date_created: now,
        date_updated: now,
        date_fired: None,
        fired_period: None,
    };
    // `+30`: thirty more than the usage now.
    let (offset, number) = match raw.trim().strip_prefix('+') {
        Some(n) => (true, n),
        None => (false, raw.trim()),
    };
    let value: Decimal = number
        .parse()
        .ok()
        .filter(|d: &Decimal| !d.is_sign_negative())
        .ok_or_else(|| ApiError::invalid_parameter("TriggerValue", raw))?;
    let value = if offset {
        value + current_value(state.store.as_ref(), &t, now).await?
    } else {
        value
    };
    t.trigger_value = value.normalize().to_string();
    let t = state.store.create_usage_trigger(t).await?;
    Ok((
        StatusCode::CREATED,
        Json(to_wire(state.store.as_ref(), &t, now).await?),
    ))
}

/// GET /2010-04-01/Accounts/{AccountSid}/Usage/Triggers.json · ListUsageTrigger
pub async fn list(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<UsageTrigger>>> {
    let pp = PageParams::parse(&params)?;
    let now = state.clock.now_ms();
    let q = UsageTriggerListQuery {
        recurring: params.one_of("Recurring", &RECURRING)?,
        trigger_by: params.one_of("TriggerBy", &TRIGGER_BY)?,
        usage_category: params.get("UsageCategory").map(str::to_owned),
    };
    let filters: Vec<(&str, String)> = ["Recurring", "TriggerBy", "UsageCategory"]
        .into_iter()
        .filter_map(|k| params.get(k).map(|v| (k, v.to_owned())))
        .collect();
    let slice = state
        .store
        .list_usage_triggers(scope.sid(), &q, pp.request())
        .await?;
    let mut items = Vec::with_capacity(slice.items.len());
    for t in &slice.items {
        items.push(to_wire(state.store.as_ref(), t, now).await?);
    }
    let path = format!("/2010-04-01/Accounts/{}/Usage/Triggers.json", scope.sid());
    let mut items = items.into_iter();
    Ok(Json(envelope(
        "usage_triggers",
        &path,
        &filters,
        &pp,
        slice.map(|_| items.next().expect("one wire item per record")),
    )))
}

async fn load(
    state: &AppState,
    scope: &AccountScope,
    path: &HashMap<String, String>,
) -> ApiResult<UsageTriggerRecord> {
    let sid = instance_sid(path, "SidJson", prefix::USAGE_TRIGGER)?;
    state
        .store
        .usage_trigger(scope.sid(), &sid)
        .await?
        .ok_or(ApiError::NotFound)
}

/// GET /2010-04-01/Accounts/{AccountSid}/Usage/Triggers/{Sid}.json · FetchUsageTrigger
pub async fn fetch(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<UsageTrigger>> {
    let t = load(&state, &scope, &path).await?;
    Ok(Json(
        to_wire(state.store.as_ref(), &t, state.clock.now_ms()).await?,
    ))
}

/// POST /2010-04-01/Accounts/{AccountSid}/Usage/Triggers/{Sid}.json · UpdateUsageTrigger
pub async fn update(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<UsageTrigger>> {
    let t = load(&state, &scope, &path).await?;
    let now = state.clock.now_ms();
    let patch = UsageTriggerPatch {
        friendly_name: params.get("FriendlyName").map(str::to_owned),
        callback_url: params.url("CallbackUrl")?.filter(|u| !u.is_empty()),
        callback_method: params.http_method("CallbackMethod")?,
    };
    let t = state
        .store
        .update_usage_trigger(scope.sid(), &t.sid, patch, now)
        .await?;
    Ok(Json(to_wire(state.store.as_ref(), &t, now).await?))
}

/// DELETE /2010-04-01/Accounts/{AccountSid}/Usage/Triggers/{Sid}.json · DeleteUsageTrigger
pub async fn delete(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let t = load(&state, &scope, &path).await?;
    state
        .store
        .delete_usage_trigger(scope.sid(), &t.sid)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Fire every trigger whose value has reached its `TriggerValue` in its current period and
/// that has not fired in it; returns how many fired.
pub async fn fire_due(store: &dyn Store, now: i64) -> Result<u64, StoreError> {
    let mut fired = 0;
    let mut after = 0;
    loop {
        let batch = store.usage_triggers_after(after, 500).await?;
        let Some(last) = batch.last() else {
            return Ok(fired);
        };
        after = last.seq;
        for t in &batch {
            let (key, _, _) = period(&t.recurring, now);
            if t.fired_period.as_deref() == Some(key.as_str()) {
                continue;
            }
            let Ok(target) = t.trigger_value.parse::<Decimal>() else {
                continue;
            };
            let current = current_value(store, t, now).await?;
            if current < target {
                continue;
            }
            let token = format!("{}-{key}", t.sid);
            let date_fired = rfc2822(now);
            let current = current.normalize().to_string();
            let recurring = if t.recurring.is_empty() {
                "alltime"
            } else {
                &t.recurring
            };
            let uri = record_uri(t, now);
            let params = crate::webhooks::encode(&[
                ("AccountSid", &t.account_sid),
                ("UsageTriggerSid", &t.sid),
                ("DateFired", &date_fired),
                ("Recurring", recurring),
                ("UsageCategory", &t.usage_category),
                ("TriggerBy", &t.trigger_by),
                ("TriggerValue", &t.trigger_value),
                ("CurrentValue", &current),
                ("UsageRecordUri", &uri),
                ("IdempotencyToken", &token),
            ]);
            let callback = NewWebhook {
                kind: WebhookKind::Callback,
                account_sid: t.account_sid.clone(),
                resource_sid: t.sid.clone(),
                url: t.callback_url.clone(),
                method: t.callback_method.clone(),
                params,
                due_at: now,
                idempotency_token: token,
            };
            if store
                .fire_usage_trigger(&t.sid, &key, now, callback)
                .await?
            {
                fired += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_utc_days_months_and_years() {
        // 2018-01-15T09:00:00Z
        let now = 1_516_006_800_000;
        assert_eq!(period("daily", now).0, "day:2018-01-15");
        assert_eq!(period("monthly", now).0, "month:2018-01");
        assert_eq!(period("yearly", now).0, "year:2018");
        assert_eq!(period("", now).0, "alltime");
        assert_eq!(period("alltime", now).0, "alltime");
        let (_, from, to) = period("monthly", now);
        assert_eq!(
            (ymd(from).as_str(), ymd(to).as_str()),
            ("2018-01-01", "2018-01-15")
        );
    }
}
