//! AvailablePhoneNumbers: what the simulated carrier's inventory offers, minus what any
//! account owns. `/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers`.

use std::collections::{BTreeMap, HashMap};

use crate::json::Json;
use axum::extract::{Path, State};
use switchboard_numbering::areas::CountryPlan;
use switchboard_numbering::{ContainsPattern, Near, NumberType, SearchQuery};
use switchboard_store::PageSlice;
use switchboard_wire::incoming_phone_number::{
    AvailablePhoneNumber, AvailablePhoneNumberCountry, AvailablePhoneNumberCountryList,
    Capabilities,
};
use switchboard_wire::page::Page;

use crate::app::AppState;
use crate::auth::AccountScope;
use crate::error::{ApiError, ApiResult};
use crate::paging::{envelope, PageParams};
use crate::params::Params;

fn base(account_sid: &str) -> String {
    format!("/2010-04-01/Accounts/{account_sid}/AvailablePhoneNumbers")
}

fn country_wire(
    state: &AppState,
    account_sid: &str,
    plan: &CountryPlan,
) -> AvailablePhoneNumberCountry {
    let base = format!("{}/{}", base(account_sid), plan.iso);
    let subresource_uris: BTreeMap<&'static str, String> = state
        .inventory
        .types_of(plan)
        .into_iter()
        .map(|t| {
            (
                t.subresource_key(),
                format!("{base}/{}.json", t.list_name()),
            )
        })
        .collect();
    AvailablePhoneNumberCountry {
        country_code: plan.iso.to_owned(),
        country: plan.name.to_owned(),
        uri: format!("{base}.json"),
        beta: false,
        subresource_uris,
    }
}

fn country_of(state: &AppState, code: &str) -> ApiResult<&'static CountryPlan> {
    state.inventory.country(code).ok_or(ApiError::NotFound)
}

/// GET /2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers.json · ListAvailablePhoneNumberCountry
pub async fn list_countries(
    State(state): State<AppState>,
    scope: AccountScope,
) -> Json<AvailablePhoneNumberCountryList> {
    let countries = state
        .inventory
        .countries()
        .iter()
        .map(|plan| country_wire(&state, scope.sid(), plan))
        .collect();
    Json(AvailablePhoneNumberCountryList {
        countries,
        uri: format!("{}.json", base(scope.sid())),
    })
}

/// GET /2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}.json · FetchAvailablePhoneNumberCountry
pub async fn fetch_country(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<AvailablePhoneNumberCountry>> {
    let code = path
        .get("CountryJson")
        .and_then(|s| s.strip_suffix(".json"))
        .ok_or(ApiError::NotFound)?;
    Ok(Json(country_wire(
        &state,
        scope.sid(),
        country_of(&state, code)?,
    )))
}

fn float(p: &Params, name: &str, v: &str) -> ApiResult<f64> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .ok_or_else(|| ApiError::invalid_parameter(name, p.get(name).unwrap_or(v)))
}

/// The filters of the type lists, each validated.
fn query_from(state: &AppState, p: &Params) -> ApiResult<SearchQuery> {
    let area_code = match p.get("AreaCode") {
        Some(a) if a.is_empty() || a.len() > 5 || !a.bytes().all(|b| b.is_ascii_digit()) => {
            // https://www.twilio.com/docs/errors/21451
            return Err(ApiError::bad_request(
                21451,
                format!("Invalid area code {a}"),
            ));
        }
        other => other.map(str::to_owned),
    };
    let contains = p
        .get("Contains")
        .map(|c| {
            ContainsPattern::parse(c).ok_or_else(|| ApiError::invalid_parameter("Contains", c))
        })
        .transpose()?;
    let miles = match p.int("Distance")? {
        None => 25.0,
        Some(d) if d <= 500 => d as f64,
        Some(d) => return Err(ApiError::invalid_parameter("Distance", &d.to_string())),
    };
    let near = if let Some(ll) = p.get("NearLatLong") {
        let (lat, lon) = ll
            .split_once(',')
            .ok_or_else(|| ApiError::invalid_parameter("NearLatLong", ll))?;
        Some(Near {
            latitude: float(p, "NearLatLong", lat)?,
            longitude: float(p, "NearLatLong", lon)?,
            miles,
        })
    } else if let Some(n) = p.get("NearNumber") {
        let area = state
            .inventory
            .get(n)
            .map(|a| a.area)
            .ok_or_else(|| ApiError::invalid_parameter("NearNumber", n))?;
        match (area.latitude, area.longitude) {
            (Some(lat), Some(lon)) => Some(Near {
                latitude: float(p, "NearNumber", lat)?,
                longitude: float(p, "NearNumber", lon)?,
                miles,
            }),
            _ => return Err(ApiError::invalid_parameter("NearNumber", n)),
        }
    } else {
        None
    };
    let text = |name: &str| p.get(name).map(str::to_owned);
    Ok(SearchQuery {
        area_code,
        contains,
        in_region: text("InRegion"),
        in_postal_code: text("InPostalCode"),
        in_locality: text("InLocality"),
        in_lata: text("InLata"),
        in_rate_center: text("InRateCenter"),
        sms_enabled: p.bool("SmsEnabled")?,
        mms_enabled: p.bool("MmsEnabled")?,
        voice_enabled: p.bool("VoiceEnabled")?,
        fax_enabled: p.bool("FaxEnabled")?,
        exclude_all_address_required: p.bool("ExcludeAllAddressRequired")?.unwrap_or(false),
        exclude_local_address_required: p.bool("ExcludeLocalAddressRequired")?.unwrap_or(false),
        exclude_foreign_address_required: p.bool("ExcludeForeignAddressRequired")?.unwrap_or(false),
        beta: p.bool("Beta")?,
        near,
    })
}

