//! Calls: place (through the simulated carrier), list, fetch, hang up or cancel, redirect,
//! delete. `/2010-04-01/Accounts/{AccountSid}/Calls`.

use std::collections::HashMap;

use crate::json::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use switchboard_numbering::parse_e164;
use switchboard_store::{
    CallConfig, CallEnd, CallListQuery, CallRecord, NewCall, RuleViolation, StoreError,
};
use switchboard_wire::call::{Call, CallSubresourceUris};
use switchboard_wire::date::rfc2822;
use switchboard_wire::page::Page;
use switchboard_wire::sid::{self, prefix};

use crate::app::AppState;
use crate::auth::AccountScope;
use crate::error::{ApiError, ApiResult};
use crate::filters::date_range;
use crate::paging::{envelope, PageParams};
use crate::params::Params;
use crate::routes::instance_sid;

const EVENTS: [&str; 4] = ["initiated", "ringing", "answered", "completed"];

pub fn to_wire(k: &CallRecord, now: i64) -> Call {
    Call {
        sid: k.sid.clone(),
        date_created: rfc2822(k.date_created),
        date_updated: rfc2822(k.date_updated_at(now)),
        parent_call_sid: k.parent_call_sid.clone(),
        account_sid: k.account_sid.clone(),
        to: k.to.clone(),
        to_formatted: k.to_formatted.clone(),
        from: k.from.clone(),
        from_formatted: k.from_formatted.clone(),
        phone_number_sid: k.phone_number_sid.clone(),
        status: k.status_at(now).to_owned(),
        start_time: k.start_time_at(now).map(rfc2822),
        end_time: k.end_time_at(now).map(rfc2822),
        duration: k.duration_at(now).map(|d| d.to_string()),
        price: k.price_at(now),
        price_unit: "USD".into(),
        direction: k.direction.clone(),
        answered_by: k
            .answered_by
            .clone()
            .filter(|_| k.answered_at.is_some_and(|t| now >= t)),
        api_version: switchboard_wire::API_VERSION.into(),
        forwarded_from: k.forwarded_from.clone(),
        group_sid: None,
        caller_name: k.caller_name.clone(),
        queue_time: k.queue_time.clone(),
        trunk_sid: None,
        uri: format!(
            "/2010-04-01/Accounts/{}/Calls/{}.json",
            k.account_sid, k.sid
        ),
        subresource_uris: CallSubresourceUris::new(&k.account_sid, &k.sid),
    }
}

/// Twilio's magic `To` values for calls.
fn magic_to(to: &str) -> Option<ApiError> {
    let (code, msg) = match to {
        "+15005550001" => (
            21217,
            format!("Phone number {to} does not appear to be valid"),
        ),
        "+15005550002" => (21214, format!("'To' phone number {to} cannot be reached")),
        "+15005550003" => (21215, geo_message(to)),
        "+15005550004" => (21216, format!("Call blocked by Twilio blocklist: {to}")),
        _ => return None,
    };
    Some(ApiError::bad_request(code, msg))
}

fn geo_message(to: &str) -> String {
    format!(
        "Account not authorized to call {to}. Perhaps you need to enable some international permissions: https://www.twilio.com/console/voice/calls/geo-permissions/low-risk"
    )
}

/// The TwiML source and callback configuration of a create or a redirect.
fn config_from(p: &Params, base: CallConfig) -> ApiResult<CallConfig> {
    let mut c = base;
    if let Some(u) = p.url("Url")?.filter(|u| !u.is_empty()) {
        c.url = Some(u);
        c.twiml = None;
    }
    if let Some(t) = p.get("Twiml") {
        if t.len() > 4000 {
            return Err(ApiError::bad_request(
                21205,
                "Twiml must be at most 4000 characters",
            ));
        }
        c.twiml = Some(t.to_owned());
        c.url = None;
    }
    if let Some(m) = p.http_method("Method")? {
        c.method = Some(m);
    }
    if let Some(u) = p.url("FallbackUrl")? {
        c.fallback_url = Some(u).filter(|u| !u.is_empty());
    }
    if let Some(m) = p.http_method("FallbackMethod")? {
        c.fallback_method = Some(m);
    }
    if let Some(u) = p.url("StatusCallback")? {
        c.status_callback = Some(u).filter(|u| !u.is_empty());
    }
    if let Some(m) = p.http_method("StatusCallbackMethod")? {
        c.status_callback_method = Some(m);
    }
    let events: Vec<String> = p
        .all("StatusCallbackEvent")
        .iter()
        .flat_map(|v| v.split([' ', ',']))
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(bad) = events.iter().find(|e| !EVENTS.contains(&e.as_str())) {
        return Err(ApiError::invalid_parameter("StatusCallbackEvent", bad));
    }
    if !events.is_empty() {
        c.status_callback_events = events;
    }
    Ok(c)
}

