//! Usage records (`/Usage/Records.json` and its eight period lists) and the Balance, read
//! from the store's usage rollups (`switchboard_store::usage`): a month of a subaccount's
//! usage is a few dozen rows whatever its traffic.
//!
//! Dates are UTC days. `IncludeSubaccounts` (default true, as the spec says) makes a main
//! account's records its whole tree's; a subaccount's are its own. The categories listed are
//! the ones Switchboard records (`usage::CATEGORIES`); `Category` picks one (another name
//! gives an empty list).

use crate::json::Json;
use axum::extract::State;
use chrono::{Datelike, Months, NaiveDate};
use switchboard_store::usage::{self, UsageDay, UsageScope, CATEGORIES};
use switchboard_store::PageSlice;
use switchboard_wire::page::{Cursor, Page};
use switchboard_wire::usage::{Balance, UsageRecord, UsageRecordSubresourceUris};

use crate::app::AppState;
use crate::auth::AccountScope;
use crate::error::{ApiError, ApiResult};
use crate::paging::{envelope, PageParams};
use crate::params::Params;

/// The lists under `Usage/Records`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// `Records.json`: one record per category for the range asked.
    Range,
    AllTime,
    Daily,
    Monthly,
    Yearly,
    Today,
    Yesterday,
    ThisMonth,
    LastMonth,
}

impl Period {
    fn path(self) -> &'static str {
        match self {
            Period::Range => "Records.json",
            Period::AllTime => "Records/AllTime.json",
            Period::Daily => "Records/Daily.json",
            Period::Monthly => "Records/Monthly.json",
            Period::Yearly => "Records/Yearly.json",
            Period::Today => "Records/Today.json",
            Period::Yesterday => "Records/Yesterday.json",
            Period::ThisMonth => "Records/ThisMonth.json",
            Period::LastMonth => "Records/LastMonth.json",
        }
    }
}

fn date_of(day: i64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt((day + 719_163) as i32).unwrap_or_default()
}

fn day_from(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 719_163
}

/// `YYYY-MM-DD`, or an offset from today such as `-30days` / `+30days`.
fn parse_date(name: &str, v: &str, today: i64) -> ApiResult<i64> {
    let v = v.trim();
    if let Some(n) = v.strip_suffix("days") {
        if let Ok(n) = n.parse::<i64>() {
            return Ok(today + n);
        }
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map(day_from)
        .map_err(|_| ApiError::invalid_parameter(name, v))
}

pub(crate) fn first_of_month(day: i64) -> i64 {
    let d = date_of(day);
    day_from(d.with_day(1).unwrap_or(d))
}

fn add_months(day: i64, months: u32) -> i64 {
    let d = date_of(day);
    day_from(d.checked_add_months(Months::new(months)).unwrap_or(d))
}

pub(crate) fn first_of_year(day: i64) -> i64 {
    let d = date_of(day);
    day_from(NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d))
}

/// The periods a list reports over `from..=to`: each `(start, end)` day range.
fn periods(period: Period, from: i64, to: i64) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    match period {
        Period::Daily => out.extend((from..=to).map(|d| (d, d))),
        Period::Monthly | Period::Yearly => {
            let mut start = if period == Period::Monthly {
                first_of_month(from)
            } else {
                first_of_year(from)
            };
            while start <= to {
                let next = add_months(start, if period == Period::Monthly { 1 } else { 12 });
                out.push((start.max(from), (next - 1).min(to)));
                start = next;
            }
        }
        _ => out.push((from, to)),
    }
    out
}

/// Sums of one category over a day range. `days` is in (category, day) order, as
/// `usage::with_derived` gives it, so the range is found by binary search: a Daily list
/// asks this once per category and day.
pub(crate) fn sums(days: &[UsageDay], category: &str, from: i64, to: i64) -> (i64, i64, i64) {
    let first = days.partition_point(|u| (u.category.as_str(), u.day) < (category, from));
    days[first..]
        .iter()
        .take_while(|u| u.category == category && u.day <= to)
        .fold((0, 0, 0), |(c, u, p), d| {
            (c + d.count, u + d.usage, p + d.price_nanos)
        })
}

pub(crate) fn ymd(day: i64) -> String {
    date_of(day).format("%Y-%m-%d").to_string()
}

/// One page of an in-memory list, keyed by position, as the store's lists are by key.
fn page_of<T>(items: Vec<T>, pp: &PageParams) -> PageSlice<T> {
    let size = pp.size as usize;
    let indexed = items.into_iter().enumerate().map(|(i, t)| (i as i64, t));
    let rows: Vec<(i64, T)> = match pp.cursor {
        Cursor::Start => indexed.take(size + 1).collect(),
        Cursor::After(k) => indexed
            .skip_while(|(i, _)| *i <= k)
            .take(size + 1)
            .collect(),
        Cursor::Before(k) => {
            let mut before: Vec<_> = indexed.take_while(|(i, _)| *i < k).collect();
            before.reverse();
            before.truncate(size + 1);
            before
        }
    };
    PageSlice::from_rows(rows, pp.request(), |(i, _)| *i).map(|(_, t)| t)
}

