//! TaskRouter Workspaces (`/v1/Workspaces` on the TaskRouter host). A subdomain product: no
//! account in its URLs, so the credentials decide the account, and main credentials never
//! reach a subaccount's workspaces (the guide: subdomain resources "must be accessed
//! directly using subaccount credentials").
//!
//! Reached at `/v1/Workspaces` when the Host header starts with `taskrouter.` (a proxy that
//! keeps the original host), and at `/taskrouter/v1/Workspaces` on any host (a client whose
//! TaskRouter base URL is `http://host:port/taskrouter`).

use std::collections::HashMap;

use crate::json::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde_json::{json, Value};
use switchboard_store::{PageSlice, WorkspaceRecord, WorkspaceUpdate};
use switchboard_wire::date::iso8601;
use switchboard_wire::page::Cursor;
use switchboard_wire::sid;

use crate::app::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::paging::PageParams;
use crate::params::{friendly_name, Params};

/// Where TaskRouter was reached: the absolute base of its URLs.
pub struct TaskRouterBase(String);

impl FromRequestParts<AppState> for TaskRouterBase {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> ApiResult<Self> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
            .to_owned();
        let scheme = parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
            .unwrap_or(if parts.extensions.get::<crate::app::Tls>().is_some() {
                "https"
            } else {
                "http"
            })
            .to_owned();
        if parts.uri.path().starts_with("/taskrouter/") {
            Ok(TaskRouterBase(format!("{scheme}://{host}/taskrouter")))
        } else if host.starts_with("taskrouter.") {
            Ok(TaskRouterBase(format!("{scheme}://{host}")))
        } else {
            Err(ApiError::NotFound)
        }
    }
}

fn to_json(w: &WorkspaceRecord, base: &str) -> Value {
    let url = format!("{base}/v1/Workspaces/{}", w.sid);
    let link = |name: &str| format!("{url}/{name}");
    json!({
        "account_sid": w.account_sid,
        "date_created": iso8601(w.date_created),
        "date_updated": iso8601(w.date_updated),
        "default_activity_name": "Offline",
        "default_activity_sid": w.default_activity_sid,
        "event_callback_url": w.event_callback_url,
        "events_filter": w.events_filter,
        "friendly_name": w.friendly_name,
        "multi_task_enabled": w.multi_task_enabled,
        "sid": w.sid,
        "timeout_activity_name": "Offline",
        "timeout_activity_sid": w.timeout_activity_sid,
        "prioritize_queue_order": w.prioritize_queue_order,
        "url": url,
        "links": {
            "activities": link("Activities"),
            "statistics": link("Statistics"),
            "real_time_statistics": link("RealTimeStatistics"),
            "cumulative_statistics": link("CumulativeStatistics"),
            "task_queues": link("TaskQueues"),
            "tasks": link("Tasks"),
            "workers": link("Workers"),
            "workflows": link("Workflows"),
            "task_channels": link("TaskChannels"),
            "events": link("Events"),
        }
    })
}

fn workspace_sid(path: &HashMap<String, String>) -> ApiResult<String> {
    path.get("Sid")
        .filter(|s| sid::is_sid("WS", s))
        .cloned()
        .ok_or(ApiError::NotFound)
}

fn update_from(p: &Params, now: i64) -> ApiResult<WorkspaceUpdate> {
    let url = p
        .url("EventCallbackUrl")?
        .map(|u| (!u.is_empty()).then_some(u));
    Ok(WorkspaceUpdate {
        friendly_name: friendly_name(p)?,
        event_callback_url: url,
        events_filter: p
            .get("EventsFilter")
            .map(|f| (!f.is_empty()).then(|| f.to_owned())),
        multi_task_enabled: p.bool("MultiTaskEnabled")?,
        prioritize_queue_order: p.one_of("PrioritizeQueueOrder", &["FIFO", "LIFO"])?,
        now,
    })
}

