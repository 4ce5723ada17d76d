//! The operator's billing report: each account of a main account's tree, its usage by
//! category over a period and its total, from the same rollups (and so the same numbers)
//! as the usage records.

use serde::Serialize;
use switchboard_store::usage::{self, UsageScope, CATEGORIES};
use switchboard_store::{AccountListQuery, PageRequest, Store, StoreError};
use switchboard_wire::page::Cursor;

use crate::routes::usage::sums;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReportLine {
    pub account_sid: String,
    pub friendly_name: String,
    pub category: String,
    pub count: i64,
    pub usage: i64,
    pub usage_unit: String,
    /// USD, positive.
    pub price: String,
}

/// Lines for every account of `main_sid`'s tree (the main account first) and every category
/// it used from `from_day` to `to_day` (UTC days, inclusive), each account's `totalprice`
/// last.
pub async fn report(
    store: &dyn Store,
    main_sid: &str,
    from_day: i64,
    to_day: i64,
) -> Result<Vec<ReportLine>, StoreError> {
    let mut accounts = Vec::new();
    let mut req = PageRequest::first(1000);
    let q = AccountListQuery {
        tree_sid: main_sid.to_owned(),
        only_sid: None,
        friendly_name: None,
        status: None,
    };
    loop {
        let page = store.list_accounts(&q, req).await?;
        accounts.extend(page.items);
        match (page.has_next, page.last_key) {
            (true, Some(k)) => {
                req = PageRequest {
                    size: 1000,
                    cursor: Cursor::After(k),
                }
            }
            _ => break,
        }
    }
    // The main account first, then its subaccounts in creation order.
    accounts.sort_by_key(|a| (a.owner_sid.is_some(), a.seq));
    let mut lines = Vec::new();
    for a in accounts {
        let days = usage::with_derived(
            store
                .usage_by_day(&UsageScope::Account(a.sid.clone()), from_day, to_day)
                .await?,
        );
        for c in CATEGORIES {
            let (count, used, nanos) = sums(&days, c.name, from_day, to_day);
            if c.name != "totalprice" && count == 0 && nanos == 0 {
                continue;
            }
            let price = usage::from_nanos(nanos).normalize().to_string();
            let (count, used) = if c.name == "totalprice" {
                (0, 0)
            } else {
                (count, used)
            };
            lines.push(ReportLine {
                account_sid: a.sid.clone(),
                friendly_name: a.friendly_name.clone(),
                category: c.name.into(),
                count,
                usage: used,
                usage_unit: c.usage_unit.into(),
                price,
            });
        }
    }
    Ok(lines)
}

/// The report as a table, CSV or JSON.
pub fn render(lines: &[ReportLine], format: &str) -> anyhow::Result<String> {
    Ok(match format {
        "json" => serde_json::to_string_pretty(lines)? + "\n",
        "csv" => {
            let mut out =
                String::from("account_sid,friendly_name,category,count,usage,usage_unit,price\n");
            for l in lines {
                let name = format!("\"{}\"", l.friendly_name.replace('"', "\"\""));
                out += &format!(
                    "{},{name},{},{},{},{},{}\n",
                    l.account_sid, l.category, l.count, l.usage, l.usage_unit, l.price
                );
            }
            out
        }
        _ => {
            let mut out = format!(
                "{:<34}  {:<20}  {:<14}  {:>8}  {:>10}  {:<12}  {:>12}\n",
                "ACCOUNT", "NAME", "CATEGORY", "COUNT", "USAGE", "UNIT", "PRICE (USD)"
            );
            for l in lines {
                let name: String = l.friendly_name.chars().take(20).collect();
                out += &format!(
                    "{:<34}  {:<20}  {:<14}  {:>8}  {:>10}  {:<12}  {:>12}\n",
                    l.account_sid, name, l.category, l.count, l.usage, l.usage_unit, l.price
                );
            }
            out
        }
    })
}
