//! IncomingPhoneNumbers: buy (from the inventory), list, configure, transfer between the
//! accounts of one tree, release. `/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers`.

use std::collections::HashMap;

use crate::json::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use switchboard_numbering::{parse_e164, AvailableNumber, NumberType};
use switchboard_store::{
    NewPhoneNumber, NumberCapabilities, NumberConfig, NumberListQuery, NumberPatch,
    PhoneNumberRecord, RuleViolation, StoreError,
};
use switchboard_wire::date::rfc2822;
use switchboard_wire::incoming_phone_number::{Capabilities, IncomingPhoneNumber};
use switchboard_wire::page::Page;
use switchboard_wire::sid::{self, prefix};

use crate::app::AppState;
use crate::auth::AccountScope;
use crate::error::{ApiError, ApiResult};
use crate::paging::{envelope, PageParams};
use crate::params::{friendly_name, Params};
use crate::routes::instance_sid;

/// Twilio's magic purchase values (shared/docs/magic-numbers.md).
const MAGIC_INVALID: &str = "+15005550001";
const MAGIC_UNAVAILABLE: &str = "+15005550000";

pub fn capabilities(c: &NumberCapabilities) -> Capabilities {
    Capabilities {
        mms: c.mms,
        sms: c.sms,
        voice: c.voice,
        fax: c.fax,
    }
}

pub fn uri(account_sid: &str, sid: &str) -> String {
    format!("/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{sid}.json")
}

pub fn to_wire(n: &PhoneNumberRecord) -> IncomingPhoneNumber {
    let c = &n.config;
    IncomingPhoneNumber {
        account_sid: n.account_sid.clone(),
        address_sid: c.address_sid.clone(),
        address_requirements: n.address_requirements.clone(),
        api_version: c.api_version.clone(),
        beta: n.beta,
        capabilities: capabilities(&n.capabilities),
        date_created: rfc2822(n.date_created),
        date_updated: rfc2822(n.date_updated),
        friendly_name: n.friendly_name.clone(),
        identity_sid: c.identity_sid.clone(),
        phone_number: n.phone_number.clone(),
        origin: "twilio",
        sid: n.sid.clone(),
        sms_application_sid: c.sms_application_sid.clone(),
        sms_fallback_method: c.sms_fallback_method.clone(),
        sms_fallback_url: c.sms_fallback_url.clone(),
        sms_method: c.sms_method.clone(),
        sms_url: c.sms_url.clone(),
        status_callback: c.status_callback.clone(),
        status_callback_method: c.status_callback_method.clone(),
        trunk_sid: c.trunk_sid.clone(),
        uri: uri(&n.account_sid, &n.sid),
        voice_receive_mode: c.voice_receive_mode.clone(),
        voice_application_sid: c.voice_application_sid.clone(),
        voice_caller_id_lookup: c.voice_caller_id_lookup,
        voice_fallback_method: c.voice_fallback_method.clone(),
        voice_fallback_url: c.voice_fallback_url.clone(),
        voice_method: c.voice_method.clone(),
        voice_url: c.voice_url.clone(),
        emergency_status: c.emergency_status.clone(),
        emergency_address_sid: c.emergency_address_sid.clone(),
        emergency_address_status: c.emergency_address_status.clone(),
        bundle_sid: c.bundle_sid.clone(),
        status: "in-use",
        number_type: match n.number_type.as_str() {
            "mobile" => "mobile",
            "toll-free" => "toll-free",
            _ => "local",
        },
    }
}

/// The configuration fields of a create or update, each validated.
fn patch_from(p: &Params) -> ApiResult<NumberPatch> {
    Ok(NumberPatch {
        friendly_name: friendly_name(p)?,
        api_version: p.one_of("ApiVersion", &["2010-04-01", "2008-08-01"])?,
        address_sid: p.sid("AddressSid", prefix::ADDRESS)?,
        identity_sid: p.sid("IdentitySid", "RI")?,
        bundle_sid: p.sid("BundleSid", "BU")?,
        emergency_status: p.one_of("EmergencyStatus", &["Active", "Inactive"])?,
        emergency_address_sid: p.sid("EmergencyAddressSid", prefix::ADDRESS)?,
        trunk_sid: p.sid("TrunkSid", "TK")?,
        voice_receive_mode: p.one_of("VoiceReceiveMode", &["voice", "fax"])?,
        sms_application_sid: p.sid("SmsApplicationSid", "AP")?,
        sms_fallback_method: p.http_method("SmsFallbackMethod")?,
        sms_fallback_url: p.url("SmsFallbackUrl")?,
        sms_method: p.http_method("SmsMethod")?,
        sms_url: p.url("SmsUrl")?,
        status_callback: p.url("StatusCallback")?,
        status_callback_method: p.http_method("StatusCallbackMethod")?,
        voice_application_sid: p.sid("VoiceApplicationSid", "AP")?,
        voice_caller_id_lookup: p.bool("VoiceCallerIdLookup")?,
        voice_fallback_method: p.http_method("VoiceFallbackMethod")?,
        voice_fallback_url: p.url("VoiceFallbackUrl")?,
        voice_method: p.http_method("VoiceMethod")?,
        voice_url: p.url("VoiceUrl")?,
    })
}

