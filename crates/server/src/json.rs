//! JSON answers. axum's `Json` starts its buffer at 128 bytes and grows it by doubling; a
//! call or message is 1 to 2 KiB, so each answer was copied four or five times on the way
//! (seen in a profile of call fetches). This one starts where most answers end.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

/// Room for one resource; pages grow from here.
const INITIAL: usize = 4096;

/// `T` as an `application/json` answer.
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut buf = Vec::with_capacity(INITIAL);
        match serde_json::to_writer(&mut buf, &self.0) {
            Ok(()) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                buf,
            )
                .into_response(),
            Err(e) => {
                tracing::error!(error = %e, "an answer could not be serialised");
                ApiError::Internal.into_response()
            }
        }
    }
}