/// GET /v1/Workspaces · ListWorkspace
pub async fn list(
    State(state): State<AppState>,
    TaskRouterBase(base): TaskRouterBase,
    principal: Principal,
    params: Params,
) -> ApiResult<Json<Value>> {
    let pp = PageParams::parse(&params)?;
    let name = params.get("FriendlyName").map(str::to_owned);
    let slice: PageSlice<WorkspaceRecord> = state
        .store
        .list_workspaces(&principal.account.sid, name.clone(), pp.request())
        .await?;
    let url = |page: u32, cursor: Cursor| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(n) = &name {
            q.append_pair("FriendlyName", n);
        }
        q.append_pair("PageSize", &pp.size.to_string());
        q.append_pair("Page", &page.to_string());
        if let Some(t) = cursor.token() {
            q.append_pair("PageToken", &t);
        }
        format!("{base}/v1/Workspaces?{}", q.finish())
    };
    let next = match (slice.has_next, slice.last_key) {
        (true, Some(k)) => Some(url(pp.page + 1, Cursor::After(k))),
        _ => None,
    };
    let previous = match (slice.has_previous, slice.first_key) {
        (true, Some(k)) => Some(url(pp.page.saturating_sub(1), Cursor::Before(k))),
        _ => None,
    };
    let items: Vec<Value> = slice.items.iter().map(|w| to_json(w, &base)).collect();
    Ok(Json(json!({
        "workspaces": items,
        "meta": {
            "first_page_url": url(0, Cursor::Start),
            "key": "workspaces",
            "next_page_url": next,
            "page": pp.page,
            "page_size": pp.size,
            "previous_page_url": previous,
            "url": url(pp.page, pp.cursor),
        }
    })))
}

/// POST /v1/Workspaces · CreateWorkspace
pub async fn create(
    State(state): State<AppState>,
    TaskRouterBase(base): TaskRouterBase,
    principal: Principal,
    params: Params,
) -> ApiResult<(StatusCode, Json<Value>)> {
    // https://www.twilio.com/docs/errors/20001
    let name = friendly_name(&params)?.ok_or_else(|| {
        ApiError::bad_request(
            20001,
            "Missing required parameter FriendlyName in the post body",
        )
    })?;
    params.one_of("Template", &["NONE", "FIFO"])?;
    let now = state.clock.now_ms();
    let u = update_from(&params, now)?;
    let w = WorkspaceRecord {
        seq: 0,
        sid: sid::new_sid("WS"),
        account_sid: principal.account.sid.clone(),
        friendly_name: name,
        event_callback_url: u.event_callback_url.flatten(),
        events_filter: u.events_filter.flatten(),
        multi_task_enabled: u.multi_task_enabled.unwrap_or(true),
        prioritize_queue_order: u.prioritize_queue_order.unwrap_or_else(|| "FIFO".into()),
        // Activities are not implemented; these name the default "Offline" activity.
        default_activity_sid: sid::new_sid("WA"),
        timeout_activity_sid: sid::new_sid("WA"),
        date_created: now,
        date_updated: now,
    };
    let w = state.store.create_workspace(w).await?;
    Ok((StatusCode::CREATED, Json(to_json(&w, &base))))
}

/// GET /v1/Workspaces/{Sid} · FetchWorkspace
pub async fn fetch(
    State(state): State<AppState>,
    TaskRouterBase(base): TaskRouterBase,
    principal: Principal,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let sid = workspace_sid(&path)?;
    let w = state
        .store
        .workspace(&principal.account.sid, &sid)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(to_json(&w, &base)))
}

/// POST /v1/Workspaces/{Sid} · UpdateWorkspace
pub async fn update(
    State(state): State<AppState>,
    TaskRouterBase(base): TaskRouterBase,
    principal: Principal,
    Path(path): Path<HashMap<String, String>>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let sid = workspace_sid(&path)?;
    let u = update_from(&params, state.clock.now_ms())?;
    let w = state
        .store
        .update_workspace(&principal.account.sid, &sid, u)
        .await?;
    Ok(Json(to_json(&w, &base)))
}

/// DELETE /v1/Workspaces/{Sid} · DeleteWorkspace
pub async fn delete(
    State(state): State<AppState>,
    _base: TaskRouterBase,
    principal: Principal,
    Path(path): Path<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let sid = workspace_sid(&path)?;
    state
        .store
        .delete_workspace(&principal.account.sid, &sid)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
