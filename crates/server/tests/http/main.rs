//! HTTP tests: the real router on a loopback port, against SQLite and Postgres, with a
//! manual clock. One binary (`cargo test --test http`), one module per area.

mod harness;

mod accounts;
mod admin;
mod auth;
mod errors;
mod keys;
mod lifecycle;
mod numbers;
mod paging;
mod taskrouter;
mod traffic;
mod twiml;
mod usage;
mod webhooks;
