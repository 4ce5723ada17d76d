//! Domain rules, as pure functions. Stores call them inside their write transactions with
//! rows they have locked (Postgres) or read inside the single writer (SQLite).

use chrono::{Months, TimeZone, Utc};

use crate::accounts::{AccountRecord, AccountStatus};
use crate::addresses::AddressRecord;
use crate::charges::{ChargeRecord, CATEGORY_PHONE_NUMBERS};
use crate::error::RuleViolation;
use crate::incoming_phone_numbers::PhoneNumberRecord;

/// May `owner` create another subaccount? (Its `open_subaccounts` must be read in the same
/// transaction that inserts.)
pub fn check_can_create_subaccount(owner: &AccountRecord) -> Result<(), RuleViolation> {
    if !owner.is_main() {
        return Err(RuleViolation::SubaccountCannotOwn);
    }
    if owner.effective_status() != AccountStatus::Active {
        return Err(RuleViolation::AccountNotActive);
    }
    if owner.open_subaccounts >= owner.effective_subaccount_limit() {
        return Err(RuleViolation::SubaccountLimit);
    }
    Ok(())
}

/// May the public API move `target` to `new`? (Only main credentials get here; that is the
/// HTTP layer's check.)
pub fn check_api_status_change(
    target: &AccountRecord,
    new: AccountStatus,
) -> Result<(), RuleViolation> {
    if target.is_main() {
        return Err(RuleViolation::MainAccountStatus);
    }
    if target.status == AccountStatus::Closed {
        // Closed is final; re-closing changes nothing and is not an error.
        return if new == AccountStatus::Closed {
            Ok(())
        } else {
            Err(RuleViolation::AccountClosed)
        };
    }
    if matches!(
        target.parent_status,
        Some(AccountStatus::Suspended | AccountStatus::Closed)
    ) {
        return Err(RuleViolation::ParentSuspended);
    }
    Ok(())
}

/// Operators change main accounts only, and only between active and suspended.
pub fn check_operator_update(
    target: &AccountRecord,
    new_status: Option<AccountStatus>,
) -> Result<(), RuleViolation> {
    if !target.is_main() {
        return Err(RuleViolation::NotMainAccount);
    }
    if new_status == Some(AccountStatus::Closed) {
        return Err(RuleViolation::MainAccountStatus);
    }
    Ok(())
}

/// True when this change closes an account that was open (its owner's count drops).
pub fn closes(target: &AccountRecord, new: Option<AccountStatus>) -> bool {
    target.status != AccountStatus::Closed && new == Some(AccountStatus::Closed)
}

/// When a status change records a closure time.
pub fn closed_at_after(
    target: &AccountRecord,
    new: Option<AccountStatus>,
    now: i64,
) -> Option<i64> {
    match (target.closed_at, new) {
        (Some(t), _) => Some(t),
        (None, Some(AccountStatus::Closed)) => Some(now),
        (None, _) => None,
    }
}

/// Does an address in `address_country` meet a number's `requirement` (`none`, `any`,
/// `local`: in the number's country, `foreign`: outside it)?
pub fn address_satisfies(requirement: &str, number_country: &str, address_country: &str) -> bool {
    match requirement {
        "any" => true,
        "local" => address_country.eq_ignore_ascii_case(number_country),
        "foreign" => !address_country.eq_ignore_ascii_case(number_country),
        _ => true,
    }
}

/// The address a number will point at after a purchase or an `AddressSid` update:
/// `chosen` must belong to the account (the store looked it up there) and meet the
/// requirement; a number with a requirement must have one.
pub fn check_number_address(
    requirement: &str,
    number_country: &str,
    given_sid: Option<&str>,
    chosen: Option<&AddressRecord>,
) -> Result<(), RuleViolation> {
    match (given_sid, chosen) {
        (Some(_), None) => Err(RuleViolation::UnknownAddress),
        (_, Some(a)) if !address_satisfies(requirement, number_country, &a.iso_country) => {
            Err(RuleViolation::AddressRequired)
        }
        (None, None) if requirement != "none" => Err(RuleViolation::AddressRequired),
        _ => Ok(()),
    }
}

