//! Messages: send (through the simulated carrier), list, fetch, redact, cancel, delete.
//! `/2010-04-01/Accounts/{AccountSid}/Messages`.

use std::collections::HashMap;

use crate::json::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rust_decimal::Decimal;
use switchboard_carrier::{price_string, segment_count, MessageOutcome};
use switchboard_numbering::{parse_e164, ParsedNumber};
use switchboard_store::{
    MessageListQuery, MessageRecord, NewCharge, NewMessage, RuleViolation, StoreError,
};
use switchboard_wire::date::rfc2822;
use switchboard_wire::message::{Message, MessageSubresourceUris};
use switchboard_wire::page::Page;
use switchboard_wire::sid::{self, prefix};

use crate::app::AppState;
use crate::auth::AccountScope;
use crate::carrier::Carrier;
use crate::error::{ApiError, ApiResult};
use crate::filters::date_range;
use crate::paging::{envelope, PageParams};
use crate::params::Params;
use crate::routes::instance_sid;

const MAX_BODY: usize = 1600;
const MAX_MEDIA: usize = 10;

/// Short descriptions of the error codes messages end with.
fn error_message(code: i64) -> &'static str {
    match code {
        30003 => "Unreachable destination handset",
        30004 => "Message blocked",
        30005 => "Unknown destination handset",
        30006 => "Landline or unreachable carrier",
        30007 => "Message filtered",
        30008 => "Unknown error",
        _ => "Message delivery failed",
    }
}

pub fn to_wire(m: &MessageRecord, now: i64) -> Message {
    let error_code = m.error_code_at(now);
    Message {
        body: m.body.clone(),
        num_segments: m.num_segments.to_string(),
        direction: m.direction.clone(),
        from: m.from.clone(),
        to: m.to.clone(),
        date_updated: rfc2822(m.date_updated_at(now)),
        price: m.price_at(now).map(str::to_owned),
        error_message: error_code.map(|c| error_message(c).to_owned()),
        uri: format!(
            "/2010-04-01/Accounts/{}/Messages/{}.json",
            m.account_sid, m.sid
        ),
        account_sid: m.account_sid.clone(),
        num_media: m.num_media.to_string(),
        status: m.status_at(now).to_owned(),
        messaging_service_sid: m.messaging_service_sid.clone(),
        sid: m.sid.clone(),
        date_sent: m.date_sent_at(now).map(rfc2822),
        date_created: rfc2822(m.date_created),
        error_code,
        price_unit: m.price_unit.clone(),
        api_version: m.api_version.clone(),
        subresource_uris: MessageSubresourceUris {
            media: format!(
                "/2010-04-01/Accounts/{}/Messages/{}/Media.json",
                m.account_sid, m.sid
            ),
        },
    }
}

/// Twilio's magic `To` values of test credentials, and what they answer.
fn magic_to(to: &str) -> Option<ApiError> {
    let (code, msg) = match to {
        "+15005550001" => (21211, format!("The 'To' number {to} is not a valid phone number.")),
        "+15005550002" => (21612, format!("The 'To' phone number: {to}, is not currently reachable using the 'From' phone number via SMS.")),
        "+15005550003" => (21408, format!("Permission to send an SMS has not been enabled for the region indicated by the 'To' number: {to}.")),
        "+15005550004" => (21610, "Attempt to send to unsubscribed recipient".to_owned()),
        "+15005550009" => (21614, format!("'To' number {to} is not a valid mobile number")),
        _ => return None,
    };
    Some(ApiError::bad_request(code, msg))
}

/// Twilio's magic `From` values.
fn magic_from(from: &str) -> Option<ApiError> {
    match from {
        "+15005550001" => Some(invalid_from(from)),
        "+15005550007" => Some(from_not_owned(from)),
        // https://www.twilio.com/docs/errors/21611
        "+15005550008" => Some(ApiError::bad_request(
            21611,
            "This 'From' number has exceeded the maximum number of queued messages",
        )),
        _ => None,
    }
}

