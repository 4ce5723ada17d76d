//! Account records and the inputs of account writes.

use std::fmt;

/// An account's own status, as stored. What clients see is [`AccountRecord::effective_status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountStatus {
    Active,
    Suspended,
    Closed,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Suspended => "suspended",
            AccountStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(AccountStatus::Active),
            "suspended" => Some(AccountStatus::Suspended),
            "closed" => Some(AccountStatus::Closed),
            _ => None,
        }
    }
}

impl fmt::Display for AccountStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountType {
    Trial,
    Full,
}

impl AccountType {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Trial => "Trial",
            AccountType::Full => "Full",
        }
    }

    /// Case-insensitive: operators type `full` as often as `Full`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "trial" => Some(AccountType::Trial),
            "full" => Some(AccountType::Full),
            _ => None,
        }
    }
}

/// Subaccounts a main account may hold unless the operator says otherwise (the guide).
pub const DEFAULT_SUBACCOUNT_LIMIT: i64 = 1000;
/// Closed subaccounts are deleted this long after closure where auto-deletion is on.
pub const CLOSED_RETENTION_MS: i64 = 30 * 86_400_000;

/// One account row, with its parent's status joined in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    /// Insertion order; the keyset paging key.
    pub seq: i64,
    pub sid: String,
    /// The main account that owns this one; `None` for a main account.
    pub owner_sid: Option<String>,
    pub friendly_name: String,
    pub auth_token: String,
    /// This account's own status (what it returns to when a suspended parent is reactivated).
    pub status: AccountStatus,
    /// The owner's own status, for subaccounts.
    pub parent_status: Option<AccountStatus>,
    pub account_type: AccountType,
    pub date_created: i64,
    pub date_updated: i64,
    pub closed_at: Option<i64>,
    /// Main accounts: how many subaccounts that are not closed they may have.
    pub subaccount_limit: i64,
    /// Main accounts: how many subaccounts they have that are not closed.
    pub open_subaccounts: i64,
    /// Main accounts: whether closed subaccounts are deleted after [`CLOSED_RETENTION_MS`].
    pub auto_delete_closed: bool,
    /// Destination countries voice calls may go to: ISO codes separated by commas, or `*`.
    /// A subaccount reports its main account's (subaccounts use their main account's
    /// permissions).
    pub voice_countries: String,
    /// Likewise for messages.
    pub sms_countries: String,
}

/// Geo permissions of a new main account (the operator changes them per account).
pub const DEFAULT_GEO_COUNTRIES: &str = "US,CA";

/// Does a permission list (`US,CA`, `*`) allow `iso_country`?
pub fn geo_allows(countries: &str, iso_country: &str) -> bool {
    countries
        .split(',')
        .map(str::trim)
        .any(|c| c == "*" || c.eq_ignore_ascii_case(iso_country))
}

impl AccountRecord {
    pub fn is_main(&self) -> bool {
        self.owner_sid.is_none()
    }

    /// The main account at the top of this account's tree.
    pub fn main_sid(&self) -> &str {
        self.owner_sid.as_deref().unwrap_or(&self.sid)
    }

    /// What clients see: a suspended main account suspends its whole tree, except what is
    /// closed, which stays closed.
    pub fn effective_status(&self) -> AccountStatus {
        match (self.status, self.parent_status) {
            (AccountStatus::Closed, _) => AccountStatus::Closed,
            (_, Some(AccountStatus::Suspended | AccountStatus::Closed)) => AccountStatus::Suspended,
            (own, _) => own,
        }
    }

    /// The limit in force: a Trial main account may have one subaccount.
    pub fn effective_subaccount_limit(&self) -> i64 {
        match self.account_type {
            AccountType::Trial => self.subaccount_limit.min(1),
            AccountType::Full => self.subaccount_limit,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewMainAccount {
    /// Fixed credentials (bootstrap); generated when `None`.
    pub sid: Option<String>,
    pub auth_token: Option<String>,
    pub friendly_name: String,
    pub account_type: AccountType,
    pub subaccount_limit: i64,
    pub auto_delete_closed: bool,
    pub now: i64,
}

#[derive(Debug, Clone)]
pub struct NewSubaccount {
    pub owner_sid: String,
    pub friendly_name: String,
    pub now: i64,
}

/// A public-API update (`POST /Accounts/{Sid}.json`).
#[derive(Debug, Clone, Default)]
pub struct AccountUpdate {
    pub friendly_name: Option<String>,
    pub status: Option<AccountStatus>,
    pub now: i64,
}

/// An operator update of a main account.
#[derive(Debug, Clone, Default)]
pub struct OperatorUpdate {
    pub friendly_name: Option<String>,
    pub status: Option<AccountStatus>,
    pub subaccount_limit: Option<i64>,
    pub auto_delete_closed: Option<bool>,
    pub auth_token: Option<String>,
    pub voice_countries: Option<String>,
    pub sms_countries: Option<String>,
    pub now: i64,
}

/// Which accounts a list shows.
#[derive(Debug, Clone)]
pub struct AccountListQuery {
    /// The main account whose tree is listed (itself and its subaccounts).
    pub tree_sid: String,
    /// Restrict to one account (a subaccount's credentials list only themselves).
    pub only_sid: Option<String>,
    /// Exact match.
    pub friendly_name: Option<String>,
    /// Matches the effective status.
    pub status: Option<AccountStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: AccountStatus, parent: Option<AccountStatus>) -> AccountRecord {
        AccountRecord {
            seq: 1,
            sid: "ACx".into(),
            owner_sid: parent.map(|_| "ACp".into()),
            friendly_name: String::new(),
            auth_token: String::new(),
            status,
            parent_status: parent,
            account_type: AccountType::Full,
            date_created: 0,
            date_updated: 0,
            closed_at: None,
            subaccount_limit: DEFAULT_SUBACCOUNT_LIMIT,
            open_subaccounts: 0,
            auto_delete_closed: true,
            voice_countries: DEFAULT_GEO_COUNTRIES.into(),
            sms_countries: DEFAULT_GEO_COUNTRIES.into(),
        }
    }

    #[test]
    fn geo_lists() {
        assert!(geo_allows("US,CA", "ca"));
        assert!(!geo_allows("US,CA", "GB"));
        assert!(geo_allows("*", "GB"));
        assert!(geo_allows("US, GB", "GB"));
        assert!(!geo_allows("", "US"));
    }

    #[test]
    fn a_suspended_parent_suspends_all_but_closed_children() {
        use AccountStatus::*;
        assert_eq!(
            record(Active, Some(Suspended)).effective_status(),
            Suspended
        );
        assert_eq!(
            record(Suspended, Some(Suspended)).effective_status(),
            Suspended
        );
        assert_eq!(record(Closed, Some(Suspended)).effective_status(), Closed);
        assert_eq!(record(Active, Some(Active)).effective_status(), Active);
        assert_eq!(
            record(Suspended, Some(Active)).effective_status(),
            Suspended
        );
        assert_eq!(record(Active, None).effective_status(), Active);
    }

    #[test]
    fn trial_accounts_may_have_one_subaccount() {
        let mut r = record(AccountStatus::Active, None);
        assert_eq!(r.effective_subaccount_limit(), 1000);
        r.account_type = AccountType::Trial;
        assert_eq!(r.effective_subaccount_limit(), 1);
    }
}
