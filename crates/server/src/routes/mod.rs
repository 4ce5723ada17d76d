//! The router: every operation this server implements, by method and path, in one table.
//! Each Twilio resource has its own module, named as Twilio names it; each handler's first
//! doc line gives its method, path and the spec's operationId.

pub mod accounts;
pub mod addresses;
pub mod admin;
pub mod available_phone_numbers;
pub mod calls;
pub mod health;
pub mod incoming_phone_numbers;
pub mod keys;
pub mod messages;
pub mod notifications;
pub mod recordings;
pub mod taskrouter;
pub mod usage;
pub mod usage_triggers;

use std::collections::HashMap;

use axum::routing::{get, post};
use axum::Router;
use switchboard_wire::sid;

use crate::app::AppState;
use crate::error::{ApiError, ApiResult};

/// The SID of an instance path segment `{prefix}....json` named `param`; anything else is
/// an unknown resource (20404).
pub fn instance_sid(
    path: &HashMap<String, String>,
    param: &str,
    prefix: &str,
) -> ApiResult<String> {
    path.get(param)
        .and_then(|seg| seg.strip_suffix(".json"))
        .filter(|s| sid::is_sid(prefix, s))
        .map(str::to_owned)
        .ok_or(ApiError::NotFound)
}

/// The public API (`/2010-04-01/...`) and the health check.
pub fn api() -> Router<AppState> {
    use addresses as ad;
    use available_phone_numbers as apn;
    use incoming_phone_numbers as ipn;
    const ACCOUNT: &str = "/2010-04-01/Accounts/{AccountSid}";
    let r = |path: &str| format!("{ACCOUNT}{path}");
    Router::new()
        .route("/healthz", get(health::healthz))
        // Accounts
        .route(
            "/2010-04-01/Accounts.json",
            get(accounts::list).post(accounts::create),
        )
        .route(
            "/2010-04-01/Accounts/{AccountSidJson}",
            get(accounts::fetch).post(accounts::update),
        )
        // AvailablePhoneNumbers
        .route(&r("/AvailablePhoneNumbers.json"), get(apn::list_countries))
        .route(
            &r("/AvailablePhoneNumbers/{CountryJson}"),
            get(apn::fetch_country),
        )
        .route(
            &r("/AvailablePhoneNumbers/{CountryCode}/Local.json"),
            get(apn::list_local),
        )
        .route(
            &r("/AvailablePhoneNumbers/{CountryCode}/Mobile.json"),
            get(apn::list_mobile),
        )
        .route(
            &r("/AvailablePhoneNumbers/{CountryCode}/TollFree.json"),
            get(apn::list_toll_free),
        )
        // IncomingPhoneNumbers
        .route(
            &r("/IncomingPhoneNumbers.json"),
            get(ipn::list).post(ipn::create),
        )
        .route(
            &r("/IncomingPhoneNumbers/Local.json"),
            get(ipn::list_local).post(ipn::create_local),
        )
        .route(
            &r("/IncomingPhoneNumbers/Mobile.json"),
            get(ipn::list_mobile).post(ipn::create_mobile),
        )
        .route(
            &r("/IncomingPhoneNumbers/TollFree.json"),
            get(ipn::list_toll_free).post(ipn::create_toll_free),
        )
        .route(
            &r("/IncomingPhoneNumbers/{SidJson}"),
            get(ipn::fetch).post(ipn::update).delete(ipn::delete),
        )
        // Calls
        .route(&r("/Calls.json"), get(calls::list).post(calls::create))
        .route(
            &r("/Calls/{SidJson}"),
            get(calls::fetch).post(calls::update).delete(calls::delete),
        )
        .route(
            &r("/Calls/{CallSid}/Notifications.json"),
            get(notifications::list_of_call),
        )
        .route(
            &r("/Calls/{CallSid}/Notifications/{SidJson}"),
            get(notifications::fetch_of_call),
        )
        .route(
            &r("/Calls/{CallSid}/Recordings.json"),
            get(recordings::list_of_call),
        )
        .route(
            &r("/Calls/{CallSid}/Recordings/{SidJson}"),
            get(recordings::fetch_of_call).delete(recordings::delete_of_call),
        )
        // Recordings
        .route(&r("/Recordings.json"), get(recordings::list))
        .route(
            &r("/Recordings/{SidJson}"),
            get(recordings::fetch).delete(recordings::delete),
        )
        // Usage and the balance
        .route(&r("/Usage/Records.json"), get(usage::records))
        .route(&r("/Usage/Records/AllTime.json"), get(usage::all_time))
        .route(&r("/Usage/Records/Daily.json"), get(usage::daily))
        .route(&r("/Usage/Records/Monthly.json"), get(usage::monthly))
        .route(&r("/Usage/Records/Yearly.json"), get(usage::yearly))
        .route(&r("/Usage/Records/Today.json"), get(usage::today))
        .route(&r("/Usage/Records/Yesterday.json"), get(usage::yesterday))
        .route(&r("/Usage/Records/ThisMonth.json"), get(usage::this_month))
        .route(&r("/Usage/Records/LastMonth.json"), get(usage::last_month))
        .route(&r("/Balance.json"), get(usage::balance))
        .route(
            &r("/Usage/Triggers.json"),
            get(usage_triggers::list).post(usage_triggers::create),
        )
        .route(
            &r("/Usage/Triggers/{SidJson}"),
            get(usage_triggers::fetch)
                .post(usage_triggers::update)
                .delete(usage_triggers::delete),
        )
        // Notifications
        .route(&r("/Notifications.json"), get(notifications::list))
        .route(&r("/Notifications/{SidJson}"), get(notifications::fetch))
        // Messages
        .route(
            &r("/Messages.json"),
            get(messages::list).post(messages::create),
        )
        .route(
            &r("/Messages/{SidJson}"),
            get(messages::fetch)
                .post(messages::update)
                .delete(messages::delete),
        )
        // Keys and SigningKeys
        .route(&r("/Keys.json"), get(keys::list).post(keys::create))
        .route(
            &r("/Keys/{SidJson}"),
            get(keys::fetch).post(keys::update).delete(keys::delete),
        )
        .route(
            &r("/SigningKeys.json"),
            get(keys::list_signing).post(keys::create_signing),
        )
        .route(
            &r("/SigningKeys/{SidJson}"),
            get(keys::fetch_signing)
                .post(keys::update_signing)
                .delete(keys::delete_signing),
        )
        // TaskRouter Workspaces, by host (`taskrouter.`) or under the /taskrouter prefix
        .route(
            "/v1/Workspaces",
            get(taskrouter::list).post(taskrouter::create),
        )
        .route(
            "/v1/Workspaces/{Sid}",
            get(taskrouter::fetch)
                .post(taskrouter::update)
                .delete(taskrouter::delete),
        )
        .route(
            "/taskrouter/v1/Workspaces",
            get(taskrouter::list).post(taskrouter::create),
        )
        .route(
            "/taskrouter/v1/Workspaces/{Sid}",
            get(taskrouter::fetch)
                .post(taskrouter::update)
                .delete(taskrouter::delete),
        )
        // Addresses
        .route(&r("/Addresses.json"), get(ad::list).post(ad::create))
        .route(
            &r("/Addresses/{SidJson}"),
            get(ad::fetch).post(ad::update).delete(ad::delete),
        )
        .route(
            &r("/Addresses/{AddressSid}/DependentPhoneNumbers.json"),
            get(ad::dependent_phone_numbers),
        )
}

/// The operator plane, mounted under `/admin/v1` only when an admin token is configured.
pub fn admin() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/v1/Accounts",
            get(admin::list_accounts).post(admin::create_account),
        )
        .route(
            "/admin/v1/Accounts/{Sid}",
            get(admin::fetch_account).post(admin::update_account),
        )
        .route(
            "/admin/v1/Clock",
            get(admin::fetch_clock).post(admin::advance_clock),
        )
        .route(
            "/admin/v1/Scenarios",
            get(admin::list_scenarios)
                .post(admin::put_scenario)
                .delete(admin::delete_scenarios),
        )
        .route(
            "/admin/v1/Accounts/{Sid}/Keys",
            post(admin::create_account_key),
        )
        .route(
            "/admin/v1/Accounts/{Sid}/Balance",
            get(admin::account_balance).post(admin::account_balance),
        )
        .route("/admin/v1/InboundCalls", post(admin::inbound_call))
        .route("/admin/v1/InboundMessages", post(admin::inbound_message))
}
