//! Every failure becomes Twilio's `{code, message, more_info, status}` body here, from one
//! `match`. Codes come from `shared/docs/twilio-errors.md`. Internal causes go to the log only.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use switchboard_store::{RuleViolation, StoreError};
use switchboard_wire::error::ErrorBody;

tokio::task_local! {
    /// The path of the request being served, so 20404 messages can echo it.
    pub static REQUEST_PATH: String;
}

#[derive(Debug)]
pub enum ApiError {
    /// 20003: missing or wrong credentials, or credentials that do not reach the account.
    Authenticate,
    /// 20404: unknown path or SID, or a resource of an account the caller cannot see.
    NotFound,
    /// 20004: the path exists but not with this method.
    MethodNotAllowed,
    /// 20403: authenticated, but this credential may not do this.
    Forbidden(String),
    /// A 400 with a specific Twilio code (21xxx/20xxx).
    BadRequest { code: u32, message: String },
    /// A domain rule refused the write.
    Rule(RuleViolation),
    /// 20409.
    Conflict,
    /// Any other code and HTTP status (the operator plane's refusals of inbound traffic).
    Other {
        code: u32,
        status: u16,
        message: String,
    },
    /// 20503: the store is unreachable or overloaded; worth retrying.
    Unavailable,
    /// 20500: a bug or an unexpected store failure.
    Internal,
}

