//! App passwords through OCS: `GET core/getapppassword` turns a password login into a
//! device's own app password; `DELETE core/apppassword` revokes the one the request used.

use axum::extract::State;
use axum::response::Response;
use ferry_core::{Actor, Error};
use ferry_http::AppState;
use http::HeaderMap;
use http::header::USER_AGENT;
use serde_json::json;

use super::caller;
use crate::envelope::Ocs;
use crate::error::ocs_error;

pub async fn get_app_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Response {
    let actor = match caller(&state, &headers, &ocs).await {
        Ok(a) => a,
        Err(denied) => return denied,
    };
    let device = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("Unnamed device");
    match state.ferry.create_app_password(&actor, device).await {
        Ok((_, raw)) => ocs.ok(json!({ "apppassword": raw })),
        Err(e) => ocs_error(&ocs, &e),
    }
}

pub async fn delete_app_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Response {
    let actor = match caller(&state, &headers, &ocs).await {
        Ok(a) => a,
        Err(denied) => return denied,
    };
    let Actor::User(user) = &actor else {
        return ocs_error(&ocs, &Error::PermissionDenied);
    };
    let Some(id) = user.app_password_id else {
        // Only a request made with an app password can revoke "this" app password.
        return ocs_error(&ocs, &Error::PermissionDenied);
    };
    match state.ferry.revoke_app_password(&actor, id).await {
        Ok(()) => ocs.ok(json!([])),
        Err(e) => ocs_error(&ocs, &e),
    }
}
