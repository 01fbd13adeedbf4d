//! FileOnion's `{data, meta}` envelope.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

pub fn data<T: Serialize>(status: StatusCode, data: T, meta: Value) -> Response {
    (status, Json(json!({ "data": data, "meta": meta }))).into_response()
}

pub fn ok<T: Serialize>(data: T) -> Response {
    self::data(StatusCode::OK, data, json!({}))
}
