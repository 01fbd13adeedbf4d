//! One module per FileOnion API family.

pub mod api_keys;
pub mod teams;

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use ferry_core::{Actor, Error};
use ferry_http::AppState;

use crate::error::ApiError;

/// The caller: `Authorization: Bearer` with an API key (or a session token).
pub(crate) async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Actor, ApiError> {
    Ok(ferry_http::credentials::bearer_actor(&state.ferry, headers).await?)
}

/// Paths under `/api/v2/` that are not (yet) served answer in the envelope.
pub async fn not_found() -> Response {
    ApiError(Error::NotFound).into_response()
}

/// A method a served `/api/v2/` path does not take: 405 in the envelope, not axum's empty body.
pub async fn method_not_allowed() -> Response {
    crate::error::method_not_allowed()
}