/// GET /2010-04-01/Accounts/{AccountSid}/Usage/Records*.json
pub async fn list(
    state: AppState,
    scope: AccountScope,
    params: Params,
    period: Period,
) -> ApiResult<Json<Page<UsageRecord>>> {
    let pp = PageParams::parse(&params)?;
    let now = state.clock.now_ms();
    let today = usage::day_of(now);
    // The scope holds the account, read when the request was authorised.
    let account = &scope.account;
    let created = usage::day_of(account.date_created);
    let (mut from, mut to) = match period {
        Period::Today => (today, today),
        Period::Yesterday => (today - 1, today - 1),
        Period::ThisMonth => (first_of_month(today), today),
        Period::LastMonth => {
            let this = first_of_month(today);
            (add_months_back(this), this - 1)
        }
        _ => (created.min(today), today),
    };
    let mut filters: Vec<(&str, String)> = Vec::new();
    let category = params.get("Category").map(str::to_owned);
    if let Some(c) = &category {
        filters.push(("Category", c.clone()));
    }
    if let Some(v) = params.get("StartDate") {
        from = parse_date("StartDate", v, today)?;
        filters.push(("StartDate", v.to_owned()));
    }
    if let Some(v) = params.get("EndDate") {
        to = parse_date("EndDate", v, today)?;
        filters.push(("EndDate", v.to_owned()));
    }
    let include = params.bool("IncludeSubaccounts")?;
    if let Some(b) = include {
        filters.push(("IncludeSubaccounts", b.to_string()));
    }
    // A day-by-day list is bounded: ten years of days at most.
    if to < from || (period == Period::Daily && to - from > 3660) {
        return Err(ApiError::bad_request(
            20001,
            "EndDate must be on or after StartDate (Daily: at most ten years apart)",
        ));
    }
    // A subaccount's tree is itself.
    let scope_of = if include.unwrap_or(true) {
        UsageScope::Tree(account.sid.clone())
    } else {
        UsageScope::Account(account.sid.clone())
    };
    let days = usage::with_derived(state.store.usage_by_day(&scope_of, from, to).await?);
    let as_of = chrono::DateTime::from_timestamp_millis(now)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string();
    let categories: Vec<_> = CATEGORIES
        .iter()
        .filter(|c| category.as_deref().is_none_or(|want| want == c.name))
        .collect();
    let spans = periods(period, from, to);
    let sid = account.sid.clone();
    let mut records = Vec::with_capacity(categories.len() * spans.len());
    for c in categories {
        for &(start, end) in &spans {
            let (count, used, nanos) = sums(&days, c.name, start, end);
            let price = usage::from_nanos(nanos).normalize().to_string();
            let (count, used) = if c.name == "totalprice" {
                (count.to_string(), price.clone())
            } else {
                (count.to_string(), used.to_string())
            };
            records.push(UsageRecord {
                account_sid: sid.clone(),
                api_version: switchboard_wire::API_VERSION.into(),
                as_of: as_of.clone(),
                category: c.name.into(),
                count,
                count_unit: c.count_unit.into(),
                description: c.description.into(),
                end_date: ymd(end),
                price,
                price_unit: "usd".into(),
                start_date: ymd(start),
                subresource_uris: UsageRecordSubresourceUris::new(&sid, c.name),
                uri: format!(
                    "/2010-04-01/Accounts/{sid}/Usage/Records.json?Category={}&StartDate={}&EndDate={}",
                    c.name,
                    ymd(start),
                    ymd(end)
                ),
                usage: used,
                usage_unit: c.usage_unit.into(),
            });
        }
    }
    let path = format!("/2010-04-01/Accounts/{sid}/Usage/{}", period.path());
    Ok(Json(envelope(
        "usage_records",
        &path,
        &filters,
        &pp,
        page_of(records, &pp),
    )))
}

fn add_months_back(first_of_this_month: i64) -> i64 {
    let d = date_of(first_of_this_month);
    day_from(d.checked_sub_months(Months::new(1)).unwrap_or(d))
}

macro_rules! period_handler {
    ($($name:ident => $period:ident, $doc:literal;)*) => {
        $(
            #[doc = $doc]
            pub async fn $name(
                State(state): State<AppState>,
                scope: AccountScope,
                params: Params,
            ) -> ApiResult<Json<Page<UsageRecord>>> {
                list(state, scope, params, Period::$period).await
            }
        )*
    };
}