/// POST /2010-04-01/Accounts/{AccountSid}/Calls.json · CreateCall
pub async fn create(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<(StatusCode, Json<Call>)> {
    let now = state.clock.now_ms();
    // https://www.twilio.com/docs/errors/21201
    let missing = ApiError::bad_request(21201, "No 'To' number is specified");
    let (to, to_number) = crate::params::destination(&params, missing, magic_to)?;
    // https://www.twilio.com/docs/errors/21213
    let from = params
        .get("From")
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::bad_request(21213, "No 'From' number is specified"))?;
    let magic_valid = from == switchboard_store::rules::MAGIC_VALID_FROM;
    if from == "+15005550001" || (!magic_valid && parse_e164(from).is_none()) {
        // https://www.twilio.com/docs/errors/21212
        return Err(ApiError::bad_request(
            21212,
            format!("The 'From' number {from} is not a valid phone number."),
        ));
    }
    let application_sid = match params.get("ApplicationSid") {
        Some(a) if sid::is_sid("AP", a) => Some(a.to_owned()),
        // https://www.twilio.com/docs/errors/21218
        Some(a) => {
            return Err(ApiError::bad_request(
                21218,
                format!("Invalid ApplicationSid {a}"),
            ))
        }
        None => None,
    };
    let config = config_from(
        &params,
        CallConfig {
            application_sid,
            timeout: 60,
            ..Default::default()
        },
    )?;
    if config.url.is_none() && config.twiml.is_none() && config.application_sid.is_none() {
        // https://www.twilio.com/docs/errors/21205
        return Err(ApiError::bad_request(
            21205,
            "Url, Twiml or ApplicationSid is required",
        ));
    }
    let timeout = match params.int("Timeout")? {
        None => 60,
        Some(t) if (1..=600).contains(&t) => t,
        Some(t) => return Err(ApiError::invalid_parameter("Timeout", &t.to_string())),
    };
    let machine_detection = params.one_of("MachineDetection", &["Enable", "DetectMessageEnd"])?;
    let send_digits = params.get("SendDigits").map(str::to_owned);
    if let Some(d) = &send_digits {
        if !d
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '#' | '*' | 'w' | 'W'))
        {
            return Err(ApiError::invalid_parameter("SendDigits", d));
        }
    }
    let config = CallConfig {
        timeout,
        record: params.bool("Record")?.unwrap_or(false),
        machine_detection: machine_detection.clone(),
        caller_id: params.get("CallerId").map(str::to_owned),
        send_digits,
        ..config
    };
    let plan =
        state
            .carrier
            .scenarios()
            .call_plan(&to_number.e164, timeout, machine_detection.is_some());
    let rate = state
        .carrier
        .rates
        .rates(&to_number.iso_country)
        .voice_outbound;
    let record = CallRecord {
        seq: 0,
        sid: sid::new_sid(prefix::CALL),
        account_sid: scope.sid().to_owned(),
        parent_call_sid: None,
        direction: "outbound-api".into(),
        from: from.to_owned(),
        to: to_number.e164.clone(),
        from_formatted: switchboard_numbering::format_national(from),
        to_formatted: to_number.national.clone(),
        // Set by the store from the same read that checks the number.
        phone_number_sid: None,
        caller_name: None,
        forwarded_from: None,
        answered_by: plan.answered_by.clone(),
        queue_time: "0".into(),
        config,
        rate_country: to_number.iso_country.clone(),
        rate: rate.to_string(),
        charge_category: "calls-outbound".into(),
        initiated_at: now + plan.initiated_after_ms,
        ringing_at: plan.ringing_after_ms.map(|t| now + t),
        answered_at: plan.answered_after_ms.map(|t| now + t),
        ends_at: now + plan.ends_after_ms,
        final_status: plan.outcome.status().into(),
        charged: false,
        date_created: now,
        date_updated: now,
    };
    let mut record = record;
    with_scenario_timing(&state, &mut record);
    if let Some(answered) = record.answered_at {
        // Twilio fetches the call's TwiML when it is answered.
        crate::webhooks::schedule_document(&mut record, answered, "in-progress");
    }
    let new = NewCall {
        webhooks: crate::webhooks::call_webhooks(&record),
        record,
        require_from_owned: true,
        require_geo_country: Some(to_number.iso_country.clone()),
    };
    let created = state.store.create_call(new).await.map_err(|e| match e {
        // https://www.twilio.com/docs/errors/21210
        StoreError::Rule(RuleViolation::FromNotOwned) => ApiError::bad_request(
            21210,
            format!("The source phone number provided, {from}, is not yet verified for your account. You may only make calls from phone numbers that you've verified or purchased from Twilio."),
        ),
        // https://www.twilio.com/docs/errors/21215
        StoreError::Rule(RuleViolation::GeoNotPermitted) => ApiError::bad_request(21215, geo_message(to)),
        other => other.into(),
    })?;
    Ok((StatusCode::CREATED, Json(to_wire(&created, now))))
}

