//! API keys and signing keys (`api.v2010.account.key`, `new_key`, `signing_key`,
//! `new_signing_key`): the same shapes, the secret only at creation.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Key {
    pub sid: String,
    pub friendly_name: String,
    pub date_created: String,
    pub date_updated: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NewKey {
    pub sid: String,
    pub friendly_name: String,
    pub date_created: String,
    pub date_updated: String,
    pub secret: String,
}
