//! Webhooks Switchboard sends to users' apps, the way Twilio sends them.

pub mod signature;
