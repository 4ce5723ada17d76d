//! `GET /healthz`: 200 once the store is open and migrated (the listener binds only then).

use crate::json::Json;
use serde_json::{json, Value};

/// GET /healthz
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}