/// https://www.twilio.com/docs/errors/21212
fn invalid_from(from: &str) -> ApiError {
    ApiError::bad_request(
        21212,
        format!("The 'From' number {from} is not a valid phone number, shortcode, or alphanumeric sender ID."),
    )
}

/// https://www.twilio.com/docs/errors/21606
fn from_not_owned(from: &str) -> ApiError {
    ApiError::bad_request(
        21606,
        format!("The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account."),
    )
}

/// `SendAt` of a scheduled message: ISO 8601, 15 minutes to 35 days ahead.
fn send_at(p: &Params, now: i64) -> ApiResult<Option<i64>> {
    let (Some(at), ty) = (p.get("SendAt"), p.get("ScheduleType")) else {
        return match p.get("ScheduleType") {
            Some(_) => Err(ApiError::bad_request(
                35114,
                "SendAt is required with ScheduleType",
            )),
            None => Ok(None),
        };
    };
    if ty != Some("fixed") {
        return Err(ApiError::bad_request(
            35114,
            "ScheduleType must be fixed to schedule a message",
        ));
    }
    let t = chrono::DateTime::parse_from_rfc3339(at)
        .map_err(|_| ApiError::invalid_parameter("SendAt", at))?
        .timestamp_millis();
    if t < now + 15 * 60_000 || t > now + 35 * 86_400_000 {
        // https://www.twilio.com/docs/errors/35114
        return Err(ApiError::bad_request(
            35114,
            "Scheduling does not support this timestamp: SendAt must be 15 minutes to 35 days ahead",
        ));
    }
    Ok(Some(t))
}

/// What an outbound message is made of (through the API or a TwiML `<Message>`).
pub struct Outbound<'a> {
    pub account_sid: &'a str,
    /// `outbound-api`, `outbound-call` (sent from a call's TwiML) or `outbound-reply`.
    pub direction: &'a str,
    pub from: &'a str,
    pub to: &'a ParsedNumber,
    pub body: &'a str,
    pub media: &'a [String],
    pub status_callback: Option<String>,
    /// When it is sent (now, or `SendAt`).
    pub start: i64,
    pub scheduled: bool,
    pub now: i64,
}

/// An outbound message as the simulated carrier will carry it: segments, price, course
/// (from the destination's scenario), its charge and status callbacks, and the checks the
/// store makes before storing it.
pub fn outbound_message(carrier: &Carrier, o: Outbound<'_>) -> NewMessage {
    let is_mms = !o.media.is_empty();
    let segments = i64::from(segment_count(o.body));
    let rates = carrier.rates.rates(&o.to.iso_country);
    let cost = if is_mms {
        rates.mms_outbound
    } else {
        rates.sms_outbound * Decimal::from(segments)
    };
    let plan = carrier.scenarios().message_plan(&o.to.e164);
    let start = o.start;
    let charged = plan.outcome != MessageOutcome::Failed;
    let record = MessageRecord {
        seq: 0,
        sid: sid::new_sid(if is_mms {
            prefix::MEDIA_MESSAGE
        } else {
            prefix::MESSAGE
        }),
        account_sid: o.account_sid.to_owned(),
        direction: o.direction.into(),
        from: o.from.to_owned(),
        to: o.to.e164.clone(),
        messaging_service_sid: None,
        body: o.body.to_owned(),
        num_segments: segments,
        num_media: o.media.len() as i64,
        media_urls: o.media.to_vec(),
        status_callback: o.status_callback,
        api_version: switchboard_wire::API_VERSION.into(),
        date_created: o.now,
        send_at: start,
        sending_at: start + plan.sending_after_ms,
        sent_at: plan.sent_after_ms.map(|t| start + t),
        final_at: start + plan.final_after_ms,
        final_status: plan.outcome.status().into(),
        error_code: plan.error_code.map(i64::from),
        scheduled: o.scheduled,
        price: charged.then(|| price_string(cost)),
        price_unit: "USD".into(),
        canceled_at: None,
        redacted_at: None,
    };
    NewMessage {
        webhooks: crate::webhooks::message_status_callbacks(&record),
        record,
        require_from_capability: Some(if is_mms { "mms" } else { "sms" }),
        require_geo_country: Some(o.to.iso_country.clone()),
        charge: charged.then(|| NewCharge {
            category: if is_mms {
                "mms-outbound"
            } else {
                "sms-outbound"
            }
            .into(),
            amount: cost.to_string(),
            usage: if is_mms { 1 } else { segments },
        }),
    }
}

