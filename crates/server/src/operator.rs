//! The operator plane: what Twilio does through its console and support (create main
//! accounts, set limits, suspend, auto-deletion). The CLI and the admin API both call these
//! functions, so they cannot drift apart.

use serde::Serialize;
use switchboard_store::{
    AccountRecord, AccountStatus, AccountType, NewMainAccount, OperatorUpdate, Store,
    DEFAULT_SUBACCOUNT_LIMIT,
};
use switchboard_wire::date::rfc2822;
use switchboard_wire::sid;

use crate::error::{ApiError, ApiResult};
use crate::params::Params;

/// What the operator sees of a main account (not a Twilio shape; Twilio has no such API).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OperatorAccount {
    pub sid: String,
    pub friendly_name: String,
    pub auth_token: String,
    pub status: &'static str,
    #[serde(rename = "type")]
    pub account_type: &'static str,
    pub subaccount_limit: i64,
    pub auto_delete_closed_subaccounts: bool,
    pub voice_countries: String,
    pub sms_countries: String,
    pub date_created: String,
    pub date_updated: String,
    pub uri: String,
}

impl From<&AccountRecord> for OperatorAccount {
    fn from(r: &AccountRecord) -> Self {
        OperatorAccount {
            sid: r.sid.clone(),
            friendly_name: r.friendly_name.clone(),
            auth_token: r.auth_token.clone(),
            status: r.effective_status().as_str(),
            account_type: r.account_type.as_str(),
            subaccount_limit: r.subaccount_limit,
            auto_delete_closed_subaccounts: r.auto_delete_closed,
            voice_countries: r.voice_countries.clone(),
            sms_countries: r.sms_countries.clone(),
            date_created: rfc2822(r.date_created),
            date_updated: rfc2822(r.date_updated),
            uri: format!("/admin/v1/Accounts/{}", r.sid),
        }
    }
}

/// A new main account. Everything optional has a documented default.
#[derive(Debug, Clone, Default)]
pub struct CreateMain {
    pub friendly_name: Option<String>,
    pub account_type: Option<AccountType>,
    pub subaccount_limit: Option<i64>,
    pub auto_delete_closed: Option<bool>,
    /// Fixed credentials (bootstrap and users' CI); generated when absent.
    pub sid: Option<String>,
    pub auth_token: Option<String>,
}

/// Changes to a main account.
#[derive(Debug, Clone, Default)]
pub struct UpdateMain {
    pub friendly_name: Option<String>,
    pub status: Option<AccountStatus>,
    pub subaccount_limit: Option<i64>,
    pub auto_delete_closed: Option<bool>,
    pub auth_token: Option<String>,
    /// Geo permissions: ISO country codes separated by commas, or `*` for all.
    pub voice_countries: Option<String>,
    pub sms_countries: Option<String>,
}

/// A permission list: `*`, or ISO 3166-1 alpha-2 codes separated by commas (normalised to
/// upper case without spaces).
pub fn geo_list(name: &str, value: &str) -> ApiResult<String> {
    if value.trim() == "*" {
        return Ok("*".into());
    }
    let codes: Vec<String> = value
        .split(',')
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    let valid = |c: &String| c.len() == 2 && c.parse::<phonenumber::country::Id>().is_ok();
    if let Some(bad) = codes.iter().find(|c| !valid(c)) {
        return Err(ApiError::invalid_parameter(name, bad));
    }
    Ok(codes.join(","))
}

fn check_credentials(sid_: Option<&str>, token: Option<&str>) -> ApiResult<()> {
    if let Some(s) = sid_ {
        if !sid::is_sid(sid::prefix::ACCOUNT, s) {
            return Err(ApiError::bad_request(
                21470,
                format!("Invalid AccountSid '{s}': expected AC followed by 32 hex digits"),
            ));
        }
    }
    if let Some(t) = token {
        if t.is_empty() || t.len() > 128 || !t.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::invalid_parameter("AuthToken", "(hidden)"));
        }
    }
    Ok(())
}

fn check_limit(limit: Option<i64>) -> ApiResult<()> {
    match limit {
        Some(n) if n < 0 => Err(ApiError::invalid_parameter(
            "SubaccountLimit",
            &n.to_string(),
        )),
        _ => Ok(()),
    }
}

pub async fn create_main(store: &dyn Store, now: i64, new: CreateMain) -> ApiResult<AccountRecord> {
    check_credentials(new.sid.as_deref(), new.auth_token.as_deref())?;
    check_limit(new.subaccount_limit)?;
    Ok(store
        .create_main_account(NewMainAccount {
            sid: new.sid,
            auth_token: new.auth_token,
            friendly_name: new.friendly_name.unwrap_or_else(|| "Main account".into()),
            account_type: new.account_type.unwrap_or(AccountType::Full),
            subaccount_limit: new.subaccount_limit.unwrap_or(DEFAULT_SUBACCOUNT_LIMIT),
            auto_delete_closed: new.auto_delete_closed.unwrap_or(true),
            now,
        })
        .await?)
}

