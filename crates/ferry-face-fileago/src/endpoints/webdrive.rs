//! `/api/user/webdrive` and `/api/groups/{g}/webdrive`: GET, POST (create or replace) and
//! DELETE of a WebDrive endpoint, which the WebDAV face serves at `/webdrive/{endpoint}/`.
//! Who may is core's (`ferry_core::webdrive`).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ferry_core::Error;
use ferry_core::webdrive::WebDrive;
use ferry_http::AppState;

use super::caller;
use super::groups::{group_id, parse_body};
use crate::dto::{WebDriveBody, WebDriveInfo};
use crate::envelope::success;
use crate::error::ApiError;

fn shown(state: &AppState, drive: Option<WebDrive>) -> Result<Response, ApiError> {
    let drive = drive.ok_or(Error::NotFound)?;
    Ok(success(
        "WebDrive endpoint fetched successfully",
        WebDriveInfo::new(&drive, &state.public_url),
    ))
}

fn saved(state: &AppState, drive: &WebDrive) -> Response {
    success(
        "WebDrive endpoint saved successfully",
        WebDriveInfo::new(drive, &state.public_url),
    )
}

fn deleted() -> Response {
    success(
        "WebDrive endpoint deleted successfully",
        serde_json::Value::Null,
    )
}

/// `GET /api/user/webdrive`
pub async fn get_mine(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let drive = state.ferry.my_webdrive(&actor).await?;
    shown(&state, drive)
}

/// `POST /api/user/webdrive` with `{"endpoint": …}`
pub async fn set_mine(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let body: WebDriveBody = parse_body(body).await?;
    let drive = state.ferry.set_my_webdrive(&actor, &body.endpoint).await?;
    Ok(saved(&state, &drive))
}

/// `DELETE /api/user/webdrive`
pub async fn delete_mine(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    state.ferry.delete_my_webdrive(&actor).await?;
    Ok(deleted())
}

/// `GET /api/groups/{g}/webdrive`
pub async fn get_group(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let drive = state
        .ferry
        .group_webdrive(&actor, group_id(&group)?)
        .await?;
    shown(&state, drive)
}

/// `POST /api/groups/{g}/webdrive` with `{"endpoint": …, "show_url_to_group_members": …}`
pub async fn set_group(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = group_id(&group)?;
    let body: WebDriveBody = parse_body(body).await?;
    let show = body.show_url_to_group_members.unwrap_or(false);
    let drive = state
        .ferry
        .set_group_webdrive(&actor, id, &body.endpoint, show)
        .await?;
    Ok(saved(&state, &drive))
}

/// `DELETE /api/groups/{g}/webdrive`
pub async fn delete_group(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    state
        .ferry
        .delete_group_webdrive(&actor, group_id(&group)?)
        .await?;
    Ok(deleted())
}
