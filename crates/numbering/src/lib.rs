//! Telephone numbering: what a valid number is (libphonenumber's metadata through the
//! `phonenumber` crate), how Twilio formats numbers, and the inventory of numbers the
//! simulated carrier offers for purchase.

pub mod areas;
pub mod inventory;
pub mod number;

pub use inventory::{
    AvailableNumber, ContainsPattern, Inventory, InventoryConfig, Near, NumberType, SearchQuery,
};
pub use number::{format_national, parse_e164, ParsedNumber};
