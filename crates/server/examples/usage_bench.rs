//! Usage benchmark (not a test): a subaccount with N calls spread over one month (default a
//! million), then the time of that month's usage records read from the rollups, next to the
//! time of summing the same calls' prices by listing them, on the store given.
//!
//! ```sh
//! cargo run --release --example usage_bench -- sqlite:///tmp/usage-bench.db
//! cargo run --release --example usage_bench -- postgres://postgres@127.0.0.1:5432/bench 1000000
//! ```
//! (`bench/usage.sh` runs both on fresh databases.)

use std::sync::Arc;
use std::time::Instant;

use rust_decimal::Decimal;
use switchboard::config::{open_store, DatabaseUrl, StoreOptions};
use switchboard_store::testsuite::{call, main_account};
use switchboard_store::usage::{self, UsageScope, MS_PER_DAY};
use switchboard_store::*;

/// 2018-01-01T00:00:00Z, a 31-day month.
const MONTH_START: i64 = 1_514_764_800_000;
const CONCURRENCY: usize = 32;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: usage_bench DATABASE_URL [CALLS]"))?;
    let n: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let store = open_store(&DatabaseUrl::parse(&url), &StoreOptions::default()).await?;
    println!("store: {}  calls: {n}", store.kind());

    let main = store.create_main_account(main_account(MONTH_START)).await?;
    let sub = store
        .create_subaccount(NewSubaccount {
            owner_sid: main.sid.clone(),
            friendly_name: "bench".into(),
            now: MONTH_START,
        })
        .await?;
    let from = "+15005550006";

    // N ended calls, one every (31 days / N), 0 to 299 s of talk, created concurrently.
    let t = Instant::now();
    let step = 31 * MS_PER_DAY / n as i64;
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (store, next, sub) = (store.clone(), next.clone(), sub.sid.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    return Ok::<(), StoreError>(());
                }
                let at = MONTH_START + i as i64 * step;
                let talk = (i as i64 * 7919 % 300) * 1000;
                let record = CallRecord {
                    initiated_at: at,
                    ringing_at: Some(at),
                    answered_at: Some(at),
                    ends_at: at + talk,
                    ..call(&sub, from, "+16518675310", at)
                };
                store
                    .create_call(NewCall {
                        record,
                        require_from_owned: true,
                        require_geo_country: None,
                        webhooks: vec![],
                    })
                    .await?;
            }
        }));
    }
    for task in tasks {
        task.await??;
    }
    println!("created in {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let charged = store
        .charge_ended_calls(MONTH_START + 32 * MS_PER_DAY)
        .await?;
    println!(
        "charged {charged} in {:.1} s (rollups updated with each charge)",
        t.elapsed().as_secs_f64()
    );

    let (first, last) = (usage::day_of(MONTH_START), usage::day_of(MONTH_START) + 30);
    let scope = UsageScope::Account(sub.sid.clone());
    let mut rollup_total = Decimal::ZERO;
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let days = usage::with_derived(store.usage_by_day(&scope, first, last).await?);
        let nanos: i64 = days
            .iter()
            .filter(|d| d.category == "calls")
            .map(|d| d.price_nanos)
            .sum();
        rollup_total = usage::from_nanos(nanos);
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "month's usage records (rollups): {:.3} ms  calls price {rollup_total}",
        best * 1000.0
    );

    let t = Instant::now();
    let q = CallListQuery {
        start_from: Some(MONTH_START),
        start_until: Some(MONTH_START + 31 * MS_PER_DAY),
        now: MONTH_START + 32 * MS_PER_DAY,
        ..Default::default()
    };
    let mut req = PageRequest::first(1000);
    let mut listed_total = Decimal::ZERO;
    let mut listed = 0;
    loop {
        let page = store.list_calls(&sub.sid, &q, req).await?;
        for k in &page.items {
            listed_total += k.cost_at(q.now).unwrap_or_default();
        }
        listed += page.items.len();
        match (page.has_next, page.last_key) {
            (true, Some(key)) => {
                req = PageRequest {
                    size: 1000,
                    cursor: switchboard_wire::page::Cursor::After(key),
                }
            }
            _ => break,
        }
    }
    println!(
        "summing the listed calls:        {:.1} ms  calls price {listed_total} ({listed} calls)",
        t.elapsed().as_secs_f64() * 1000.0
    );
    anyhow::ensure!(
        listed_total == rollup_total,
        "the rollups disagree with the calls"
    );
    Ok(())
}
