//! Addresses, which numbers with address requirements need.
//! `/2010-04-01/Accounts/{AccountSid}/Addresses`.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::json::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use regex::Regex;
use switchboard_store::{AddressFields, AddressListQuery, AddressRecord};
use switchboard_wire::address::{Address, DependentPhoneNumber};
use switchboard_wire::date::rfc2822;
use switchboard_wire::page::Page;
use switchboard_wire::sid::prefix;

use crate::app::AppState;
use crate::auth::AccountScope;
use crate::error::{ApiError, ApiResult};
use crate::paging::{envelope, PageParams};
use crate::params::{friendly_name, Params};
use crate::routes::incoming_phone_numbers;
use crate::routes::instance_sid;

pub fn to_wire(a: &AddressRecord) -> Address {
    Address {
        account_sid: a.account_sid.clone(),
        city: a.city.clone(),
        customer_name: a.customer_name.clone(),
        date_created: rfc2822(a.date_created),
        date_updated: rfc2822(a.date_updated),
        friendly_name: a.friendly_name.clone(),
        iso_country: a.iso_country.clone(),
        postal_code: a.postal_code.clone(),
        region: a.region.clone(),
        sid: a.sid.clone(),
        street: a.street.clone(),
        uri: format!(
            "/2010-04-01/Accounts/{}/Addresses/{}.json",
            a.account_sid, a.sid
        ),
        emergency_enabled: a.emergency_enabled,
        validated: a.validated,
        verified: a.verified,
        street_secondary: a.street_secondary.clone(),
    }
}

/// https://www.twilio.com/docs/errors/21628
fn invalid(message: String) -> ApiError {
    ApiError::bad_request(21628, format!("Address Validation Error: {message}"))
}

/// Postal-code shapes of the countries the inventory serves; other countries need only a
/// non-empty value.
fn postal_code_pattern(iso: &str) -> Option<&'static Regex> {
    static PATTERNS: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            ("US", r"^\d{5}(-\d{4})?$"),
            ("CA", r"^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$"),
            ("GB", r"^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$"),
            ("DE", r"^\d{5}$"),
            ("FR", r"^\d{5}$"),
            ("AU", r"^\d{4}$"),
        ]
        .into_iter()
        .map(|(c, p)| (c, Regex::new(p).expect("postal code pattern")))
        .collect()
    });
    patterns
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(iso))
        .map(|(_, r)| r)
}

/// The fields of a create (`creating`: all required ones present) or an update.
fn fields_from(
    p: &Params,
    creating: bool,
    iso_of_existing: Option<&str>,
) -> ApiResult<AddressFields> {
    let text = |name: &str| -> ApiResult<Option<String>> {
        match p.get(name).map(str::trim) {
            None if creating => Err(invalid(format!("{name} is required"))),
            Some("") => Err(invalid(format!("{name} must not be empty"))),
            Some(v) if v.chars().count() > 255 => Err(invalid(format!("{name} is too long"))),
            other => Ok(other.map(str::to_owned)),
        }
    };
    let iso_country = if creating {
        let iso = text("IsoCountry")?.unwrap_or_default().to_ascii_uppercase();
        if iso.len() != 2 || iso.parse::<phonenumber::country::Id>().is_err() {
            return Err(invalid(format!(
                "IsoCountry {iso} is not an ISO 3166-1 alpha-2 country code"
            )));
        }
        Some(iso)
    } else {
        None
    };
    let postal_code = text("PostalCode")?;
    let country = iso_country.as_deref().or(iso_of_existing).unwrap_or("");
    if let (Some(code), Some(pattern)) = (&postal_code, postal_code_pattern(country)) {
        if !pattern.is_match(code) {
            return Err(invalid(format!(
                "PostalCode {code} is not a valid postal code of {country}"
            )));
        }
    }
    // AutoCorrectAddress is accepted; addresses are stored as given (nothing to correct from).
    p.bool("AutoCorrectAddress")?;
    Ok(AddressFields {
        customer_name: text("CustomerName")?,
        friendly_name: friendly_name(p)?,
        street: text("Street")?,
        street_secondary: p.get("StreetSecondary").map(str::to_owned),
        city: text("City")?,
        region: text("Region")?,
        postal_code,
        iso_country,
        emergency_enabled: p.bool("EmergencyEnabled")?,
    })
}

