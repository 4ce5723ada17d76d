//! Usage: what each account used and paid, by category and UTC day, kept as rollups that the
//! stores update in the transaction that records each charge, so usage records and the
//! balance are read from a few rows, never by scanning calls or messages.
//!
//! A charge adds to its own category's row only (one upsert); a family's sums (`calls` is
//! `calls-outbound` and `calls-inbound`, ...) and `totalprice` are added up when read
//! ([`with_derived`]). Prices are summed as integer nano-dollars (exact for rates of up to
//! nine decimals). Rows are spread over [`SHARDS`] shards per (account, category, day) so
//! that concurrent charges of one account rarely wait on the same row; readers sum the
//! shards.

use async_trait::async_trait;
use rust_decimal::Decimal;

use crate::Result;

pub const SHARDS: i64 = 32;
const NANOS: i64 = 1_000_000_000;
pub const MS_PER_DAY: i64 = 86_400_000;

/// The categories this server records, with their units and descriptions, in Twilio's
/// names (shared/spec/usage_record_categories_2025-09.txt).
pub struct Category {
    pub name: &'static str,
    pub description: &'static str,
    pub count_unit: &'static str,
    pub usage_unit: &'static str,
}

pub const CATEGORIES: &[Category] = &[
    Category {
        name: "calls",
        description: "Voice Minutes",
        count_unit: "calls",
        usage_unit: "minutes",
    },
    Category {
        name: "calls-inbound",
        description: "Inbound Voice Minutes",
        count_unit: "calls",
        usage_unit: "minutes",
    },
    Category {
        name: "calls-outbound",
        description: "Outbound Voice Minutes",
        count_unit: "calls",
        usage_unit: "minutes",
    },
    Category {
        name: "mms",
        description: "MMS",
        count_unit: "messages",
        usage_unit: "messages",
    },
    Category {
        name: "mms-inbound",
        description: "Inbound MMS",
        count_unit: "messages",
        usage_unit: "messages",
    },
    Category {
        name: "mms-outbound",
        description: "Outbound MMS",
        count_unit: "messages",
        usage_unit: "messages",
    },
    Category {
        name: "phonenumbers",
        description: "Phone Numbers",
        count_unit: "phonenumbers",
        usage_unit: "phonenumbers",
    },
    Category {
        name: "recordings",
        description: "Recordings",
        count_unit: "recordings",
        usage_unit: "minutes",
    },
    Category {
        name: "sms",
        description: "SMS",
        count_unit: "messages",
        usage_unit: "segments",
    },
    Category {
        name: "sms-inbound",
        description: "Inbound SMS",
        count_unit: "messages",
        usage_unit: "segments",
    },
    Category {
        name: "sms-outbound",
        description: "Outbound SMS",
        count_unit: "messages",
        usage_unit: "segments",
    },
    Category {
        name: "totalprice",
        description: "Total Price",
        count_unit: "",
        usage_unit: "usd",
    },
];

pub fn category(name: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.name == name)
}

/// A decimal amount in nano-dollars (rounded at nine decimals).
pub fn to_nanos(amount: &str) -> i64 {
    amount
        .parse::<Decimal>()
        .ok()
        .and_then(|d| (d * Decimal::from(NANOS)).round().try_into().ok())
        .unwrap_or(0)
}

/// Nano-dollars as a decimal.
pub fn from_nanos(nanos: i64) -> Decimal {
    Decimal::from(nanos) / Decimal::from(NANOS)
}

/// The UTC day (days since 1970-01-01) of an instant in ms.
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(MS_PER_DAY)
}

/// The rollup shard of a charge for `resource_sid` (its SID's last hex digits are random).
pub fn shard_of(resource_sid: &str) -> i64 {
    let tail = resource_sid
        .get(resource_sid.len().saturating_sub(4)..)
        .unwrap_or("");
    i64::from_str_radix(tail, 16)
        .unwrap_or(0)
        .rem_euclid(SHARDS)
}

/// The family a category adds up into: `calls-outbound` into `calls`, `sms-inbound` into
/// `sms`, `mms-outbound` into `mms`.
pub fn family(category: &str) -> Option<&'static str> {
    ["calls", "sms", "mms"].into_iter().find(|f| {
        category
            .strip_prefix(f)
            .is_some_and(|rest| rest.starts_with('-'))
    })
}

