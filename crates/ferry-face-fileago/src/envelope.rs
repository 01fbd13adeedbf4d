//! FileAgo's success envelope.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `{"status":"success","msg":…,"data":…}` with 200.
pub fn success<T: Serialize>(msg: &str, data: T) -> Response {
    Json(serde_json::json!({ "status": "success", "msg": msg, "data": data })).into_response()
}

/// 204 No Content, as FileAgo answers node actions.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