/// POST /2010-04-01/Accounts/{AccountSid}/Messages.json · CreateMessage
pub async fn create(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let now = state.clock.now_ms();
    // https://www.twilio.com/docs/errors/21604
    let missing = ApiError::bad_request(21604, "A 'To' phone number is required.");
    let (to, to_number) = crate::params::destination(&params, missing, magic_to)?;
    if to_number.kind == phonenumber::Type::FixedLine {
        // https://www.twilio.com/docs/errors/21614
        return Err(ApiError::bad_request(
            21614,
            format!("'To' number {to} is not a valid mobile number"),
        ));
    }
    let from = match (params.get("From"), params.get("MessagingServiceSid")) {
        (Some(f), _) if !f.is_empty() => f,
        (_, Some(_)) => {
            return Err(ApiError::bad_request(
                21701,
                "Messaging Services are not supported by this server: send with From",
            ))
        }
        // https://www.twilio.com/docs/errors/21603
        _ => {
            return Err(ApiError::bad_request(
                21603,
                "A 'From' or 'MessagingServiceSid' parameter is required to send a message",
            ))
        }
    };
    if let Some(e) = magic_from(from) {
        return Err(e);
    }
    if from != switchboard_store::rules::MAGIC_VALID_FROM && parse_e164(from).is_none() {
        return Err(invalid_from(from));
    }
    let body = params.get("Body").unwrap_or("");
    let media = params.all("MediaUrl");
    if body.is_empty() && media.is_empty() {
        // https://www.twilio.com/docs/errors/21602
        return Err(ApiError::bad_request(21602, "Message body is required."));
    }
    if body.chars().count() > MAX_BODY {
        // https://www.twilio.com/docs/errors/21617
        return Err(ApiError::bad_request(
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
        ));
    }
    if media.len() > MAX_MEDIA {
        // https://www.twilio.com/docs/errors/21623
        return Err(ApiError::bad_request(
            21623,
            "Number of media files exceeds allowed limit",
        ));
    }
    for m in &media {
        match url::Url::parse(m) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            // https://www.twilio.com/docs/errors/21620
            _ => {
                return Err(ApiError::bad_request(
                    21620,
                    format!("Invalid media URL(s): {m}"),
                ))
            }
        }
    }
    let status_callback = params.url("StatusCallback")?.filter(|u| !u.is_empty());
    if let Some(v) = params.int("ValidityPeriod")? {
        if !(1..=36_000).contains(&v) {
            // https://www.twilio.com/docs/errors/21624
            return Err(ApiError::bad_request(
                21624,
                "Invalid validity period value",
            ));
        }
    }
    let scheduled_at = send_at(&params, now)?;

    let media: Vec<String> = media.iter().map(|m| m.to_string()).collect();
    let new = outbound_message(
        &state.carrier,
        Outbound {
            account_sid: scope.sid(),
            direction: "outbound-api",
            from,
            to: &to_number,
            body,
            media: &media,
            status_callback,
            start: scheduled_at.unwrap_or(now),
            scheduled: scheduled_at.is_some(),
            now,
        },
    );
    let created = state.store.create_message(new).await.map_err(|e| match e {
        StoreError::Rule(RuleViolation::FromNotOwned) => from_not_owned(from),
        // https://www.twilio.com/docs/errors/21408
        StoreError::Rule(RuleViolation::GeoNotPermitted) => ApiError::bad_request(
            21408,
            format!("Permission to send an SMS has not been enabled for the region indicated by the 'To' number: {to}."),
        ),
        other => other.into(),
    })?;
    Ok((StatusCode::CREATED, Json(to_wire(&created, now))))
}

