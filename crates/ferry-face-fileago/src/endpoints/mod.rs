//! One module per FileAgo API family.

pub mod admin_groups;
pub mod admin_users;
pub mod auth;
pub mod groups;
pub mod nodes;
pub mod resources;
pub mod upload;
pub mod user;
pub mod webdrive;

use axum::http::HeaderMap;
use ferry_core::Actor;
use ferry_http::AppState;

use crate::error::ApiError;

/// The caller of an `/api/…` route: a session token in `Authorization: Bearer`.
pub(crate) async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Actor, ApiError> {
    Ok(ferry_http::credentials::bearer_actor(&state.ferry, headers).await?)
}

pub(crate) use ferry_http::credentials::client_ip;
