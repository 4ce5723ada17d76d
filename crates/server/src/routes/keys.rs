//! API keys (`Keys`) and signing keys (`SigningKeys`) of an account. The secret is shown
//! once, at creation; only its hash is stored. Standard keys may not manage keys (20003).

use std::collections::HashMap;

use crate::json::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use switchboard_store::{KeyKind, KeyRecord, Store};
use switchboard_wire::date::rfc2822;
use switchboard_wire::key::{Key, NewKey};
use switchboard_wire::page::Page;
use switchboard_wire::sid::{self, prefix};

use crate::app::AppState;
use crate::auth::{key_secret_hash, AccountScope};
use crate::error::{ApiError, ApiResult};
use crate::paging::{envelope, PageParams};
use crate::params::{friendly_name, Params};
use crate::routes::instance_sid;

fn to_wire(k: &KeyRecord) -> Key {
    Key {
        sid: k.sid.clone(),
        friendly_name: k.friendly_name.clone(),
        date_created: rfc2822(k.date_created),
        date_updated: rfc2822(k.date_updated),
    }
}

/// Create a key of `kind` for `account_sid` and return it with its secret (also used by
/// the operator plane for Main keys).
pub async fn create_key(
    store: &dyn Store,
    now: i64,
    account_sid: &str,
    kind: KeyKind,
    name: Option<String>,
) -> ApiResult<NewKey> {
    let secret = sid::new_key_secret();
    let k = store
        .create_key(KeyRecord {
            seq: 0,
            sid: sid::new_sid(prefix::KEY),
            account_sid: account_sid.to_owned(),
            friendly_name: name.unwrap_or_default(),
            kind,
            secret_hash: key_secret_hash(&secret),
            date_created: now,
            date_updated: now,
        })
        .await?;
    let w = to_wire(&k);
    Ok(NewKey {
        sid: w.sid,
        friendly_name: w.friendly_name,
        date_created: w.date_created,
        date_updated: w.date_updated,
        secret,
    })
}

fn managing(scope: &AccountScope) -> ApiResult<()> {
    if scope.principal.may_manage_keys() {
        Ok(())
    } else {
        Err(ApiError::Authenticate)
    }
}

async fn list_of(
    state: AppState,
    scope: AccountScope,
    params: Params,
    signing: bool,
) -> ApiResult<Json<Page<Key>>> {
    managing(&scope)?;
    let pp = PageParams::parse(&params)?;
    let slice = state
        .store
        .list_keys(scope.sid(), signing, pp.request())
        .await?;
    let (key, name) = if signing {
        ("signing_keys", "SigningKeys")
    } else {
        ("keys", "Keys")
    };
    let path = format!("/2010-04-01/Accounts/{}/{name}.json", scope.sid());
    Ok(Json(envelope(
        key,
        &path,
        &[],
        &pp,
        slice.map(|k| to_wire(&k)),
    )))
}

async fn create_of(
    state: AppState,
    scope: AccountScope,
    params: Params,
    kind: KeyKind,
) -> ApiResult<(StatusCode, Json<NewKey>)> {
    managing(&scope)?;
    let k = create_key(
        &*state.store,
        state.clock.now_ms(),
        scope.sid(),
        kind,
        friendly_name(&params)?,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(k)))
}

async fn fetch_of(
    state: AppState,
    scope: AccountScope,
    path: HashMap<String, String>,
    signing: bool,
) -> ApiResult<Json<Key>> {
    managing(&scope)?;
    let sid = instance_sid(&path, "SidJson", prefix::KEY)?;
    let k = state
        .store
        .key(&sid)
        .await?
        .filter(|k| k.account_sid == scope.sid() && (k.kind == KeyKind::Signing) == signing);
    Ok(Json(to_wire(&k.ok_or(ApiError::NotFound)?)))
}

async fn update_of(
    state: AppState,
    scope: AccountScope,
    path: HashMap<String, String>,
    params: Params,
    signing: bool,
) -> ApiResult<Json<Key>> {
    managing(&scope)?;
    let sid = instance_sid(&path, "SidJson", prefix::KEY)?;
    let name = friendly_name(&params)?;
    let k = match name {
        Some(n) => {
            state
                .store
                .rename_key(scope.sid(), &sid, signing, n, state.clock.now_ms())
                .await?
        }
        None => state
            .store
            .key(&sid)
            .await?
            .filter(|k| k.account_sid == scope.sid() && (k.kind == KeyKind::Signing) == signing)
            .ok_or(ApiError::NotFound)?,
    };
    Ok(Json(to_wire(&k)))
}

async fn delete_of(
    state: AppState,
    scope: AccountScope,
    path: HashMap<String, String>,
    signing: bool,
) -> ApiResult<StatusCode> {
    managing(&scope)?;
    let sid = instance_sid(&path, "SidJson", prefix::KEY)?;
    state.store.delete_key(scope.sid(), &sid, signing).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// GET /2010-04-01/Accounts/{AccountSid}/Keys.json · ListKey
pub async fn list(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<Key>>> {
    list_of(state, scope, params, false).await
}

/// POST /2010-04-01/Accounts/{AccountSid}/Keys.json · CreateNewKey
pub async fn create(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<(StatusCode, Json<NewKey>)> {
    create_of(state, scope, params, KeyKind::Standard).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json · FetchKey
pub async fn fetch(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<Key>> {
    fetch_of(state, scope, path, false).await
}

/// POST /2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json · UpdateKey
pub async fn update(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Key>> {
    update_of(state, scope, path, params, false).await
}

/// DELETE /2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json · DeleteKey
pub async fn delete(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    delete_of(state, scope, path, false).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/SigningKeys.json · ListSigningKey
pub async fn list_signing(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<Key>>> {
    list_of(state, scope, params, true).await
}

/// POST /2010-04-01/Accounts/{AccountSid}/SigningKeys.json · CreateNewSigningKey
pub async fn create_signing(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<(StatusCode, Json<NewKey>)> {
    create_of(state, scope, params, KeyKind::Signing).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/SigningKeys/{Sid}.json · FetchSigningKey
pub async fn fetch_signing(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<Key>> {
    fetch_of(state, scope, path, true).await
}

/// POST /2010-04-01/Accounts/{AccountSid}/SigningKeys/{Sid}.json · UpdateSigningKey
pub async fn update_signing(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Key>> {
    update_of(state, scope, path, params, true).await
}

/// DELETE /2010-04-01/Accounts/{AccountSid}/SigningKeys/{Sid}.json · DeleteSigningKey
pub async fn delete_signing(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    delete_of(state, scope, path, true).await
}
