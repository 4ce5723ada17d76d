//! Store errors. The HTTP layer maps each to a Twilio code in one place.

/// A domain rule refused a write. Each maps to one Twilio error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleViolation {
    #[error("subaccounts cannot contain subaccounts")]
    SubaccountCannotOwn,
    #[error("reached maximum number of subaccounts")]
    SubaccountLimit,
    #[error("account is not active")]
    AccountNotActive,
    #[error("the prepaid balance cannot cover the charge")]
    InsufficientBalance,
    #[error("status of a main account cannot change over the API")]
    MainAccountStatus,
    #[error("the subaccount is closed")]
    AccountClosed,
    #[error("the parent account is suspended")]
    ParentSuspended,
    #[error("operation not allowed on a subaccount")]
    NotMainAccount,
    #[error("the phone number is not available")]
    NumberUnavailable,
    #[error("the phone number requires an address that satisfies its requirement")]
    AddressRequired,
    #[error("no such address on this account")]
    UnknownAddress,
    #[error("the address is required by a phone number")]
    AddressInUse,
    #[error("the target account is not related to the number's owner")]
    TransferUnrelated,
    #[error("the target account is not active")]
    TransferTargetInactive,
    #[error("the From number is not a number of this account with the needed capability")]
    FromNotOwned,
    #[error("the destination country is not permitted for this account")]
    GeoNotPermitted,
    #[error("the call is not in a state that allows this")]
    CallNotLive,
    #[error("the message is not in a state that allows this")]
    MessageNotChangeable,
    #[error("no in-use number receives this traffic")]
    NoSuchNumber,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error(transparent)]
    Rule(#[from] RuleViolation),
    #[error("store unavailable: {0}")]
    Unavailable(String),
    #[error("store error: {0}")]
    Other(String),
}
