//! `GET /resources/auth/{download|view}/{fileaccesskey}/{uuid}/{version}/{filename}`:
//! a file's bytes, authorised by the session's file access key (no Authorization header,
//! so links work in a browser). Version `999999999999999` is the latest.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ferry_core::{Error, NodeId};
use ferry_http::AppState;
use ferry_http::content::{Disposition, serve_content};

use crate::error::ApiError;

pub async fn file(
    State(state): State<AppState>,
    Path((mode, key, node, version, _filename)): Path<(String, String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let disposition = match mode.as_str() {
        "download" => Disposition::Attachment,
        "view" => Disposition::Inline,
        _ => return Err(Error::NotFound.into()),
    };
    let actor = state
        .ferry
        .authenticate_file_key(&key)
        .await
        .map_err(|e| match e {
            Error::Unauthenticated => ApiError::with_msg(e, "Invalid or expired file access key."),
            other => other.into(),
        })?;
    let id: NodeId = node.parse().map_err(|_| Error::NotFound)?;
    let version: i64 = version
        .parse()
        .ok()
        .filter(|v| *v >= 1)
        .ok_or_else(|| Error::invalid("version", "must be a revision number"))?;
    let content = state.ferry.content(&actor, id, Some(version)).await?;
    Ok(serve_content(&state.ferry, &content, &headers, disposition).await?)
}
