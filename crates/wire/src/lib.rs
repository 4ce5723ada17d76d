//! Wire types: everything a Twilio client sees on the network, and nothing else.
//!
//! This crate compiles without the server or the stores so that the JSON shapes can be
//! tested alone (see the tests beside each module and `tests/spec_properties.rs`).

pub mod account;
pub mod address;
pub mod call;
pub mod date;
pub mod error;
pub mod incoming_phone_number;
pub mod key;
pub mod message;
pub mod notification;
pub mod page;
pub mod recording;
pub mod sid;
pub mod usage;

/// The only API version this server speaks.
pub const API_VERSION: &str = "2010-04-01";
