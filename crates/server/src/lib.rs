//! Switchboard: Twilio's `2010-04-01` REST API with its account hierarchy, self-hosted.
//!
//! A request passes: trace layer -> panic catcher -> router ([`routes`]) -> [`auth`]
//! (credentials to a [`auth::Principal`], then the path's account to an
//! [`auth::AccountScope`], in one place) -> [`params`] -> the resource's handler, which calls
//! the store with that scope. Errors of every layer become Twilio's body in [`error`].

pub mod app;
pub mod auth;
pub mod billing;
pub mod bootstrap;
pub mod carrier;
pub mod clock;
pub mod config;
pub mod error;
pub mod filters;
pub mod jobs;
pub mod json;
pub mod operator;
pub mod paging;
pub mod params;
pub mod routes;
pub mod webhooks;