/// May a number of a tree whose main account is `main_sid` move to `target`? (That main
/// credentials are used is the HTTP layer's check, 21474.)
pub fn check_transfer_target(
    main_sid: &str,
    target: Option<&AccountRecord>,
) -> Result<(), RuleViolation> {
    let target = target.ok_or(RuleViolation::TransferUnrelated)?;
    if target.main_sid() != main_sid {
        return Err(RuleViolation::TransferUnrelated);
    }
    if target.effective_status() != AccountStatus::Active {
        return Err(RuleViolation::TransferTargetInactive);
    }
    Ok(())
}

/// The instant `n` calendar months after `start_ms` (a number's monthly anniversaries; the
/// 31st falls on the last day of shorter months).
pub fn months_after(start_ms: i64, n: u32) -> i64 {
    let start = Utc
        .timestamp_millis_opt(start_ms)
        .single()
        .unwrap_or_default();
    start
        .checked_add_months(Months::new(n))
        .map(|t| t.timestamp_millis())
        .unwrap_or(i64::MAX)
}

/// The charge for month `k` of a number (0: the purchase), dated at that anniversary and
/// keyed so that it is made once, whoever runs the job.
pub fn monthly_number_charge(n: &PhoneNumberRecord, k: u32) -> ChargeRecord {
    ChargeRecord {
        seq: 0,
        account_sid: n.account_sid.clone(),
        category: CATEGORY_PHONE_NUMBERS.into(),
        resource_sid: n.sid.clone(),
        amount: n.monthly_price.clone(),
        currency: "USD".into(),
        description: format!("{} monthly fee, month {}", n.phone_number, k + 1),
        idempotency_key: format!("{}:month:{k}", n.sid),
        charged_at: months_after(n.date_created, k),
    }
}

/// The `PhoneNumber` list filter as a SQL `LIKE` pattern: its digits in order, `*` for any
/// one digit, matched anywhere in the number.
pub fn number_like_pattern(filter: &str) -> String {
    let body: String = filter
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '*' => Some('_'),
            _ => None,
        })
        .collect();
    format!("%{body}%")
}

/// End a live call at `now`: `Completed` hangs up (a call not yet answered is canceled),
/// `Canceled` only stops a call that has not been answered.
pub fn end_call(
    k: &mut crate::CallRecord,
    end: crate::CallEnd,
    now: i64,
) -> Result<(), RuleViolation> {
    if now >= k.ends_at {
        return Err(RuleViolation::CallNotLive);
    }
    let answered = k.answered_at.is_some_and(|t| now >= t);
    match (end, answered) {
        (crate::CallEnd::Canceled, true) => return Err(RuleViolation::CallNotLive),
        (_, true) => k.final_status = "completed".into(),
        (_, false) => {
            k.final_status = "canceled".into();
            k.answered_at = None;
            k.ringing_at = k.ringing_at.filter(|t| *t <= now);
        }
    }
    k.ends_at = now;
    Ok(())
}

/// Apply a configuration change to a live call. One that queues a new document (a redirect)
/// undoes what the previous document decided about the call's end: it goes back to when the
/// other party hangs up, and the new document decides.
pub fn reconfigure_call(k: &mut crate::CallRecord, config: crate::CallConfig) {
    let redirected = config.fetch.is_some() && config.fetch != k.config.fetch;
    k.config = config;
    if let (true, Some(h), Some(_)) = (redirected, k.config.hangup_at, k.answered_at) {
        k.ends_at = h;
        k.final_status = "completed".into();
    }
}

/// The charge of an ended call: its category and cost, or `None` when it cost nothing.
pub fn call_charge(k: &crate::CallRecord) -> Option<crate::NewCharge> {
    let cost = k.cost_at(k.ends_at)?;
    let minutes = switchboard_carrier::billable_minutes(k.duration_at(k.ends_at)?);
    (!cost.is_zero()).then(|| crate::NewCharge {
        category: k.charge_category.clone(),
        amount: cost.to_string(),
        usage: minutes,
    })
}

/// Twilio's magic `From` of test credentials: accepted as a caller ID and sender for any
/// account (shared/docs/magic-numbers.md).
pub const MAGIC_VALID_FROM: &str = "+15005550006";

/// Which permission list a destination is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Traffic {
    Voice,
    Sms,
}

