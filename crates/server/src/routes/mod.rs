//! The router: every operation this server implements, by method and path, in one table.
//! Each Twilio resource has its own module, named as Twilio names it.

pub mod accounts;
pub mod admin;
pub mod health;

use axum::routing::get;
use axum::Router;

use crate::app::AppState;

/// The public API (`/2010-04-01/...`) and the health check.
pub fn api() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        // ListAccount, CreateAccount
        .route(
            "/2010-04-01/Accounts.json",
            get(accounts::list).post(accounts::create),
        )
        // FetchAccount, UpdateAccount (the segment is `AC....json`)
        .route(
            "/2010-04-01/Accounts/{AccountSidJson}",
            get(accounts::fetch).post(accounts::update),
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
}
