//! The admin API under `/admin/v1/`: the operator plane over HTTP, behind a bearer token
//! (`SWITCHBOARD_ADMIN_TOKEN`). Not a Twilio API; errors still use Twilio's body.

use crate::json::Json;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;
use switchboard_wire::date::rfc2822;
use switchboard_wire::page::Page;

use switchboard_carrier::{CallOutcome, MessageOutcome, Scenario};
use switchboard_numbering::parse_e164;
use switchboard_store::{
    CallConfig, CallRecord, MessageRecord, NewCall, NewCharge, NewMessage, NewWebhook,
    PhoneNumberRecord, RuleViolation, StoreError, WebhookKind,
};
use switchboard_wire::call::Call;
use switchboard_wire::message::Message;
use switchboard_wire::sid::{self, prefix};

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
    let report = state
        .jobs
        .run_due_after(|| {
            manual.advance(seconds.saturating_mul(1000));
        })
        .await?;
    Ok(Json(clock_body(&state, Some(report))))
}

/// GET /admin/v1/Scenarios: the simulated carrier's scenarios on this instance.
pub async fn list_scenarios(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "scenarios": state.carrier.scenarios().list() }))
}

/// POST /admin/v1/Scenarios: add or replace the scenario for `To` (an E.164 number or a
/// prefix ending in `*`): `CallOutcome` (completed, busy, no-answer, failed), `RingSeconds`,
/// `TalkSeconds`, `AnsweredBy`, `MessageOutcome` (delivered, undelivered, failed), `ErrorCode`,
/// and for TwiML `Digits` (repeated: the input to each `<Gather>` in turn), `RecordSeconds`,
/// `PlaySeconds`.
pub async fn put_scenario(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let to = params.get("To").filter(|t| !t.is_empty()).ok_or_else(|| {
        ApiError::bad_request(20422, "To (a number or a prefix ending in *) is required")
    })?;
    let call_outcome = params
        .get("CallOutcome")
        .map(|v| CallOutcome::parse(v).ok_or_else(|| ApiError::invalid_parameter("CallOutcome", v)))
        .transpose()?;
    let message_outcome = params
        .get("MessageOutcome")
        .map(|v| {
            MessageOutcome::parse(v).ok_or_else(|| ApiError::invalid_parameter("MessageOutcome", v))
        })
        .transpose()?;
    let scenario = Scenario {
        to: to.to_owned(),
        call_outcome,
        ring_seconds: params.int("RingSeconds")?,
        talk_seconds: params.int("TalkSeconds")?,
        answered_by: params.get("AnsweredBy").map(str::to_owned),
        message_outcome,
        error_code: params.int("ErrorCode")?.map(|c| c as u32),
        digits: {
            let d: Vec<String> = params.all("Digits").iter().map(|d| d.to_string()).collect();
            (!d.is_empty()).then_some(d)
        },
        record_seconds: params.int("RecordSeconds")?,
        play_seconds: params.int("PlaySeconds")?,
    };
    state.carrier.upsert_scenario(scenario.clone());
    Ok((StatusCode::CREATED, Json(json!(scenario))))
}

