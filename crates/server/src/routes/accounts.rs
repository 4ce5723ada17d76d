//! The Account resource: `/2010-04-01/Accounts.json` and `/2010-04-01/Accounts/{Sid}.json`.

use crate::json::Json;
use axum::extract::State;
use axum::http::StatusCode;
use switchboard_store::{
    AccountListQuery, AccountRecord, AccountStatus, AccountUpdate, NewSubaccount, RuleViolation,
};
use switchboard_wire::account::{account_uri, Account, AccountSubresourceUris};
use switchboard_wire::date::{rfc2822, subaccount_default_name};
use switchboard_wire::page::Page;

use crate::app::AppState;
use crate::auth::{AccountScope, Principal, Purpose};
use crate::error::{ApiError, ApiResult};
use crate::paging::{envelope, PageParams};
use crate::params::{friendly_name, Params};

/// The wire shape of a record. `status` is the effective status: a suspended main account
/// shows its whole tree suspended.
pub fn to_wire(r: &AccountRecord) -> Account {
    Account {
        auth_token: r.auth_token.clone(),
        date_created: rfc2822(r.date_created),
        date_updated: rfc2822(r.date_updated),
        friendly_name: r.friendly_name.clone(),
        owner_account_sid: r.main_sid().to_owned(),
        sid: r.sid.clone(),
        status: r.effective_status().as_str(),
        subresource_uris: AccountSubresourceUris::for_account(&r.sid),
        account_type: r.account_type.as_str(),
        uri: account_uri(&r.sid),
    }
}

/// `Status` as a list filter (20422 when unknown).
fn status_filter(params: &Params) -> ApiResult<Option<AccountStatus>> {
    params
        .get("Status")
        .map(|v| AccountStatus::parse(v).ok_or_else(|| ApiError::invalid_parameter("Status", v)))
        .transpose()
}

/// GET /2010-04-01/Accounts.json · ListAccount
///
/// Main credentials list the main account and its subaccounts; a subaccount's credentials
/// list only that subaccount.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    params: Params,
) -> ApiResult<Json<Page<Account>>> {
    if !principal.may_manage_accounts() {
        return Err(ApiError::Authenticate);
    }
    let pp = PageParams::parse(&params)?;
    let mut filters = Vec::new();
    let friendly = params.get("FriendlyName").map(str::to_owned);
    if let Some(f) = &friendly {
        filters.push(("FriendlyName", f.clone()));
    }
    let status = status_filter(&params)?;
    if let Some(s) = status {
        filters.push(("Status", s.as_str().to_owned()));
    }
    let query = AccountListQuery {
        tree_sid: principal.account.main_sid().to_owned(),
        only_sid: (!principal.reaches_subaccounts(Purpose::AccountInstance))
            .then(|| principal.account.sid.clone()),
        friendly_name: friendly,
        status,
    };
    let slice = state.store.list_accounts(&query, pp.request()).await?;
    let page = envelope(
        "accounts",
        "/2010-04-01/Accounts.json",
        &filters,
        &pp,
        slice.map(|r| to_wire(&r)),
    );
    Ok(Json(page))
}

/// POST /2010-04-01/Accounts.json · CreateAccount
///
/// Creates a subaccount of the calling main account.
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    params: Params,
) -> ApiResult<(StatusCode, Json<Account>)> {
    if !principal.may_manage_accounts() {
        return Err(ApiError::Authenticate);
    }
    if !principal.account.is_main() {
        return Err(ApiError::Rule(RuleViolation::SubaccountCannotOwn));
    }
    let now = state.clock.now_ms();
    let name = friendly_name(&params)?.unwrap_or_else(|| subaccount_default_name(now));
    let created = state
        .store
        .create_subaccount(NewSubaccount {
            owner_sid: principal.account.sid.clone(),
            friendly_name: name,
            now,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(to_wire(&created))))
}

/// GET /2010-04-01/Accounts/{Sid}.json · FetchAccount
pub async fn fetch(scope: AccountScope) -> Json<Account> {
    Json(to_wire(&scope.account))
}

/// POST /2010-04-01/Accounts/{Sid}.json · UpdateAccount
///
/// `FriendlyName` and `Status`. Only a main account's credentials change a status, and only
/// a subaccount's; the rules themselves run in the store's transaction.
pub async fn update(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Account>> {
    if !scope.principal.may_manage_accounts() {
        return Err(ApiError::Authenticate);
    }
    let friendly = friendly_name(&params)?;
    let status = match params.get("Status") {
        None => None,
        // https://www.twilio.com/docs/errors/21475
        Some(v) => Some(AccountStatus::parse(v).ok_or_else(|| {
            ApiError::bad_request(21475, "Unable to update Status, invalid Status.")
        })?),
    };
    if status.is_some() && !scope.principal.account.is_main() {
        return Err(ApiError::Forbidden(
            "Only the main account's credentials can change a subaccount's status".into(),
        ));
    }
    if friendly.is_none() && status.is_none() {
        return Ok(Json(to_wire(&scope.account)));
    }
    let update = AccountUpdate {
        friendly_name: friendly,
        status,
        now: state.clock.now_ms(),
    };
    let updated = state.store.update_account(scope.sid(), update).await?;
    Ok(Json(to_wire(&updated)))
}