/// GET /2010-04-01/Accounts/{AccountSid}/Messages.json · ListMessage
pub async fn list(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<Message>>> {
    let now = state.clock.now_ms();
    let pp = PageParams::parse(&params)?;
    let sent = date_range(&params, "DateSent")?;
    let mut filters = sent.echo;
    for k in ["To", "From"] {
        if let Some(v) = params.get(k) {
            filters.insert(0, (k, v.to_owned()));
        }
    }
    let q = MessageListQuery {
        to: params.get("To").map(str::to_owned),
        from: params.get("From").map(str::to_owned),
        sent_from: sent.from,
        sent_until: sent.until,
        now,
    };
    let slice = state
        .store
        .list_messages(scope.sid(), &q, pp.request())
        .await?;
    let path = format!("/2010-04-01/Accounts/{}/Messages.json", scope.sid());
    Ok(Json(envelope(
        "messages",
        &path,
        &filters,
        &pp,
        slice.map(|m| to_wire(&m, now)),
    )))
}

fn message_sid(path: &HashMap<String, String>) -> ApiResult<String> {
    instance_sid(path, "SidJson", prefix::MESSAGE)
        .or_else(|_| instance_sid(path, "SidJson", prefix::MEDIA_MESSAGE))
}

/// GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json · FetchMessage
pub async fn fetch(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<Message>> {
    let sid = message_sid(&path)?;
    let m = state
        .store
        .message(scope.sid(), &sid)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(to_wire(&m, state.clock.now_ms())))
}

/// POST /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json · UpdateMessage
///
/// `Body=""` redacts a message that is no longer in flight; `Status=canceled` cancels a
/// scheduled one.
pub async fn update(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Message>> {
    let sid = message_sid(&path)?;
    let now = state.clock.now_ms();
    let not_changeable = |e: StoreError| match e {
        StoreError::Rule(RuleViolation::MessageNotChangeable) => {
            ApiError::bad_request(20009, "The message cannot be changed in its current state")
        }
        other => other.into(),
    };
    let mut updated = None;
    match params.get("Status") {
        None => {}
        Some("canceled") => {
            updated = Some(
                state
                    .store
                    .cancel_message(scope.sid(), &sid, now)
                    .await
                    .map_err(not_changeable)?,
            )
        }
        Some(v) => return Err(ApiError::invalid_parameter("Status", v)),
    }
    match params.get("Body") {
        None => {}
        Some("") => {
            updated = Some(
                state
                    .store
                    .redact_message(scope.sid(), &sid, now)
                    .await
                    .map_err(not_changeable)?,
            )
        }
        Some(_) => {
            return Err(ApiError::bad_request(
                20422,
                "Body can only be set to the empty string, to redact",
            ))
        }
    }
    let m = match updated {
        Some(m) => m,
        None => state
            .store
            .message(scope.sid(), &sid)
            .await?
            .ok_or(ApiError::NotFound)?,
    };
    Ok(Json(to_wire(&m, now)))
}

/// DELETE /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json · DeleteMessage
pub async fn delete(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let sid = message_sid(&path)?;
    state
        .store
        .delete_message(scope.sid(), &sid, state.clock.now_ms())
        .await
        .map_err(|e| match e {
            StoreError::Rule(RuleViolation::MessageNotChangeable) => {
                ApiError::bad_request(20009, "A message cannot be deleted while it is being sent")
            }
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