/// May `account` send outbound traffic from `from` (whose capabilities, when it is one of
/// the account's in-use numbers, are `from_caps`) to `country`?
pub fn check_outbound(
    account: &AccountRecord,
    from: &str,
    from_caps: Option<&crate::NumberCapabilities>,
    capability: Option<&str>,
    country: Option<&str>,
    traffic: Traffic,
) -> Result<(), RuleViolation> {
    if account.effective_status() != AccountStatus::Active {
        return Err(RuleViolation::AccountNotActive);
    }
    if let Some(cap) = capability {
        let ok = from == MAGIC_VALID_FROM
            || from_caps.is_some_and(|c| match cap {
                "voice" => c.voice,
                "sms" => c.sms,
                "mms" => c.mms,
                _ => false,
            });
        if !ok {
            return Err(RuleViolation::FromNotOwned);
        }
    }
    if let Some(country) = country {
        let list = match traffic {
            Traffic::Voice => &account.voice_countries,
            Traffic::Sms => &account.sms_countries,
        };
        if !crate::geo_allows(list, country) {
            return Err(RuleViolation::GeoNotPermitted);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{AccountType, DEFAULT_SUBACCOUNT_LIMIT};
    use AccountStatus::*;

    fn sub(status: AccountStatus, parent: AccountStatus) -> AccountRecord {
        AccountRecord {
            seq: 2,
            sid: "ACs".into(),
            owner_sid: Some("ACm".into()),
            friendly_name: String::new(),
            auth_token: String::new(),
            status,
            parent_status: Some(parent),
            account_type: AccountType::Full,
            date_created: 0,
            date_updated: 0,
            closed_at: None,
            subaccount_limit: DEFAULT_SUBACCOUNT_LIMIT,
            open_subaccounts: 0,
            auto_delete_closed: true,
            voice_countries: crate::DEFAULT_GEO_COUNTRIES.into(),
            sms_countries: crate::DEFAULT_GEO_COUNTRIES.into(),
        }
    }

    fn main(status: AccountStatus, ty: AccountType, limit: i64) -> AccountRecord {
        AccountRecord {
            owner_sid: None,
            parent_status: None,
            account_type: ty,
            subaccount_limit: limit,
            ..sub(status, Active)
        }
    }

    #[test]
    fn status_changes() {
        assert_eq!(
            check_api_status_change(&sub(Active, Active), Suspended),
            Ok(())
        );
        assert_eq!(
            check_api_status_change(&sub(Suspended, Active), Active),
            Ok(())
        );
        assert_eq!(
            check_api_status_change(&sub(Active, Active), Closed),
            Ok(())
        );
        assert_eq!(
            check_api_status_change(&sub(Closed, Active), Active),
            Err(RuleViolation::AccountClosed)
        );
        assert_eq!(
            check_api_status_change(&sub(Closed, Active), Closed),
            Ok(())
        );
        assert_eq!(
            check_api_status_change(&sub(Active, Suspended), Closed),
            Err(RuleViolation::ParentSuspended)
        );
        assert_eq!(
            check_api_status_change(&main(Active, AccountType::Full, 10), Suspended),
            Err(RuleViolation::MainAccountStatus)
        );
    }

    #[test]
    fn subaccount_creation() {
        let with = |r: &AccountRecord, open| AccountRecord {
            open_subaccounts: open,
            ..r.clone()
        };
        let m = main(Active, AccountType::Full, 2);
        assert_eq!(check_can_create_subaccount(&with(&m, 1)), Ok(()));
        assert_eq!(
            check_can_create_subaccount(&with(&m, 2)),
            Err(RuleViolation::SubaccountLimit)
        );
        let t = main(Active, AccountType::Trial, 1000);
        assert_eq!(check_can_create_subaccount(&with(&t, 0)), Ok(()));
        assert_eq!(
            check_can_create_subaccount(&with(&t, 1)),
            Err(RuleViolation::SubaccountLimit)
        );
        assert_eq!(
            check_can_create_subaccount(&sub(Active, Active)),
            Err(RuleViolation::SubaccountCannotOwn)
        );
        assert_eq!(
            check_can_create_subaccount(&main(Suspended, AccountType::Full, 10)),
            Err(RuleViolation::AccountNotActive)
        );
    }

    fn address(country: &str) -> AddressRecord {
        AddressRecord {
            seq: 1,
            sid: "ADx".into(),
            account_sid: "ACs".into(),
            customer_name: "c".into(),
            friendly_name: None,
            street: "s".into(),
            street_secondary: None,
            city: "c".into(),
            region: "r".into(),
            postal_code: "p".into(),
            iso_country: country.into(),
            emergency_enabled: false,
            validated: true,
            verified: false,
            date_created: 0,
            date_updated: 0,
        }
    }

    #[test]
    fn address_requirements() {
        assert!(address_satisfies("any", "DE", "US"));
        assert!(address_satisfies("local", "DE", "de"));
        assert!(!address_satisfies("local", "DE", "FR"));
        assert!(address_satisfies("foreign", "DE", "FR"));
        assert!(!address_satisfies("foreign", "DE", "DE"));
        let de = address("DE");
        assert_eq!(check_number_address("none", "US", None, None), Ok(()));
        assert_eq!(
            check_number_address("local", "DE", Some("AD1"), Some(&de)),
            Ok(())
        );
        assert_eq!(
            check_number_address("local", "DE", None, None),
            Err(RuleViolation::AddressRequired)
        );
        assert_eq!(
            check_number_address("foreign", "DE", Some("AD1"), Some(&de)),
            Err(RuleViolation::AddressRequired)
        );
        assert_eq!(
            check_number_address("none", "US", Some("AD9"), None),
            Err(RuleViolation::UnknownAddress)
        );
    }

    #[test]
    fn transfer_targets() {
        let s = sub(Active, Active);
        assert_eq!(check_transfer_target("ACm", Some(&s)), Ok(()));
        assert_eq!(
            check_transfer_target("ACother", Some(&s)),
            Err(RuleViolation::TransferUnrelated)
        );
        assert_eq!(
            check_transfer_target("ACm", None),
            Err(RuleViolation::TransferUnrelated)
        );
        assert_eq!(
            check_transfer_target("ACm", Some(&sub(Suspended, Active))),
            Err(RuleViolation::TransferTargetInactive)
        );
        assert_eq!(
            check_transfer_target("ACm", Some(&sub(Active, Suspended))),
            Err(RuleViolation::TransferTargetInactive)
        );
        let m = main(Active, AccountType::Full, 10);
        assert_eq!(
            check_transfer_target("ACs", Some(&m)),
            Ok(()),
            "the main account itself"
        );
    }

    #[test]
    fn number_filters_become_like_patterns() {
        assert_eq!(number_like_pattern("+1415"), "%1415%");
        assert_eq!(number_like_pattern("415*55"), "%415_55%");
        assert_eq!(number_like_pattern("(415) 555"), "%415555%");
    }

    #[test]
    fn monthly_anniversaries() {
        // 2015-01-31T12:00:00Z
        let jan31 = 1_422_705_600_000;
        let feb = Utc.timestamp_millis_opt(months_after(jan31, 1)).unwrap();
        assert_eq!(feb.format("%Y-%m-%d %H:%M").to_string(), "2015-02-28 12:00");
        let mar = Utc.timestamp_millis_opt(months_after(jan31, 2)).unwrap();
        assert_eq!(mar.format("%Y-%m-%d").to_string(), "2015-03-31");
        assert_eq!(months_after(jan31, 0), jan31);
    }

    #[test]
    fn only_a_first_closure_closes() {
        assert!(closes(&sub(Active, Active), Some(Closed)));
        assert!(closes(&sub(Suspended, Active), Some(Closed)));
        assert!(!closes(&sub(Closed, Active), Some(Closed)));
        assert!(!closes(&sub(Active, Active), Some(Suspended)));
    }

    #[test]
    fn closure_time_is_recorded_once() {
        let s = sub(Active, Active);
        assert_eq!(closed_at_after(&s, Some(Closed), 5), Some(5));
        assert_eq!(closed_at_after(&s, Some(Suspended), 5), None);
        let closed = AccountRecord {
            closed_at: Some(1),
            status: Closed,
            ..s
        };
        assert_eq!(closed_at_after(&closed, Some(Closed), 9), Some(1));
    }
}