/// DELETE /admin/v1/Scenarios: remove the scenario of `To`, or all of them.
pub async fn delete_scenarios(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<StatusCode> {
    match params.get("To") {
        Some(to) if !state.carrier.remove_scenario(to) => Err(ApiError::NotFound),
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => {
            state.carrier.clear_scenarios();
            Ok(StatusCode::NO_CONTENT)
        }
    }
}

/// The in-use number an inbound call or message arrives at.
async fn receiving_number(
    state: &AppState,
    params: &Params,
) -> ApiResult<(String, PhoneNumberRecord)> {
    let from = params
        .get("From")
        .and_then(parse_e164)
        .ok_or_else(|| ApiError::bad_request(21212, "From must be a valid E.164 number"))?
        .e164;
    let to = params.get("To").unwrap_or_default();
    let number =
        state.store.number_by_e164(to).await?.ok_or_else(|| {
            ApiError::bad_request(21211, format!("No account owns the number {to}"))
        })?;
    Ok((from, number))
}

/// POST /admin/v1/InboundCalls: a call from `From` (any number) to `To` (an owned number),
/// recorded for the number's owner with direction `inbound`, running the number's
/// `VoiceUrl` (`Digits`, repeated: the caller's input to each `<Gather>`). Refused (10003)
/// when the owner is suspended or closed, and then no webhook is sent.
pub async fn inbound_call(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<(StatusCode, Json<Call>)> {
    let (from, number) = receiving_number(&state, &params).await?;
    let now = state.clock.now_ms();
    let talk = state
        .carrier
        .scenarios()
        .matching(&number.phone_number)
        .and_then(|s| s.talk_seconds)
        .unwrap_or(switchboard_carrier::scenarios::DEFAULT_TALK_SECONDS);
    let rate = state.carrier.rates.rates(&number.iso_country).voice_inbound;
    let record = CallRecord {
        seq: 0,
        sid: sid::new_sid(prefix::CALL),
        account_sid: number.account_sid.clone(),
        parent_call_sid: None,
        direction: "inbound".into(),
        from_formatted: switchboard_numbering::format_national(&from),
        from,
        to: number.phone_number.clone(),
        to_formatted: switchboard_numbering::format_national(&number.phone_number),
        phone_number_sid: Some(number.sid.clone()),
        caller_name: params.get("CallerName").map(str::to_owned),
        forwarded_from: params.get("ForwardedFrom").map(str::to_owned),
        answered_by: None,
        queue_time: "0".into(),
        config: CallConfig {
            url: number.config.voice_url.clone().filter(|u| !u.is_empty()),
            method: Some(number.config.voice_method.clone()),
            fallback_url: number
                .config
                .voice_fallback_url
                .clone()
                .filter(|u| !u.is_empty()),
            status_callback: number
                .config
                .status_callback
                .clone()
                .filter(|u| !u.is_empty()),
            timeout: 60,
            ..Default::default()
        },
        rate_country: number.iso_country.clone(),
        rate: rate.to_string(),
        charge_category: "calls-inbound".into(),
        initiated_at: now,
        ringing_at: Some(now),
        answered_at: Some(now + 1000),
        ends_at: now + 1000 + talk.max(0) * 1000,
        final_status: "completed".into(),
        charged: false,
        date_created: now,
        date_updated: now,
    };
    let mut record = record;
    crate::routes::calls::with_scenario_timing(&state, &mut record);
    let digits: Vec<String> = params.all("Digits").iter().map(|d| d.to_string()).collect();
    if !digits.is_empty() {
        record.config.inputs = digits;
    }
    if record.config.url.is_some() {
        // The number's TwiML runs as the call arrives: it answers the call (or rejects it)
        // and decides how long it lasts, until the caller hangs up after `TalkSeconds`.
        record.answered_at = None;
        record.ends_at = now + talk.max(0) * 1000;
        record.final_status = "no-answer".into();
        record.config.hangup_at = Some(record.ends_at);
        crate::webhooks::schedule_document(&mut record, now, "ringing");
    }
    let new = NewCall {
        webhooks: crate::webhooks::call_webhooks(&record),
        record,
        require_from_owned: false,
        require_geo_country: None,
    };
    let call = state.store.receive_call(new).await.map_err(|e| match e {
        // https://www.twilio.com/docs/errors/10003
        StoreError::Rule(RuleViolation::AccountNotActive) => ApiError::Other {
            code: 10003,
            status: 403,
            message: "Incoming call rejected due to inactive account".into(),
        },
        other => other.into(),
    })?;
    Ok((
        StatusCode::CREATED,
        Json(crate::routes::calls::to_wire(&call, now)),
    ))
}

/// POST /admin/v1/InboundMessages: a message from `From` to `To` (an owned number), with
/// `Body` and/or `MediaUrl`, recorded as `received` for the number's owner, and posted to
/// the number's `SmsUrl`. Refused (30002) when the owner is suspended or closed, and then no
/// webhook is sent.
pub async fn inbound_message(
    State(state): State<AppState>,
    params: Params,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let (from, number) = receiving_number(&state, &params).await?;
    let now = state.clock.now_ms();
    let body = params.get("Body").unwrap_or("").to_owned();
    let media: Vec<String> = params
        .all("MediaUrl")
        .iter()
        .map(|m| m.to_string())
        .collect();
    let is_mms = !media.is_empty();
    let segments = i64::from(switchboard_carrier::segment_count(&body));
    let rates = state.carrier.rates.rates(&number.iso_country);
    let cost = if is_mms {
        rates.mms_inbound
    } else {
        rates.sms_inbound * rust_decimal::Decimal::from(segments)
    };
    let record = MessageRecord {
        seq: 0,
        sid: sid::new_sid(if is_mms {
            prefix::MEDIA_MESSAGE
        } else {
            prefix::MESSAGE
        }),
        account_sid: number.account_sid.clone(),
        direction: "inbound".into(),
        from,
        to: number.phone_number.clone(),
        messaging_service_sid: None,
        body,
        num_segments: segments,
        num_media: media.len() as i64,
        media_urls: media,
        status_callback: None,
        api_version: switchboard_wire::API_VERSION.into(),
        date_created: now,
        send_at: now,
        sending_at: now,
        sent_at: Some(now),
        final_at: now,
        final_status: "received".into(),
        error_code: None,
        scheduled: false,
        price: Some(switchboard_carrier::price_string(cost)),
        price_unit: "USD".into(),
        canceled_at: None,
        redacted_at: None,
    };
    // The number's SmsUrl is asked what to answer; a <Message> in its TwiML replies.
    let webhooks: Vec<NewWebhook> = number
        .config
        .sms_url
        .clone()
        .filter(|u| !u.is_empty())
        .map(|url| NewWebhook {
            kind: WebhookKind::Messaging,
            account_sid: record.account_sid.clone(),
            resource_sid: record.sid.clone(),
            url,
            method: number.config.sms_method.clone(),
            params: crate::webhooks::twiml::message_params(&record),
            due_at: now,
            idempotency_token: format!("{}-sms", record.sid),
        })
        .into_iter()
        .collect();
    let new = NewMessage {
        record,
        require_from_capability: None,
        require_geo_country: None,
        charge: Some(NewCharge {
            category: if is_mms { "mms-inbound" } else { "sms-inbound" }.into(),
            amount: cost.to_string(),
            usage: if is_mms { 1 } else { segments },
        }),
        webhooks,
    };
    let m = state
        .store
        .receive_message(new)
        .await
        .map_err(|e| match e {
            // https://www.twilio.com/docs/errors/30002
            StoreError::Rule(RuleViolation::AccountNotActive) => ApiError::Other {
                code: 30002,
                status: 403,
                message: "Account suspended: the number's account cannot receive messages".into(),
            },
            other => other.into(),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(crate::routes::messages::to_wire(&m, now)),
    ))
}

/// GET /admin/v1/Accounts/{Sid}/Balance: a main account's balance (its tree's); POST with
/// `Credit` (added; negative debits) or `Balance` (set) changes it, `Prepaid=true` enforces
/// it (traffic it cannot cover is refused).
pub async fn account_balance(
    State(state): State<AppState>,
    Path(sid): Path<String>,
    params: Params,
) -> ApiResult<Json<crate::operator::OperatorBalance>> {
    let change = crate::operator::balance_change_from_params(&params)?;
    let prepaid = params.bool("Prepaid")?;
    Ok(Json(
        crate::operator::balance(state.store.as_ref(), &sid, change, prepaid).await?,
    ))
}

/// POST /admin/v1/Accounts/{Sid}/Keys: a key for an account, with `Kind` `main` (default:
/// may also manage subaccounts and keys) or `standard`, and `FriendlyName`. The answer is
/// the only time the secret is shown.
pub async fn create_account_key(
    State(state): State<AppState>,
    Path(sid): Path<String>,
    params: Params,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let kind = match params.get("Kind").unwrap_or("main") {
        "main" => switchboard_store::KeyKind::Main,
        "standard" => switchboard_store::KeyKind::Standard,
        v => return Err(ApiError::invalid_parameter("Kind", v)),
    };
    state.store.account(&sid).await?.ok_or(ApiError::NotFound)?;
    let name = crate::params::friendly_name(&params)?;
    let key =
        crate::routes::keys::create_key(&*state.store, state.clock.now_ms(), &sid, kind, name)
            .await?;
    let mut body = json!(key);
    body["account_sid"] = json!(sid);
    body["kind"] = json!(kind.as_str());
    Ok((StatusCode::CREATED, Json(body)))
}
