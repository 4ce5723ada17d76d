//! API keys (Standard and Main) and signing keys. Secrets are never stored: only their
//! SHA-256, which is enough for random 32-character secrets.

use async_trait::async_trait;

use crate::{PageRequest, PageSlice, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// What `POST Keys.json` creates: the account's resources, but not managing accounts or keys.
    Standard,
    /// Created by the operator: may also manage the account's subaccounts and keys.
    Main,
    /// `SigningKeys.json`: for signing tokens, not for REST authentication.
    Signing,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Standard => "standard",
            KeyKind::Main => "main",
            KeyKind::Signing => "signing",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "standard" => Some(KeyKind::Standard),
            "main" => Some(KeyKind::Main),
            "signing" => Some(KeyKind::Signing),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub seq: i64,
    pub sid: String,
    pub account_sid: String,
    pub friendly_name: String,
    pub kind: KeyKind,
    /// Hex SHA-256 of the secret.
    pub secret_hash: String,
    pub date_created: i64,
    pub date_updated: i64,
}

#[async_trait]
pub trait KeyStore: Send + Sync + 'static {
    async fn create_key(&self, key: KeyRecord) -> Result<KeyRecord>;

    /// A key by SID alone: authentication looks keys up before it knows the account.
    async fn key(&self, sid: &str) -> Result<Option<KeyRecord>>;

    /// The account's API keys (`signing`: false) or signing keys (true).
    async fn list_keys(
        &self,
        account_sid: &str,
        signing: bool,
        page: PageRequest,
    ) -> Result<PageSlice<KeyRecord>>;

    async fn rename_key(
        &self,
        account_sid: &str,
        sid: &str,
        signing: bool,
        friendly_name: String,
        now: i64,
    ) -> Result<KeyRecord>;

    /// Deleted keys stop authenticating at once: every request looks its key up.
    async fn delete_key(&self, account_sid: &str, sid: &str, signing: bool) -> Result<()>;
}
