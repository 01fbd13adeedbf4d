//! FulliO's success answers. The document shows its resources bare (a user object, or
//! `{"groups": [...]}` for a listing), so success bodies are the wire shape itself with
//! the fitting status; errors are in `error.rs`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// 200 with the shape as the body.
pub fn ok<T: Serialize>(body: T) -> Response {
    (StatusCode::OK, Json(body)).into_response()
}

/// 201 with the made resource as the body.
pub fn created<T: Serialize>(body: T) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

/// 204: deletions and removals answer with no body.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