pub async fn update_main(
    store: &dyn Store,
    sid_: &str,
    now: i64,
    update: UpdateMain,
) -> ApiResult<AccountRecord> {
    check_credentials(None, update.auth_token.as_deref())?;
    check_limit(update.subaccount_limit)?;
    Ok(store
        .operator_update_account(
            sid_,
            OperatorUpdate {
                friendly_name: update.friendly_name,
                status: update.status,
                subaccount_limit: update.subaccount_limit,
                auto_delete_closed: update.auto_delete_closed,
                auth_token: update.auth_token,
                voice_countries: update.voice_countries,
                sms_countries: update.sms_countries,
                now,
            },
        )
        .await?)
}

/// Parse the admin API's form fields into a [`CreateMain`].
pub fn create_from_params(p: &Params) -> ApiResult<CreateMain> {
    Ok(CreateMain {
        friendly_name: crate::params::friendly_name(p)?,
        account_type: p
            .get("Type")
            .map(|v| AccountType::parse(v).ok_or_else(|| ApiError::invalid_parameter("Type", v)))
            .transpose()?,
        subaccount_limit: p.int("SubaccountLimit")?,
        auto_delete_closed: p.bool("AutoDeleteClosedSubaccounts")?,
        sid: p.get("Sid").map(str::to_owned),
        auth_token: p.get("AuthToken").map(str::to_owned),
    })
}

/// Parse the admin API's form fields into an [`UpdateMain`].
pub fn update_from_params(p: &Params) -> ApiResult<UpdateMain> {
    let status = match p.get("Status") {
        None => None,
        Some("active") => Some(AccountStatus::Active),
        Some("suspended") => Some(AccountStatus::Suspended),
        Some(v) => return Err(ApiError::invalid_parameter("Status", v)),
    };
    Ok(UpdateMain {
        friendly_name: crate::params::friendly_name(p)?,
        status,
        subaccount_limit: p.int("SubaccountLimit")?,
        auto_delete_closed: p.bool("AutoDeleteClosedSubaccounts")?,
        auth_token: p.get("AuthToken").map(str::to_owned),
        voice_countries: p
            .get("VoiceCountries")
            .map(|v| geo_list("VoiceCountries", v))
            .transpose()?,
        sms_countries: p
            .get("SmsCountries")
            .map(|v| geo_list("SmsCountries", v))
            .transpose()?,
    })
}

/// A main account's balance, as the operator sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OperatorBalance {
    pub account_sid: String,
    pub balance: String,
    pub currency: &'static str,
    /// Traffic the balance cannot cover is refused.
    pub prepaid: bool,
}

/// How the operator changes a balance: add a credit (negative: a debit), or set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BalanceChange {
    Credit(rust_decimal::Decimal),
    Set(rust_decimal::Decimal),
}

fn amount(name: &str, v: &str) -> ApiResult<rust_decimal::Decimal> {
    v.trim()
        .parse::<rust_decimal::Decimal>()
        .ok()
        .filter(|d| d.scale() <= 9)
        .ok_or_else(|| ApiError::invalid_parameter(name, v))
}

/// `Credit` or `Balance` (a decimal in USD) from the admin API.
pub fn balance_change_from_params(p: &Params) -> ApiResult<Option<BalanceChange>> {
    match (p.get("Credit"), p.get("Balance")) {
        (Some(_), Some(_)) => Err(ApiError::bad_request(
            20001,
            "Give Credit or Balance, not both",
        )),
        (Some(c), None) => Ok(Some(BalanceChange::Credit(amount("Credit", c)?))),
        (None, Some(b)) => Ok(Some(BalanceChange::Set(amount("Balance", b)?))),
        (None, None) => Ok(None),
    }
}

/// Read, and optionally change, a main account's balance (one per tree) and whether it is
/// enforced (prepaid). Setting the balance credits the difference from the balance at that
/// moment.
pub async fn balance(
    store: &dyn Store,
    sid: &str,
    change: Option<BalanceChange>,
    prepaid: Option<bool>,
) -> ApiResult<OperatorBalance> {
    let account = store.account(sid).await?.ok_or(ApiError::NotFound)?;
    if !account.is_main() {
        return Err(ApiError::bad_request(
            20001,
            "Balances belong to main accounts: a subaccount uses its main account's",
        ));
    }
    let to_nanos = |d: rust_decimal::Decimal| -> ApiResult<i64> {
        (d * rust_decimal::Decimal::from(1_000_000_000i64))
            .round()
            .try_into()
            .map_err(|_| ApiError::invalid_parameter("Credit", &d.to_string()))
    };
    if let Some(p) = prepaid {
        store.set_prepaid(sid, p).await?;
    }
    let nanos = match change {
        None => store.balance_nanos(sid).await?,
        Some(BalanceChange::Credit(d)) => store.credit(sid, to_nanos(d)?).await?,
        Some(BalanceChange::Set(d)) => {
            let now = store.balance_nanos(sid).await?;
            store.credit(sid, to_nanos(d)? - now).await?
        }
    };
    Ok(OperatorBalance {
        account_sid: sid.to_owned(),
        balance: crate::routes::usage::balance_string(nanos),
        currency: "USD",
        prepaid: store.prepaid(sid).await?,
    })
}
