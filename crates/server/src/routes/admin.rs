//! The admin API under `/admin/v1/`: the operator plane over HTTP, behind a bearer token
//! (`SWITCHBOARD_ADMIN_TOKEN`). Not a Twilio API; errors still use Twilio's body.

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;
use switchboard_wire::date::rfc2822;
use switchboard_wire::page::Page;

use crate::app::AppState;
use crate::error::{ApiError, ApiResult};
use crate::jobs::DueReport;
use crate::operator::{self, OperatorAccount};
use crate::paging::{envelope, PageParams};
use crate::params::Params;

/// Middleware: `Authorization: Bearer <SWITCHBOARD_ADMIN_TOKEN>`.
pub async fn require_token(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let expected = state.admin_token.as_deref().ok_or(ApiError::NotFound)?;
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        return Err(ApiError::Authenticate);
    }
    Ok(next.run(req).await)
}

/// GET /admin/v1/Accounts: main accounts.
pub async fn list_accounts(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<Json<Page<OperatorAccount>>> {
    let pp = PageParams::parse(&params)?;
    let slice = state.store.list_main_accounts(pp.request()).await?;
    Ok(Json(envelope(
        "accounts",
        "/admin/v1/Accounts",
        &[],
        &pp,
        slice.map(|r| OperatorAccount::from(&r)),
    )))
}

/// POST /admin/v1/Accounts: create a main account (`FriendlyName`, `Type` Full|Trial,
/// `SubaccountLimit`, `AutoDeleteClosedSubaccounts`, and optionally fixed `Sid`/`AuthToken`).
pub async fn create_account(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<(StatusCode, Json<OperatorAccount>)> {
    let new = operator::create_from_params(&params)?;
    let created = operator::create_main(&*state.store, state.clock.now_ms(), new).await?;
    Ok((StatusCode::CREATED, Json(OperatorAccount::from(&created))))
}

/// GET /admin/v1/Accounts/{Sid}
pub async fn fetch_account(
    State(state): State<AppState>,
    Path(sid): Path<String>,
) -> ApiResult<Json<OperatorAccount>> {
    let r = state.store.account(&sid).await?.ok_or(ApiError::NotFound)?;
    if !r.is_main() {
        return Err(ApiError::NotFound);
    }
    Ok(Json(OperatorAccount::from(&r)))
}

/// POST /admin/v1/Accounts/{Sid}: `Status` (active|suspended), `SubaccountLimit`,
/// `AutoDeleteClosedSubaccounts`, `FriendlyName`, `AuthToken`.
pub async fn update_account(
    State(state): State<AppState>,
    Path(sid): Path<String>,
    params: Params,
) -> ApiResult<Json<OperatorAccount>> {
    let update = operator::update_from_params(&params)?;
    let r = operator::update_main(&*state.store, &sid, state.clock.now_ms(), update).await?;
    Ok(Json(OperatorAccount::from(&r)))
}

fn clock_body(state: &AppState, report: Option<DueReport>) -> Value {
    let now = state.clock.now_ms();
    json!({
        "now": rfc2822(now),
        "epoch_ms": now,
        "manual": state.clock.as_manual().is_some(),
        "ran": report,
    })
}

/// GET /admin/v1/Clock
pub async fn fetch_clock(State(state): State<AppState>) -> Json<Value> {
    Json(clock_body(&state, None))
}

/// POST /admin/v1/Clock `Advance=<seconds>`: move the manual clock forward, run all work
/// that became due, then answer with the new time.
pub async fn advance_clock(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let manual = state.clock.as_manual().ok_or_else(|| {
        ApiError::bad_request(20422, "The clock is not manual: start with --clock manual")
    })?;
    let seconds = params
        .int("Advance")?
        .ok_or_else(|| ApiError::bad_request(20422, "Advance (seconds) is required"))?;
    manual.advance(seconds.saturating_mul(1000));
    let report = state.jobs.run_due().await?;
    Ok(Json(clock_body(&state, Some(report))))
}