/// GET /2010-04-01/Accounts/{AccountSid}/Addresses.json · ListAddress
pub async fn list(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<Address>>> {
    let pp = PageParams::parse(&params)?;
    let q = AddressListQuery {
        customer_name: params.get("CustomerName").map(str::to_owned),
        friendly_name: params.get("FriendlyName").map(str::to_owned),
        emergency_enabled: params.bool("EmergencyEnabled")?,
        iso_country: params.get("IsoCountry").map(|c| c.to_ascii_uppercase()),
    };
    let filters: Vec<(&str, String)> = [
        "CustomerName",
        "FriendlyName",
        "EmergencyEnabled",
        "IsoCountry",
    ]
    .into_iter()
    .filter_map(|k| params.get(k).map(|v| (k, v.to_owned())))
    .collect();
    let slice = state
        .store
        .list_addresses(scope.sid(), &q, pp.request())
        .await?;
    let path = format!("/2010-04-01/Accounts/{}/Addresses.json", scope.sid());
    Ok(Json(envelope(
        "addresses",
        &path,
        &filters,
        &pp,
        slice.map(|a| to_wire(&a)),
    )))
}

/// POST /2010-04-01/Accounts/{AccountSid}/Addresses.json · CreateAddress
pub async fn create(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<(StatusCode, Json<Address>)> {
    let fields = fields_from(&params, true, None)?;
    let a = state
        .store
        .create_address(scope.sid(), fields, state.clock.now_ms())
        .await?;
    Ok((StatusCode::CREATED, Json(to_wire(&a))))
}

/// GET /2010-04-01/Accounts/{AccountSid}/Addresses/{Sid}.json · FetchAddress
pub async fn fetch(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<Address>> {
    let sid = instance_sid(&path, "SidJson", prefix::ADDRESS)?;
    let a = state
        .store
        .address(scope.sid(), &sid)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(to_wire(&a)))
}

/// POST /2010-04-01/Accounts/{AccountSid}/Addresses/{Sid}.json · UpdateAddress
pub async fn update(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Address>> {
    let sid = instance_sid(&path, "SidJson", prefix::ADDRESS)?;
    let existing = state
        .store
        .address(scope.sid(), &sid)
        .await?
        .ok_or(ApiError::NotFound)?;
    let fields = fields_from(&params, false, Some(&existing.iso_country))?;
    let a = state
        .store
        .update_address(scope.sid(), &sid, fields, state.clock.now_ms())
        .await?;
    Ok(Json(to_wire(&a)))
}

/// DELETE /2010-04-01/Accounts/{AccountSid}/Addresses/{Sid}.json · DeleteAddress
pub async fn delete(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let sid = instance_sid(&path, "SidJson", prefix::ADDRESS)?;
    state.store.delete_address(scope.sid(), &sid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// GET /2010-04-01/Accounts/{AccountSid}/Addresses/{AddressSid}/DependentPhoneNumbers.json · ListDependentPhoneNumber
pub async fn dependent_phone_numbers(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Page<DependentPhoneNumber>>> {
    let address_sid = path.get("AddressSid").ok_or(ApiError::NotFound)?;
    state
        .store
        .address(scope.sid(), address_sid)
        .await?
        .ok_or(ApiError::NotFound)?;
    let pp = PageParams::parse(&params)?;
    let slice = state
        .store
        .dependent_numbers(scope.sid(), address_sid, pp.request())
        .await?;
    let path = format!(
        "/2010-04-01/Accounts/{}/Addresses/{address_sid}/DependentPhoneNumbers.json",
        scope.sid()
    );
    let page = envelope(
        "dependent_phone_numbers",
        &path,
        &[],
        &pp,
        slice.map(|n| {
            let c = &n.config;
            DependentPhoneNumber {
                sid: n.sid.clone(),
                account_sid: n.account_sid.clone(),
                friendly_name: n.friendly_name.clone(),
                phone_number: n.phone_number.clone(),
                voice_url: c.voice_url.clone(),
                voice_method: c.voice_method.clone(),
                voice_fallback_method: c.voice_fallback_method.clone(),
                voice_fallback_url: c.voice_fallback_url.clone(),
                voice_caller_id_lookup: c.voice_caller_id_lookup,
                date_created: rfc2822(n.date_created),
                date_updated: rfc2822(n.date_updated),
                sms_fallback_method: c.sms_fallback_method.clone(),
                sms_fallback_url: c.sms_fallback_url.clone(),
                sms_method: c.sms_method.clone(),
                sms_url: c.sms_url.clone(),
                address_requirements: n.address_requirements.clone(),
                capabilities: incoming_phone_numbers::capabilities(&n.capabilities),
                status_callback: c.status_callback.clone(),
                status_callback_method: c.status_callback_method.clone(),
                api_version: c.api_version.clone(),
                sms_application_sid: c.sms_application_sid.clone(),
                voice_application_sid: c.voice_application_sid.clone(),
                trunk_sid: c.trunk_sid.clone(),
                emergency_status: c.emergency_status.clone(),
                emergency_address_sid: c.emergency_address_sid.clone(),
                uri: incoming_phone_numbers::uri(&n.account_sid, &n.sid),
            }
        }),
    );
    Ok(Json(page))
}