impl ApiError {
    pub fn bad_request(code: u32, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// 20001 for a required parameter that is absent.
    // https://www.twilio.com/docs/errors/20001
    pub fn missing(name: &str) -> Self {
        ApiError::bad_request(
            20001,
            format!("Missing required parameter {name} in the post body"),
        )
    }

    /// 20422 for a parameter whose value cannot be used.
    pub fn invalid_parameter(name: &str, value: &str) -> Self {
        ApiError::bad_request(
            20422,
            format!("Invalid Parameter: {name} '{value}' is not valid"),
        )
    }

    pub fn body(&self) -> ErrorBody {
        let path = || REQUEST_PATH.try_with(|p| p.clone()).unwrap_or_default();
        match self {
            // https://www.twilio.com/docs/errors/20003
            ApiError::Authenticate => ErrorBody {
                detail: Some("Your AccountSid or AuthToken was incorrect.".into()),
                ..ErrorBody::new(20003, 401, "Authenticate")
            },
            // https://www.twilio.com/docs/errors/20404
            ApiError::NotFound => ErrorBody::new(
                20404,
                404,
                format!("The requested resource {} was not found", path()),
            ),
            // https://www.twilio.com/docs/errors/20004
            ApiError::MethodNotAllowed => ErrorBody::new(20004, 405, "Method not allowed"),
            // https://www.twilio.com/docs/errors/20403
            ApiError::Forbidden(m) => ErrorBody::new(20403, 403, m.clone()),
            ApiError::BadRequest { code, message } => ErrorBody::new(*code, 400, message.clone()),
            ApiError::Rule(v) => rule_body(v),
            ApiError::Other {
                code,
                status,
                message,
            } => ErrorBody::new(*code, *status, message.clone()),
            // https://www.twilio.com/docs/errors/20409
            ApiError::Conflict => ErrorBody::new(20409, 409, "Conflict"),
            // https://www.twilio.com/docs/errors/20503
            ApiError::Unavailable => ErrorBody::new(20503, 503, "Service unavailable"),
            // https://www.twilio.com/docs/errors/20500
            ApiError::Internal => ErrorBody::new(20500, 500, "Internal Server Error"),
        }
    }
}

fn rule_body(v: &RuleViolation) -> ErrorBody {
    match v {
        // https://www.twilio.com/docs/errors/21101
        RuleViolation::SubaccountCannotOwn => {
            ErrorBody::new(21101, 400, "Subaccounts cannot contain subaccounts")
        }
        // https://www.twilio.com/docs/errors/21480
        RuleViolation::SubaccountLimit => {
            ErrorBody::new(21480, 400, "Reached maximum number of subaccounts")
        }
        // https://www.twilio.com/docs/errors/10001
        RuleViolation::AccountNotActive => ErrorBody::new(10001, 403, "Account is not active"),
        // A prepaid tree out of balance: Twilio refuses traffic with 10001 too.
        RuleViolation::InsufficientBalance => ErrorBody::new(
            10001,
            403,
            "Account is not active: its prepaid balance cannot cover this",
        ),
        // https://www.twilio.com/docs/errors/21477
        RuleViolation::MainAccountStatus => {
            ErrorBody::new(21477, 400, "Unable to update Status for parent accounts")
        }
        // https://www.twilio.com/docs/errors/21479
        RuleViolation::AccountClosed => ErrorBody::new(
            21479,
            400,
            "Unable to update Status for subaccount, subaccount has been closed.",
        ),
        // https://www.twilio.com/docs/errors/21476
        RuleViolation::ParentSuspended => ErrorBody::new(
            21476,
            400,
            "Unable to update Status for subaccount, parent account is suspended.",
        ),
        // Operator plane only: operators manage main accounts.
        RuleViolation::NotMainAccount => ErrorBody::new(
            20422,
            400,
            "Only main accounts can be managed by the operator",
        ),
        // https://www.twilio.com/docs/errors/21422
        RuleViolation::NumberUnavailable => {
            ErrorBody::new(21422, 400, "PhoneNumber is not available")
        }
        // https://www.twilio.com/docs/errors/21631
        RuleViolation::AddressRequired => ErrorBody::new(
            21631,
            400,
            "Phone Number Requires an Address: the account has no Address that satisfies the number's address requirements",
        ),
        RuleViolation::UnknownAddress => ErrorBody::new(
            20422,
            400,
            "Invalid Parameter: AddressSid is not an Address of this account",
        ),
        // No documented code; 21631 names the dependency that blocks the deletion.
        RuleViolation::AddressInUse => ErrorBody::new(
            21631,
            400,
            "This Address is required by one or more phone numbers and cannot be deleted",
        ),
        // https://www.twilio.com/docs/errors/21473
        RuleViolation::TransferUnrelated => ErrorBody::new(
            21473,
            400,
            "AccountSid you are transferring to is not related to the originating owner of the phone number",
        ),
        // https://www.twilio.com/docs/errors/21472
        RuleViolation::TransferTargetInactive => ErrorBody::new(21472, 400, "Account is not active"),
        // Handlers give these their resource's code (21210 for calls); these are the defaults.
        // https://www.twilio.com/docs/errors/21606
        RuleViolation::FromNotOwned => ErrorBody::new(
            21606,
            400,
            "The From phone number is not a valid, SMS-capable inbound phone number or short code for your account.",
        ),
        // https://www.twilio.com/docs/errors/21408
        RuleViolation::GeoNotPermitted => ErrorBody::new(
            21408,
            400,
            "Permission to send has not been enabled for the region of the 'To' number",
        ),
        // https://www.twilio.com/docs/errors/21220
        RuleViolation::CallNotLive => ErrorBody::new(21220, 400, "Call is not in-progress"),
        RuleViolation::MessageNotChangeable => {
            ErrorBody::new(20009, 400, "The message cannot be changed in its current state")
        }
        RuleViolation::NoSuchNumber => {
            ErrorBody::new(20404, 404, "No account owns this phone number")
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Rule(v) => ApiError::Rule(v),
            StoreError::Conflict(cause) => {
                tracing::warn!(%cause, "store conflict");
                ApiError::Conflict
            }
            StoreError::Unavailable(cause) => {
                tracing::error!(%cause, "store unavailable");
                ApiError::Unavailable
            }
            StoreError::Other(cause) => {
                tracing::error!(%cause, "store error");
                ApiError::Internal
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body();
        let status = StatusCode::from_u16(body.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, crate::json::Json(body)).into_response();
        if matches!(self, ApiError::Authenticate) {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Twilio API\""),
            );
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn not_found_echoes_the_request_path() {
        let body = REQUEST_PATH
            .scope("/2010-04-01/Accounts/ACx.json".into(), async {
                ApiError::NotFound.body()
            })
            .await;
        assert_eq!(
            body.message,
            "The requested resource /2010-04-01/Accounts/ACx.json was not found"
        );
        assert_eq!((body.code, body.status), (20404, 404));
    }

    #[test]
    fn every_rule_has_a_twilio_code() {
        let cases = [
            (RuleViolation::SubaccountCannotOwn, 21101, 400),
            (RuleViolation::SubaccountLimit, 21480, 400),
            (RuleViolation::AccountNotActive, 10001, 403),
            (RuleViolation::InsufficientBalance, 10001, 403),
            (RuleViolation::MainAccountStatus, 21477, 400),
            (RuleViolation::AccountClosed, 21479, 400),
            (RuleViolation::ParentSuspended, 21476, 400),
            (RuleViolation::NumberUnavailable, 21422, 400),
            (RuleViolation::AddressRequired, 21631, 400),
            (RuleViolation::TransferUnrelated, 21473, 400),
            (RuleViolation::TransferTargetInactive, 21472, 400),
        ];
        for (v, code, status) in cases {
            let b = ApiError::Rule(v).body();
            assert_eq!((b.code, b.status), (code, status));
            assert_eq!(
                b.more_info,
                format!("https://www.twilio.com/docs/errors/{code}")
            );
        }
    }
}
