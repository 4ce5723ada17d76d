//! Recordings (v2010), made by TwiML `<Record>` and `<Dial record>`: list, fetch and delete,
//! per account and per call; the media (silence of the recording's length, as WAV) at the
//! instance URL without `.json`, as Twilio serves it.

use std::collections::HashMap;

use crate::json::Json;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use switchboard_store::{RecordingListQuery, RecordingRecord};
use switchboard_wire::date::rfc2822;
use switchboard_wire::page::Page;
use switchboard_wire::recording::{CallRecording, Recording, RecordingSubresourceUris};
use switchboard_wire::sid::{self, prefix};

use crate::app::AppState;
use crate::auth::AccountScope;
use crate::error::{ApiError, ApiResult};
use crate::filters::date_range;
use crate::paging::{envelope, PageParams};
use crate::params::Params;

fn to_wire(state: &AppState, r: &RecordingRecord, now: i64) -> Recording {
    let base = format!(
        "/2010-04-01/Accounts/{}/Recordings/{}",
        r.account_sid, r.sid
    );
    let completed = now >= r.ends_at();
    Recording {
        account_sid: r.account_sid.clone(),
        api_version: switchboard_wire::API_VERSION.into(),
        call_sid: r.call_sid.clone(),
        conference_sid: None,
        date_created: rfc2822(r.date_created),
        date_updated: rfc2822(if completed {
            r.ends_at()
        } else {
            r.date_created
        }),
        start_time: rfc2822(r.start_time),
        duration: r.duration_at(now),
        sid: r.sid.clone(),
        price: r.price.clone().filter(|_| completed),
        price_unit: "USD".into(),
        status: r.status_at(now).into(),
        channels: r.channels,
        source: r.source.clone(),
        error_code: None,
        uri: format!("{base}.json"),
        encryption_details: None,
        subresource_uris: RecordingSubresourceUris {
            add_on_results: format!("{base}/AddOnResults.json"),
            transcriptions: format!("{base}/Transcriptions.json"),
        },
        media_url: format!("{}{base}", state.jobs.base_url()),
    }
}

fn call_sid(path: &HashMap<String, String>) -> ApiResult<String> {
    path.get("CallSid")
        .filter(|s| sid::is_sid(prefix::CALL, s))
        .cloned()
        .ok_or(ApiError::NotFound)
}

/// The recording SID of an instance path, and whether the JSON (not the media) is asked for.
fn instance(path: &HashMap<String, String>) -> ApiResult<(String, bool)> {
    let seg = path.get("SidJson").map(String::as_str).unwrap_or("");
    let (sid, json) = match seg.strip_suffix(".json") {
        Some(s) => (s, true),
        None => (seg.strip_suffix(".wav").unwrap_or(seg), false),
    };
    if !sid::is_sid(prefix::RECORDING, sid) {
        return Err(ApiError::NotFound);
    }
    Ok((sid.to_owned(), json))
}

async fn load(
    state: &AppState,
    scope: &AccountScope,
    sid: &str,
    call: Option<&str>,
) -> ApiResult<RecordingRecord> {
    state
        .store
        .recording(scope.sid(), sid)
        .await?
        .filter(|r| call.is_none_or(|c| r.call_sid == c))
        .ok_or(ApiError::NotFound)
}

async fn list_of(
    state: AppState,
    scope: AccountScope,
    params: Params,
    call: Option<String>,
) -> ApiResult<Page<Recording>> {
    let pp = PageParams::parse(&params)?;
    let dates = date_range(&params, "DateCreated")?;
    let mut filters = dates.echo;
    let call = match call {
        Some(c) => Some(c),
        None => match params.get("CallSid") {
            Some(c) if sid::is_sid(prefix::CALL, c) => {
                filters.insert(0, ("CallSid", c.to_owned()));
                Some(c.to_owned())
            }
            Some(c) => return Err(ApiError::invalid_parameter("CallSid", c)),
            None => None,
        },
    };
    let path = match (&call, params.get("CallSid")) {
        (Some(c), None) => format!(
            "/2010-04-01/Accounts/{}/Calls/{c}/Recordings.json",
            scope.sid()
        ),
        _ => format!("/2010-04-01/Accounts/{}/Recordings.json", scope.sid()),
    };
    let q = RecordingListQuery {
        call_sid: call,
        created_from: dates.from,
        created_until: dates.until,
    };
    let slice = state
        .store
        .list_recordings(scope.sid(), &q, pp.request())
        .await?;
    let now = state.clock.now_ms();
    Ok(envelope(
        "recordings",
        &path,
        &filters,
        &pp,
        slice.map(|r| to_wire(&state, &r, now)),
    ))
}

/// A WAV file of silence as long as the recording (8 kHz, 16-bit, mono): what the
/// simulated carrier "heard".
fn silence_wav(duration_ms: i64) -> Vec<u8> {
    const RATE: u32 = 8000;
    let samples = (duration_ms.max(0) as u32).saturating_mul(RATE) / 1000;
    let data_len = samples * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    out.resize(44 + data_len as usize, 0);
    out
}

/// GET /2010-04-01/Accounts/{AccountSid}/Recordings.json · ListRecording
pub async fn list(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<Recording>>> {
    list_of(state, scope, params, None).await.map(Json)
}

/// GET /2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json · FetchRecording (and the
/// media, without `.json`)
pub async fn fetch(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Response> {
    let (sid, json) = instance(&path)?;
    let r = load(&state, &scope, &sid, None).await?;
    let now = state.clock.now_ms();
    if json {
        return Ok(Json(to_wire(&state, &r, now)).into_response());
    }
    if now < r.ends_at() {
        return Err(ApiError::NotFound);
    }
    Ok((
        [(header::CONTENT_TYPE, "audio/x-wav")],
        silence_wav(r.duration_ms),
    )
        .into_response())
}

/// DELETE /2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json · DeleteRecording
pub async fn delete(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let (sid, _) = instance(&path)?;
    delete_of(state, scope, &sid, None).await
}

async fn delete_of(
    state: AppState,
    scope: AccountScope,
    sid: &str,
    call: Option<&str>,
) -> ApiResult<StatusCode> {
    load(&state, &scope, sid, call).await?;
    state.store.delete_recording(scope.sid(), sid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json · ListCallRecording
pub async fn list_of_call(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Page<CallRecording>>> {
    let call = call_sid(&path)?;
    state
        .store
        .call(scope.sid(), &call)
        .await?
        .ok_or(ApiError::NotFound)?;
    let page = list_of(state, scope, params, Some(call)).await?;
    Ok(Json(page.map(Recording::for_call)))
}

/// GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json · FetchCallRecording
pub async fn fetch_of_call(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<CallRecording>> {
    let call = call_sid(&path)?;
    let (sid, json) = instance(&path)?;
    if !json {
        return Err(ApiError::NotFound);
    }
    let r = load(&state, &scope, &sid, Some(&call)).await?;
    Ok(Json(to_wire(&state, &r, state.clock.now_ms()).for_call()))
}

/// DELETE /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json · DeleteCallRecording
pub async fn delete_of_call(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let call = call_sid(&path)?;
    let (sid, _) = instance(&path)?;
    delete_of(state, scope, &sid, Some(&call)).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn silence_is_a_wav_of_the_right_length() {
        let wav = super::silence_wav(1500);
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(wav.len(), 44 + 12_000 * 2);
        assert_eq!(u32::from_le_bytes(wav[40..44].try_into().unwrap()), 24_000);
    }
}