/// What the call's scenario says the other party does in its TwiML (inputs to `<Gather>`,
/// how long they speak into `<Record>`, clip length), kept with the call so its documents
/// run the same whenever they run; and when that party hangs up.
pub fn with_scenario_timing(state: &AppState, k: &mut CallRecord) {
    let scenarios = state.carrier.scenarios();
    if let Some(s) = scenarios.matching(&k.to) {
        k.config.inputs = s.digits.clone().unwrap_or_default();
        k.config.record_seconds = s.record_seconds;
        k.config.play_seconds = s.play_seconds;
    }
    k.config.hangup_at = Some(k.ends_at);
}

/// GET /2010-04-01/Accounts/{AccountSid}/Calls.json · ListCall
pub async fn list(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<Call>>> {
    let now = state.clock.now_ms();
    let pp = PageParams::parse(&params)?;
    let status = params.one_of(
        "Status",
        &[
            "queued",
            "initiated",
            "ringing",
            "in-progress",
            "completed",
            "busy",
            "failed",
            "no-answer",
            "canceled",
        ],
    )?;
    let start = date_range(&params, "StartTime")?;
    let end = date_range(&params, "EndTime")?;
    let mut filters: Vec<(&str, String)> = ["To", "From", "ParentCallSid", "Status"]
        .into_iter()
        .filter_map(|k| params.get(k).map(|v| (k, v.to_owned())))
        .collect();
    filters.extend(start.echo);
    filters.extend(end.echo);
    let q = CallListQuery {
        to: params.get("To").map(str::to_owned),
        from: params.get("From").map(str::to_owned),
        parent_call_sid: params.get("ParentCallSid").map(str::to_owned),
        status,
        start_from: start.from,
        start_until: start.until,
        end_from: end.from,
        end_until: end.until,
        now,
    };
    let slice = state
        .store
        .list_calls(scope.sid(), &q, pp.request())
        .await?;
    let path = format!("/2010-04-01/Accounts/{}/Calls.json", scope.sid());
    Ok(Json(envelope(
        "calls",
        &path,
        &filters,
        &pp,
        slice.map(|k| to_wire(&k, now)),
    )))
}

/// GET /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json · FetchCall
pub async fn fetch(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<Call>> {
    let sid = instance_sid(&path, "SidJson", prefix::CALL)?;
    let k = state
        .store
        .call(scope.sid(), &sid)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(to_wire(&k, state.clock.now_ms())))
}

/// https://www.twilio.com/docs/errors/21220
fn not_live(e: StoreError) -> ApiError {
    match e {
        StoreError::Rule(RuleViolation::CallNotLive) => ApiError::bad_request(
            21220,
            "Call is not in-progress. Cannot redirect or change its status.",
        ),
        other => other.into(),
    }
}

/// POST /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json · UpdateCall
///
/// `Status=completed` hangs up, `Status=canceled` stops a call not yet answered; `Url` or
/// `Twiml` redirect a live call to a new document.
pub async fn update(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Call>> {
    let sid = instance_sid(&path, "SidJson", prefix::CALL)?;
    let now = state.clock.now_ms();
    let end = match params.get("Status") {
        None => None,
        Some("completed") => Some(CallEnd::Completed),
        Some("canceled") => Some(CallEnd::Canceled),
        Some(v) => return Err(ApiError::invalid_parameter("Status", v)),
    };
    let current = state
        .store
        .call(scope.sid(), &sid)
        .await?
        .ok_or(ApiError::NotFound)?;
    let changes_config = [
        "Url",
        "Twiml",
        "Method",
        "FallbackUrl",
        "FallbackMethod",
        "StatusCallback",
        "StatusCallbackMethod",
    ]
    .iter()
    .any(|k| params.get(k).is_some());
    let config = if changes_config {
        let mut k = current.clone();
        k.config = config_from(&params, current.config.clone())?;
        let redirect =
            params.get("Url").is_some_and(|u| !u.is_empty()) || params.get("Twiml").is_some();
        if let (true, Some(answered)) = (redirect, current.answered_at) {
            // A redirect runs the new document now (or at the answer, for a call ringing).
            crate::webhooks::schedule_document(&mut k, answered.max(now), "in-progress");
        }
        Some(k.config)
    } else {
        None
    };
    if end.is_none() && config.is_none() {
        return Ok(Json(to_wire(&current, now)));
    }
    let k = state
        .store
        .update_call(
            scope.sid(),
            &sid,
            end,
            config,
            now,
            crate::webhooks::call_webhooks,
        )
        .await
        .map_err(not_live)?;
    Ok(Json(to_wire(&k, now)))
}

/// DELETE /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json · DeleteCall
pub async fn delete(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let sid = instance_sid(&path, "SidJson", prefix::CALL)?;
    state
        .store
        .delete_call(scope.sid(), &sid, state.clock.now_ms())
        .await
        .map_err(not_live)?;
    Ok(StatusCode::NO_CONTENT)
}
