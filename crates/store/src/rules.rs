//! Domain rules, as pure functions. Stores call them inside their write transactions with
//! rows they have locked (Postgres) or read inside the single writer (SQLite).

use crate::accounts::{AccountRecord, AccountStatus};
use crate::error::RuleViolation;

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
