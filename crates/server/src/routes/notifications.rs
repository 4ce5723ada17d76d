//! Notifications (v2010): failed webhook attempts of an account, and of one call. Read-only;
//! the webhook sender writes them.

use std::collections::HashMap;

use crate::json::Json;
use axum::extract::{Path, State};
use switchboard_store::{NotificationListQuery, NotificationRecord};
use switchboard_wire::date::rfc2822;
use switchboard_wire::notification::Notification;
use switchboard_wire::page::Page;
use switchboard_wire::sid::prefix;

use crate::app::AppState;
use crate::auth::AccountScope;
use crate::error::{ApiError, ApiResult};
use crate::filters::date_range;
use crate::paging::{envelope, PageParams};
use crate::params::Params;
use crate::routes::instance_sid;

/// `instance`: the fetch shape, with the request variables and the response.
fn to_wire(n: &NotificationRecord, instance: bool) -> Notification {
    let uri = match &n.call_sid {
        Some(call) => format!(
            "/2010-04-01/Accounts/{}/Calls/{call}/Notifications/{}.json",
            n.account_sid, n.sid
        ),
        None => format!(
            "/2010-04-01/Accounts/{}/Notifications/{}.json",
            n.account_sid, n.sid
        ),
    };
    Notification {
        account_sid: n.account_sid.clone(),
        api_version: switchboard_wire::API_VERSION.into(),
        call_sid: n.call_sid.clone(),
        date_created: rfc2822(n.date_created),
        date_updated: rfc2822(n.date_created),
        error_code: n.error_code.to_string(),
        log: n.log.to_string(),
        message_date: rfc2822(n.message_date),
        message_text: n.message_text.clone(),
        more_info: format!("https://www.twilio.com/docs/errors/{}", n.error_code),
        request_method: n.request_method.clone(),
        request_url: n.request_url.clone(),
        request_variables: instance.then(|| n.request_variables.clone()),
        response_body: instance.then(|| n.response_body.clone()),
        response_headers: instance.then(|| n.response_headers.clone()),
        sid: n.sid.clone(),
        uri,
    }
}

async fn list_of(
    state: AppState,
    scope: AccountScope,
    params: Params,
    call_sid: Option<String>,
) -> ApiResult<Json<Page<Notification>>> {
    let pp = PageParams::parse(&params)?;
    let dates = date_range(&params, "MessageDate")?;
    let mut filters = dates.echo;
    let log = params.int("Log")?;
    if let Some(l) = log {
        if !(0..=1).contains(&l) {
            return Err(ApiError::invalid_parameter("Log", &l.to_string()));
        }
        filters.insert(0, ("Log", l.to_string()));
    }
    let path = match &call_sid {
        Some(call) => {
            state
                .store
                .call(scope.sid(), call)
                .await?
                .ok_or(ApiError::NotFound)?;
            format!(
                "/2010-04-01/Accounts/{}/Calls/{call}/Notifications.json",
                scope.sid()
            )
        }
        None => format!("/2010-04-01/Accounts/{}/Notifications.json", scope.sid()),
    };
    let q = NotificationListQuery {
        call_sid,
        log,
        from: dates.from,
        until: dates.until,
    };
    let slice = state
        .store
        .list_notifications(scope.sid(), &q, pp.request())
        .await?;
    Ok(Json(envelope(
        "notifications",
        &path,
        &filters,
        &pp,
        slice.map(|n| to_wire(&n, false)),
    )))
}

async fn fetch_of(
    state: AppState,
    scope: AccountScope,
    path: &HashMap<String, String>,
    call_sid: Option<String>,
) -> ApiResult<Json<Notification>> {
    let sid = instance_sid(path, "SidJson", prefix::NOTIFICATION)?;
    let n = state
        .store
        .notification(scope.sid(), &sid)
        .await?
        .filter(|n| call_sid.is_none() || n.call_sid == call_sid)
        .ok_or(ApiError::NotFound)?;
    Ok(Json(to_wire(&n, true)))
}

fn call_sid(path: &HashMap<String, String>) -> ApiResult<String> {
    path.get("CallSid")
        .filter(|s| switchboard_wire::sid::is_sid(prefix::CALL, s))
        .cloned()
        .ok_or(ApiError::NotFound)
}

/// GET /2010-04-01/Accounts/{AccountSid}/Notifications.json · ListNotification
pub async fn list(
    State(state): State<AppState>,
    scope: AccountScope,
    params: Params,
) -> ApiResult<Json<Page<Notification>>> {
    list_of(state, scope, params, None).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/Notifications/{Sid}.json · FetchNotification
pub async fn fetch(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<Notification>> {
    fetch_of(state, scope, &path, None).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Notifications.json · ListCallNotification
pub async fn list_of_call(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Page<Notification>>> {
    let call = call_sid(&path)?;
    list_of(state, scope, params, Some(call)).await
}

/// GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Notifications/{Sid}.json · FetchCallNotification
pub async fn fetch_of_call(
    State(state): State<AppState>,
    scope: AccountScope,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<Notification>> {
    let call = call_sid(&path)?;
    fetch_of(state, scope, &path, Some(call)).await
}
