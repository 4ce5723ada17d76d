//! Who is calling ([`Principal`]) and which account a request acts on ([`AccountScope`]).
//!
//! This is the only place that decides reach. Every handler of an account's resources takes
//! an `AccountScope`, and stores take the scope's SID, so no handler can forget the check.
//!
//! The rules (Twilio's subaccount guide):
//! - an account's own credentials reach that account;
//! - a main account's auth token also reaches every subaccount it owns (v2010 resources);
//! - nothing else: not a parent, a sibling, or another tree (401, 20003);
//! - a closed account's own credentials stop working; a suspended account's still read.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use subtle::ConstantTimeEq;
use switchboard_store::{AccountRecord, AccountStatus};
use switchboard_wire::sid;

use crate::app::AppState;
use crate::error::{ApiError, ApiResult};

/// How the caller proved who it is. API keys (issue 5) add their variant here; `reaches`
/// below is where each kind's reach is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    AuthToken,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account: AccountRecord,
    pub credential: Credential,
}

impl Principal {
    /// The main account's own auth token: the credential that manages subaccounts.
    pub fn is_main_auth_token(&self) -> bool {
        self.account.is_main() && self.credential == Credential::AuthToken
    }

    /// May this principal act on `target`'s v2010 resources?
    pub fn reaches(&self, target: &AccountRecord) -> bool {
        if self.account.sid == target.sid {
            return true;
        }
        match self.credential {
            Credential::AuthToken => {
                self.account.is_main() && target.owner_sid.as_deref() == Some(&self.account.sid)
            }
        }
    }
}

fn basic_credentials(parts: &Parts) -> Option<(String, String)> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let (user, secret) = basic_credentials(parts).ok_or(ApiError::Authenticate)?;
        if !sid::is_sid(sid::prefix::ACCOUNT, &user) {
            return Err(ApiError::Authenticate);
        }
        let account = state
            .store
            .account(&user)
            .await?
            .ok_or(ApiError::Authenticate)?;
        let matches: bool = account
            .auth_token
            .as_bytes()
            .ct_eq(secret.as_bytes())
            .into();
        if !matches || account.status == AccountStatus::Closed {
            return Err(ApiError::Authenticate);
        }
        Ok(Principal {
            account,
            credential: Credential::AuthToken,
        })
    }
}

/// The account a request acts on, checked against the principal.
#[derive(Debug, Clone)]
pub struct AccountScope {
    pub principal: Principal,
    pub account: AccountRecord,
}

impl AccountScope {
    pub fn sid(&self) -> &str {
        &self.account.sid
    }

    /// Resolve `sid` for `principal`: its own account, or one it reaches.
    pub async fn resolve(state: &AppState, principal: Principal, sid: &str) -> ApiResult<Self> {
        if sid == principal.account.sid {
            let account = principal.account.clone();
            return Ok(AccountScope { principal, account });
        }
        // Only a main account's token reaches another account; anyone else is refused
        // before any lookup, so they cannot probe which SIDs exist.
        if !principal.is_main_auth_token() {
            return Err(ApiError::Authenticate);
        }
        if !sid::is_sid(sid::prefix::ACCOUNT, sid) {
            return Err(ApiError::NotFound);
        }
        let target = state.store.account(sid).await?.ok_or(ApiError::NotFound)?;
        if !principal.reaches(&target) {
            return Err(ApiError::Authenticate);
        }
        Ok(AccountScope {
            principal,
            account: target,
        })
    }
}

/// Routes name the account `{AccountSid}` (nested resources, no suffix) or
/// `{AccountSidJson}` (the account instance itself, `AC....json`).
impl FromRequestParts<AppState> for AccountScope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        let sid = match (params.get("AccountSid"), params.get("AccountSidJson")) {
            (Some(sid), _) => sid.as_str(),
            (None, Some(seg)) => seg.strip_suffix(".json").ok_or(ApiError::NotFound)?,
            (None, None) => return Err(ApiError::NotFound),
        };
        AccountScope::resolve(state, principal, sid).await
    }
}
