//! The simulated carrier: what a telephone network would decide about a call or a message
//! (how long it rings, whether it is answered, how long it lasts, whether a message is
//! delivered, what it costs), decided deterministically from configuration and the
//! destination number, so tests can rely on it.

pub mod rates;
pub mod scenarios;
pub mod segments;

pub use rates::{billable_minutes, call_cost, price_string, RateConfig, RateTable, Rates};
pub use scenarios::{CallOutcome, CallPlan, MessageOutcome, MessagePlan, Scenario, Scenarios};
pub use segments::{segment_count, Encoding};
