//! The first main account: fixed credentials from the environment (for users' CI), or one
//! created and printed when the database holds no account at all.

use switchboard_store::{AccountRecord, Store, StoreError};

use crate::error::{ApiError, ApiResult};
use crate::operator::{self, CreateMain, UpdateMain};

#[derive(Debug)]
pub enum Outcome {
    /// The configured credentials exist now (created or updated to match).
    Fixed(AccountRecord),
    /// The database was empty; this account was created and must be shown to the user.
    Created(AccountRecord),
    /// Nothing to do.
    Existing,
}

pub async fn run(
    store: &dyn Store,
    now: i64,
    sid: Option<&str>,
    token: Option<&str>,
) -> ApiResult<Outcome> {
    match (sid, token) {
        (Some(sid), Some(token)) => {
            if let Some(found) = store.account(sid).await? {
                if !found.is_main() {
                    return Err(ApiError::bad_request(
                        20422,
                        format!("{sid} is a subaccount; the bootstrap account must be a main account"),
                    ));
                }
                if found.auth_token == token {
                    return Ok(Outcome::Fixed(found));
                }
                let update = UpdateMain { auth_token: Some(token.into()), ..Default::default() };
                return Ok(Outcome::Fixed(operator::update_main(store, sid, now, update).await?));
            }
            let new = CreateMain {
                sid: Some(sid.into()),
                auth_token: Some(token.into()),
                ..Default::default()
            };
            match operator::create_main(store, now, new).await {
                Ok(r) => Ok(Outcome::Fixed(r)),
                // Another instance created it at the same moment.
                Err(ApiError::Conflict) => Ok(Outcome::Fixed(
                    store.account(sid).await?.ok_or(ApiError::from(StoreError::NotFound))?,
                )),
                Err(e) => Err(e),
            }
        }
        (None, None) => {
            if store.count_accounts().await? > 0 {
                return Ok(Outcome::Existing);
            }
            Ok(Outcome::Created(operator::create_main(store, now, CreateMain::default()).await?))
        }
        _ => Err(ApiError::bad_request(
            20422,
            "Set both SWITCHBOARD_BOOTSTRAP_ACCOUNT_SID and SWITCHBOARD_BOOTSTRAP_AUTH_TOKEN, or neither",
        )),
    }
}