async fn list_of(
    state: AppState,
    scope: AccountScope,
    params: Params,
    kind: Option<NumberType>,
) -> ApiResult<Json<Page<IncomingPhoneNumber>>> {
    let pp = PageParams::parse(&params)?;
    let mut filters = Vec::new();
    for name in ["PhoneNumber", "FriendlyName", "Beta", "Origin"] {
        if let Some(v) = params.get(name) {
            filters.push((name, v.to_owned()));
        }
    }
    let query = NumberListQuery {
        phone_number: params.get("PhoneNumber").map(str::to_owned),
        friendly_name: params.get("FriendlyName").map(str::to_owned),
        beta: params.bool("Beta")?,
        origin: params.get("Origin").map(str::to_owned),
        number_type: kind.map(|k| k.as_str().to_owned()),
    };
    let slice = state
        .store
        .list_numbers(scope.sid(), &query, pp.request())
        .await?;
    let path = match kind {
        None => format!(
            "/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json",
            scope.sid()
        ),
        Some(k) => format!(
            "/2010-04-01/Accounts/{}/IncomingPhoneNumbers/{}.json",
            scope.sid(),
            k.list_name()
        ),
    };
    Ok(Json(envelope(
        "incoming_phone_numbers",
        &path,
        &filters,
        &pp,
        slice.map(|n| to_wire(&n)),
    )))
}

/// The inventory numbers a purchase may take, best first.
async fn candidates<'a>(
    state: &'a AppState,
    params: &Params,
    kind: Option<NumberType>,
) -> ApiResult<(Vec<&'a AvailableNumber>, bool)> {
    let inv = &state.inventory;
    if let Some(pn) = params.get("PhoneNumber") {
        // https://www.twilio.com/docs/errors/21421
        let invalid = || ApiError::bad_request(21421, format!("PhoneNumber {pn} is invalid"));
        if pn == MAGIC_INVALID {
            return Err(invalid());
        }
        if pn == MAGIC_UNAVAILABLE {
            return Err(ApiError::Rule(RuleViolation::NumberUnavailable));
        }
        let e164 = match inv.get(pn) {
            Some(n) => n.e164.clone(),
            None => parse_e164(pn).ok_or_else(invalid)?.e164,
        };
        let n = inv
            .get(&e164)
            .ok_or(ApiError::Rule(RuleViolation::NumberUnavailable))?;
        if kind.is_some_and(|k| k != n.kind) {
            return Err(ApiError::Rule(RuleViolation::NumberUnavailable));
        }
        return Ok((vec![n], false));
    }
    let Some(area) = params.get("AreaCode").filter(|_| kind.is_none()) else {
        return Err(ApiError::bad_request(
            21421,
            if kind.is_some() {
                "PhoneNumber is required"
            } else {
                "PhoneNumber or AreaCode is required"
            },
        ));
    };
    if area.len() != 3 || !area.bytes().all(|b| b.is_ascii_digit()) {
        // https://www.twilio.com/docs/errors/21451
        return Err(ApiError::bad_request(
            21451,
            format!("Invalid area code {area}"),
        ));
    }
    let q = switchboard_numbering::SearchQuery {
        area_code: Some(area.to_owned()),
        ..Default::default()
    };
    // Area codes are North American: US and Canadian local numbers.
    let all: Vec<&AvailableNumber> = ["US", "CA"]
        .iter()
        .flat_map(|iso| inv.search(iso, NumberType::Local, &q).collect::<Vec<_>>())
        .collect();
    let e164s: Vec<String> = all.iter().map(|n| n.e164.clone()).collect();
    let owned = state.store.owned_among(&e164s).await?;
    let free: Vec<&AvailableNumber> = all
        .into_iter()
        .filter(|n| !owned.contains(&n.e164))
        .collect();
    if free.is_empty() {
        // https://www.twilio.com/docs/errors/21452
        return Err(ApiError::bad_request(
            21452,
            format!("No phone numbers found in area code {area}"),
        ));
    }
    Ok((free, true))
}

