//! One module per OCS family.

pub mod app_password;
pub mod apps;
pub mod capabilities;
pub mod config;
pub mod groups;
pub mod login_flow;
pub mod status;
pub mod user;
pub mod users;

use axum::response::Response;
use ferry_core::{Actor, Error};
use ferry_http::AppState;
use http::HeaderMap;

use crate::envelope::Ocs;
use crate::error::ocs_error;

/// The Nextcloud server version Ferry presents itself as. Clients gate features on it
/// (the desktop asks for share types from 10.0 on; nc-py-api reads `capabilities.version`),
/// so it names a current Nextcloud whose wire behaviour Ferry follows.
pub const MAJOR: u32 = 28;
pub const MINOR: u32 = 0;
pub const MICRO: u32 = 4;

/// Unknown OCS paths answer in the envelope, not with a bare 404.
pub async fn not_found(ocs: Ocs) -> Response {
    ocs_error(&ocs, &Error::NotFound)
}

/// The caller of an OCS route: Basic (password) or a bearer session token.
pub(crate) async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    ocs: &Ocs,
) -> Result<Actor, Response> {
    ferry_http::credentials::bearer_or_basic_actor(&state.ferry, headers, ocs.client_ip)
        .await
        .map_err(|e| ocs_error(ocs, &e))
}
