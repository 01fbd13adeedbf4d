//! One module per FileAgo API family.

pub mod auth;
pub mod nodes;
pub mod resources;
pub mod upload;

use axum::http::HeaderMap;
use ferry_core::Actor;
use ferry_http::AppState;

use crate::error::ApiError;

/// The caller of an `/api/…` route: a session token in `Authorization: Bearer`.
pub(crate) async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Actor, ApiError> {
    Ok(ferry_http::credentials::bearer_actor(&state.ferry, headers).await?)
}