async fn purchase(
    state: AppState,
    scope: AccountScope,
    params: Params,
    kind: Option<NumberType>,
) -> ApiResult<(StatusCode, Json<IncomingPhoneNumber>)> {
    let patch = patch_from(&params)?;
    let (candidates, by_area) = candidates(&state, &params, kind).await?;
    let now = state.clock.now_ms();
    for n in candidates.into_iter().take(20) {
        let mut config = NumberConfig::default();
        patch.apply(&mut config);
        let new = NewPhoneNumber {
            account_sid: scope.sid().to_owned(),
            phone_number: n.e164.clone(),
            iso_country: n.iso_country.to_owned(),
            number_type: n.kind.as_str().to_owned(),
            friendly_name: patch
                .friendly_name
                .clone()
                .unwrap_or_else(|| n.national.clone()),
            address_requirements: n.address_requirements.to_owned(),
            beta: n.beta,
            capabilities: NumberCapabilities {
                voice: n.capabilities.voice,
                sms: n.capabilities.sms,
                mms: n.capabilities.mms,
                fax: n.capabilities.fax,
            },
            config,
            monthly_price: n.monthly_price.to_string(),
            now,
        };
        match state.store.purchase_number(new).await {
            Ok(bought) => return Ok((StatusCode::CREATED, Json(to_wire(&bought)))),
            // Someone bought it between the search and the purchase: try the next one.
            Err(StoreError::Rule(RuleViolation::NumberUnavailable)) if by_area => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::bad_request(
        21452,
        "No phone numbers found in area code",
    ))
}

/// GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json · ListIncomingPhoneNumber
pub async fn list(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<IncomingPhoneNumber>>> {
    list_of(state, scope, params, None).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/Local.json · ListIncomingPhoneNumberLocal
pub async fn list_local(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<IncomingPhoneNumber>>> {
    list_of(state, scope, params, Some(NumberType::Local)).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/Mobile.json · ListIncomingPhoneNumberMobile
pub async fn list_mobile(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<IncomingPhoneNumber>>> {
    list_of(state, scope, params, Some(NumberType::Mobile)).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/TollFree.json · ListIncomingPhoneNumberTollFree
pub async fn list_toll_free(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<IncomingPhoneNumber>>> {
    list_of(state, scope, params, Some(NumberType::TollFree)).await
}

/// POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json · CreateIncomingPhoneNumber
pub async fn create(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<(StatusCode, Json<IncomingPhoneNumber>)> {
    purchase(state, scope, params, None).await
}

/// POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/Local.json · CreateIncomingPhoneNumberLocal
pub async fn create_local(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<(StatusCode, Json<IncomingPhoneNumber>)> {
    purchase(state, scope, params, Some(NumberType::Local)).await
}

/// POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/Mobile.json · CreateIncomingPhoneNumberMobile
pub async fn create_mobile(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<(StatusCode, Json<IncomingPhoneNumber>)> {
    purchase(state, scope, params, Some(NumberType::Mobile)).await
}

/// POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/TollFree.json · CreateIncomingPhoneNumberTollFree
pub async fn create_toll_free(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<(StatusCode, Json<IncomingPhoneNumber>)> {
    purchase(state, scope, params, Some(NumberType::TollFree)).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json · FetchIncomingPhoneNumber
pub async fn fetch(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<IncomingPhoneNumber>> {
    let sid = instance_sid(&path, "SidJson", prefix::PHONE_NUMBER)?;
    let n = state
        .store
        .number(scope.sid(), &sid)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(to_wire(&n)))
}

/// POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json · UpdateIncomingPhoneNumber
///
/// Configuration fields, and `AccountSid` to transfer the number to another account of the
/// same tree (main credentials only, 21474; the rules run in the store's transaction).
pub async fn update(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<IncomingPhoneNumber>> {
    let sid = instance_sid(&path, "SidJson", prefix::PHONE_NUMBER)?;
    let patch = patch_from(&params)?;
    let now = state.clock.now_ms();
    let updated = match params.get("AccountSid").filter(|t| *t != scope.sid()) {
        Some(target) => {
            if !scope.principal.is_main_auth_token() {
                // https://www.twilio.com/docs/errors/21474
                return Err(ApiError::bad_request(
                    21474,
                    "API User must be the parent account to transfer phone numbers.",
                ));
            }
            if !sid::is_sid(prefix::ACCOUNT, target) {
                return Err(ApiError::Rule(RuleViolation::TransferUnrelated));
            }
            state
                .store
                .transfer_number(scope.sid(), &sid, target, patch, now)
                .await?
        }
        None => {
            state
                .store
                .update_number(scope.sid(), &sid, patch, now)
                .await?
        }
    };
    Ok(Json(to_wire(&updated)))
}

/// DELETE /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json · DeleteIncomingPhoneNumber
pub async fn delete(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let sid = instance_sid(&path, "SidJson", prefix::PHONE_NUMBER)?;
    state
        .store
        .release_number(scope.sid(), &sid, state.clock.now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
