//! Who is calling ([`Principal`]) and which account a request acts on ([`AccountScope`]).
//!
//! This is the only place that decides reach. Every handler of an account's resources takes
//! an `AccountScope`, and stores take the scope's SID, so no handler can forget the check.
//!
//! The rules (Twilio's subaccount guide, and its 20003 page for key kinds):
//! - an account's own credentials (auth token, or its API keys) reach that account;
//! - a main account's auth token also reaches every subaccount it owns (v2010 resources);
//! - a main account's keys never reach a subaccount's resources; a Main key may manage the
//!   subaccounts themselves (`/Accounts` create, list, fetch, update);
//! - a Standard key may not manage accounts or keys; signing keys do not authenticate;
//! - nothing else: not a parent, a sibling, or another tree (401, 20003);
//! - a closed account's credentials stop working; a suspended account's still read.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use subtle::ConstantTimeEq;
use switchboard_store::{AccountRecord, AccountStatus, KeyKind};
use switchboard_wire::sid;

use crate::app::AppState;
use crate::error::{ApiError, ApiResult};

/// How the caller proved who it is; `Principal::reaches` decides each kind's reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    AuthToken,
    ApiKey { sid: String, kind: KeyKind },
}

/// What a request is about: the account resource itself (`/Accounts/{Sid}.json`, which a
/// Main key may manage for subaccounts) or the account's other resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    AccountInstance,
    Resources,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account: AccountRecord,
    pub credential: Credential,
}

impl Principal {
    /// The main account's own auth token: the credential that reaches subaccounts' resources.
    pub fn is_main_auth_token(&self) -> bool {
        self.account.is_main() && self.credential == Credential::AuthToken
    }

    fn is_key(&self, kind: KeyKind) -> bool {
        matches!(&self.credential, Credential::ApiKey { kind: k, .. } if *k == kind)
    }

    /// May this credential manage accounts (create, list, change subaccounts)? Not with a
    /// Standard key.
    pub fn may_manage_accounts(&self) -> bool {
        !self.is_key(KeyKind::Standard)
    }

    /// May this credential manage API and signing keys? Not with a Standard key.
    pub fn may_manage_keys(&self) -> bool {
        !self.is_key(KeyKind::Standard)
    }

    /// May this credential reach its subaccounts for `purpose`? A main account's auth
    /// token for everything; its Main keys for the account resources themselves.
    pub fn reaches_subaccounts(&self, purpose: Purpose) -> bool {
        self.account.is_main()
            && match (&self.credential, purpose) {
                (Credential::AuthToken, _) => true,
                (
                    Credential::ApiKey {
                        kind: KeyKind::Main,
                        ..
                    },
                    Purpose::AccountInstance,
                ) => true,
                (Credential::ApiKey { .. }, _) => false,
            }
    }

    /// May this principal act on `target` for `purpose`?
    pub fn reaches(&self, target: &AccountRecord, purpose: Purpose) -> bool {
        self.account.sid == target.sid
            || (self.reaches_subaccounts(purpose)
                && target.owner_sid.as_deref() == Some(&self.account.sid))
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

/// The hex SHA-256 of a key secret, as stored.
pub fn key_secret_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let (user, secret) = basic_credentials(parts).ok_or(ApiError::Authenticate)?;
        // (account, credential, expected secret, given secret): an auth token is compared
        // as sent, a key secret by its hash.
        let (account_sid, credential, expected, given) = if sid::is_sid(sid::prefix::ACCOUNT, &user)
        {
            (user, Credential::AuthToken, None, secret)
        } else if sid::is_sid(sid::prefix::KEY, &user) {
            // Looked up on every request: a deleted key stops working at once, everywhere.
            let key = state
                .store
                .key(&user)
                .await?
                .ok_or(ApiError::Authenticate)?;
            if key.kind == KeyKind::Signing {
                return Err(ApiError::Authenticate);
            }
            let credential = Credential::ApiKey {
                sid: key.sid,
                kind: key.kind,
            };
            (
                key.account_sid,
                credential,
                Some(key.secret_hash),
                key_secret_hash(&secret),
            )
        } else {
            return Err(ApiError::Authenticate);
        };
        let account = state
            .store
            .account(&account_sid)
            .await?
            .ok_or(ApiError::Authenticate)?;
        let expected = expected.as_deref().unwrap_or(&account.auth_token);
        let matches: bool = expected.as_bytes().ct_eq(given.as_bytes()).into();
        if !matches || account.status == AccountStatus::Closed {
            return Err(ApiError::Authenticate);
        }
        Ok(Principal {
            account,
            credential,
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

    /// Resolve `sid` for `principal` and `purpose`: its own account, or one it reaches.
    pub async fn resolve(
        state: &AppState,
        principal: Principal,
        sid: &str,
        purpose: Purpose,
    ) -> ApiResult<Self> {
        if sid == principal.account.sid {
            let account = principal.account.clone();
            return Ok(AccountScope { principal, account });
        }
        // Only a main account's credentials reach another account; anyone else is refused
        // before any lookup, so they cannot probe which SIDs exist.
        if !principal.reaches_subaccounts(purpose) {
            return Err(ApiError::Authenticate);
        }
        if !sid::is_sid(sid::prefix::ACCOUNT, sid) {
            return Err(ApiError::NotFound);
        }
        let target = state.store.account(sid).await?.ok_or(ApiError::NotFound)?;
        if !principal.reaches(&target, purpose) {
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
        let (sid, purpose) = match (params.get("AccountSid"), params.get("AccountSidJson")) {
            (Some(sid), _) => (sid.as_str(), Purpose::Resources),
            (None, Some(seg)) => (
                seg.strip_suffix(".json").ok_or(ApiError::NotFound)?,
                Purpose::AccountInstance,
            ),
            (None, None) => return Err(ApiError::NotFound),
        };
        AccountScope::resolve(state, principal, sid, purpose).await
    }
}