period_handler! {
    records => Range, "GET /2010-04-01/Accounts/{AccountSid}/Usage/Records.json · ListUsageRecord";
    all_time => AllTime, "GET /2010-04-01/Accounts/{AccountSid}/Usage/Records/AllTime.json · ListUsageRecordAllTime";
    daily => Daily, "GET /2010-04-01/Accounts/{AccountSid}/Usage/Records/Daily.json · ListUsageRecordDaily";
    monthly => Monthly, "GET /2010-04-01/Accounts/{AccountSid}/Usage/Records/Monthly.json · ListUsageRecordMonthly";
    yearly => Yearly, "GET /2010-04-01/Accounts/{AccountSid}/Usage/Records/Yearly.json · ListUsageRecordYearly";
    today => Today, "GET /2010-04-01/Accounts/{AccountSid}/Usage/Records/Today.json · ListUsageRecordToday";
    yesterday => Yesterday, "GET /2010-04-01/Accounts/{AccountSid}/Usage/Records/Yesterday.json · ListUsageRecordYesterday";
    this_month => ThisMonth, "GET /2010-04-01/Accounts/{AccountSid}/Usage/Records/ThisMonth.json · ListUsageRecordThisMonth";
    last_month => LastMonth, "GET /2010-04-01/Accounts/{AccountSid}/Usage/Records/LastMonth.json · ListUsageRecordLastMonth";
}

/// The balance string: two decimals at least, as Twilio shows it (`"0.05"`).
pub fn balance_string(nanos: i64) -> String {
    let d = usage::from_nanos(nanos).normalize();
    if d.scale() < 2 {
        format!("{d:.2}")
    } else {
        d.to_string()
    }
}

/// GET /2010-04-01/Accounts/{AccountSid}/Balance.json · FetchBalance
///
/// One balance per tree (the guide): a subaccount sees its main account's.
pub async fn balance(
    State(state): State<AppState>,
    scope: AccountScope,
) -> ApiResult<Json<Balance>> {
    let account = scope.account;
    let main = account.owner_sid.as_deref().unwrap_or(&account.sid);
    let nanos = state.store.balance_nanos(main).await?;
    Ok(Json(Balance {
        account_sid: account.sid,
        balance: balance_string(nanos),
        currency: "USD".into(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_periods() {
        let d = parse_date("StartDate", "2018-01-15", 0).unwrap();
        assert_eq!(ymd(d), "2018-01-15");
        assert_eq!(parse_date("StartDate", "-30days", d).unwrap(), d - 30);
        assert_eq!(parse_date("StartDate", "+2days", d).unwrap(), d + 2);
        assert!(parse_date("StartDate", "yesterday", d).is_err());
        assert_eq!(ymd(first_of_month(d)), "2018-01-01");
        assert_eq!(ymd(add_months_back(first_of_month(d))), "2017-12-01");
        let jan31 = parse_date("x", "2018-01-31", 0).unwrap();
        let mar2 = parse_date("x", "2018-03-02", 0).unwrap();
        let months: Vec<(String, String)> = periods(Period::Monthly, jan31, mar2)
            .into_iter()
            .map(|(a, b)| (ymd(a), ymd(b)))
            .collect();
        assert_eq!(
            months,
            [
                ("2018-01-31".into(), "2018-01-31".into()),
                ("2018-02-01".into(), "2018-02-28".into()),
                ("2018-03-01".into(), "2018-03-02".into()),
            ]
        );
        assert_eq!(periods(Period::Daily, jan31, mar2).len(), 31);
        assert_eq!(periods(Period::Yearly, jan31, mar2).len(), 1);
        assert_eq!(balance_string(50_000_000), "0.05");
        assert_eq!(balance_string(-1_234_500_000), "-1.2345");
        assert_eq!(balance_string(0), "0.00");
    }

    #[test]
    fn sums_take_one_category_over_a_day_range() {
        let day = |category: &str, day: i64, nanos: i64| UsageDay {
            category: category.into(),
            day,
            count: 1,
            usage: 2,
            price_nanos: nanos,
        };
        let days = usage::with_derived(vec![
            day("calls-outbound", 1, 10),
            day("calls-outbound", 2, 20),
            day("calls-outbound", 5, 40),
            day("sms-outbound", 2, 7),
        ]);
        assert_eq!(sums(&days, "calls-outbound", 2, 5), (2, 4, 60));
        assert_eq!(sums(&days, "calls", 0, 1), (1, 2, 10));
        assert_eq!(sums(&days, "totalprice", 2, 2), (0, 0, 27));
        assert_eq!(sums(&days, "mms", 0, 9), (0, 0, 0));
        assert_eq!(sums(&days, "calls-outbound", 3, 4), (0, 0, 0));
    }
}