/// Rows as the store sums them (one per recorded category and day), with each day's family
/// sums and `totalprice` (the price of everything; no count or usage) added, in (category,
/// day) order.
pub fn with_derived(rows: Vec<UsageDay>) -> Vec<UsageDay> {
    let mut out: std::collections::BTreeMap<(String, i64), UsageDay> = Default::default();
    let mut add = |category: &str, day: i64, count: i64, usage: i64, nanos: i64| {
        let e = out
            .entry((category.to_owned(), day))
            .or_insert_with(|| UsageDay {
                category: category.to_owned(),
                day,
                count: 0,
                usage: 0,
                price_nanos: 0,
            });
        e.count += count;
        e.usage += usage;
        e.price_nanos += nanos;
    };
    for r in rows {
        add(&r.category, r.day, r.count, r.usage, r.price_nanos);
        if let Some(f) = family(&r.category) {
            add(f, r.day, r.count, r.usage, r.price_nanos);
        }
        add("totalprice", r.day, 0, 0, r.price_nanos);
    }
    out.into_values().collect()
}

/// One category's sums for one UTC day (over the accounts asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageDay {
    pub category: String,
    pub day: i64,
    pub count: i64,
    pub usage: i64,
    pub price_nanos: i64,
}

/// Whose usage: one account's, or an account's tree: a main account's own and every
/// subaccount's (purged ones included); for a subaccount, its own. The tree is what usage
/// records and triggers report by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageScope {
    Account(String),
    Tree(String),
}

#[async_trait]
pub trait UsageStore: Send + Sync + 'static {
    /// Sums by category and day for the days `from_day..=to_day`, in (category, day)
    /// order; days without usage are absent.
    async fn usage_by_day(
        &self,
        scope: &UsageScope,
        from_day: i64,
        to_day: i64,
    ) -> Result<Vec<UsageDay>>;

    /// A main account's balance: what the operator credited, less its tree's total price
    /// (nano-dollars; negative when overdrawn).
    async fn balance_nanos(&self, main_sid: &str) -> Result<i64>;

    /// Add `nanos` (negative: debit) to a main account's credit; returns the new balance.
    async fn credit(&self, main_sid: &str, nanos: i64) -> Result<i64>;

    /// Whether a main account's tree is prepaid: then a message whose charge, or a call
    /// whose first minute, its balance cannot cover is refused
    /// ([`crate::RuleViolation::InsufficientBalance`]), checked in the creating transaction.
    async fn prepaid(&self, main_sid: &str) -> Result<bool>;

    async fn set_prepaid(&self, main_sid: &str, prepaid: bool) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_add_up_into_their_family_and_the_total_when_read() {
        let day = |category: &str, day: i64, usage: i64, nanos: i64| UsageDay {
            category: category.into(),
            day,
            count: 1,
            usage,
            price_nanos: nanos,
        };
        let rows = with_derived(vec![
            day("calls-inbound", 3, 1, 8_500_000),
            day("calls-outbound", 3, 2, 28_000_000),
            day("phonenumbers", 3, 1, 1_150_000_000),
            day("sms-outbound", 4, 2, 15_800_000),
        ]);
        let got: Vec<(&str, i64, i64, i64, i64)> = rows
            .iter()
            .map(|r| (r.category.as_str(), r.day, r.count, r.usage, r.price_nanos))
            .collect();
        assert_eq!(
            got,
            [
                ("calls", 3, 2, 3, 36_500_000),
                ("calls-inbound", 3, 1, 1, 8_500_000),
                ("calls-outbound", 3, 1, 2, 28_000_000),
                ("phonenumbers", 3, 1, 1, 1_150_000_000),
                ("sms", 4, 1, 2, 15_800_000),
                ("sms-outbound", 4, 1, 2, 15_800_000),
                ("totalprice", 3, 0, 0, 1_186_500_000),
                ("totalprice", 4, 0, 0, 15_800_000),
            ]
        );
        assert_eq!(to_nanos("0.01"), 10_000_000);
        assert_eq!(family("calls-outbound"), Some("calls"));
        assert_eq!(family("callsx"), None);
        assert_eq!(family("recordings"), None);
    }

    #[test]
    fn amounts_days_and_shards() {
        assert_eq!(to_nanos("0.0079"), 7_900_000);
        assert_eq!(from_nanos(7_900_000).to_string(), "0.0079");
        assert_eq!(day_of(0), 0);
        assert_eq!(day_of(MS_PER_DAY - 1), 0);
        assert_eq!(day_of(-1), -1);
        assert!((0..SHARDS).contains(&shard_of("SM0123456789abcdef0123456789abffff")));
        assert_eq!(shard_of(""), 0);
    }
}