/// One page of free numbers matching the query: the inventory in order, checked against
/// the store's owned numbers a chunk at a time.
async fn search(
    state: AppState,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
    kind: NumberType,
) -> ApiResult<Json<Page<AvailablePhoneNumber>>> {
    let code = path.get("CountryCode").ok_or(ApiError::NotFound)?;
    let plan = country_of(&state, code)?;
    if !state.inventory.types_of(plan).contains(&kind) {
        return Err(ApiError::NotFound);
    }
    let pp = PageParams::parse(&params)?;
    let q = query_from(&state, &params)?;
    let want = pp.size as usize;
    let mut found = Vec::with_capacity(want);
    let mut matches = state.inventory.search(plan.iso, kind, &q).peekable();
    while found.len() < want && matches.peek().is_some() {
        let chunk: Vec<_> = matches.by_ref().take((want * 2).max(100)).collect();
        let e164s: Vec<String> = chunk.iter().map(|n| n.e164.clone()).collect();
        let owned = state.store.owned_among(&e164s).await?;
        found.extend(
            chunk
                .into_iter()
                .filter(|n| !owned.contains(&n.e164))
                .take(want - found.len()),
        );
    }
    let items = found
        .into_iter()
        .map(|n| AvailablePhoneNumber {
            friendly_name: n.national.clone(),
            phone_number: n.e164.clone(),
            lata: n.area.lata.map(str::to_owned),
            locality: n.area.locality.map(str::to_owned),
            rate_center: n.area.rate_center.map(str::to_owned),
            latitude: n.area.latitude.map(str::to_owned),
            longitude: n.area.longitude.map(str::to_owned),
            region: n.area.region.map(str::to_owned),
            postal_code: n.area.postal_code.map(str::to_owned),
            iso_country: n.iso_country.to_owned(),
            address_requirements: n.address_requirements.to_owned(),
            beta: n.beta,
            capabilities: Capabilities {
                mms: n.capabilities.mms,
                sms: n.capabilities.sms,
                voice: n.capabilities.voice,
                fax: n.capabilities.fax,
            },
        })
        .collect();
    let filters: Vec<(&str, String)> = [
        "AreaCode",
        "Contains",
        "SmsEnabled",
        "MmsEnabled",
        "VoiceEnabled",
        "FaxEnabled",
        "ExcludeAllAddressRequired",
        "ExcludeLocalAddressRequired",
        "ExcludeForeignAddressRequired",
        "Beta",
        "NearNumber",
        "NearLatLong",
        "Distance",
        "InPostalCode",
        "InRegion",
        "InRateCenter",
        "InLata",
        "InLocality",
    ]
    .into_iter()
    .filter_map(|k| params.get(k).map(|v| (k, v.to_owned())))
    .collect();
    // A search answers one page: Twilio offers no next page of available numbers.
    let slice = PageSlice {
        items,
        has_next: false,
        has_previous: false,
        first_key: None,
        last_key: None,
    };
    let path = format!(
        "{}/{}/{}.json",
        base(scope.sid()),
        plan.iso,
        kind.list_name()
    );
    Ok(Json(envelope(
        "available_phone_numbers",
        &path,
        &filters,
        &pp,
        slice,
    )))
}

/// GET /2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/Local.json · ListAvailablePhoneNumberLocal
pub async fn list_local(
    State(state): State<AppState>,
    scope: AccountScope,
    path: Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Page<AvailablePhoneNumber>>> {
    search(state, scope, path, params, NumberType::Local).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/Mobile.json · ListAvailablePhoneNumberMobile
pub async fn list_mobile(
    State(state): State<AppState>,
    scope: AccountScope,
    path: Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Page<AvailablePhoneNumber>>> {
    search(state, scope, path, params, NumberType::Mobile).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/TollFree.json · ListAvailablePhoneNumberTollFree
pub async fn list_toll_free(
    State(state): State<AppState>,
    scope: AccountScope,
    path: Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Page<AvailablePhoneNumber>>> {
    search(state, scope, path, params, NumberType::TollFree).await
}
