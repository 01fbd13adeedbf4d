//! Uploads: `GET /api/nodes/{uuid}/upload` issues a short-lived token; `POST /upload/{token}`
//! takes a multipart body whose `file` parts become new files in the folder (a same-name
//! file gets a new revision), or one new revision when the token was issued for a file.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_LENGTH;
use axum::response::{IntoResponse, Response};
use ferry_core::files::IncomingFile;
use ferry_core::{Error, Result};
use ferry_http::AppState;
use futures::TryStreamExt;

use super::caller;
use crate::dto::{UploadTokenResponse, UploadedFile};
use crate::error::ApiError;
use crate::location;

/// Room for multipart framing on top of the file bytes when judging Content-Length early.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// Most files one upload request may carry.
const MAX_FILES_PER_UPLOAD: usize = 1000;

pub async fn issue_token(
    State(state): State<AppState>,
    Path(node): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let token = state
        .ferry
        .issue_upload_token(&actor, location::parse(&node)?)
        .await?;
    Ok(Json(UploadTokenResponse {
        token,
        status: "success",
        msg: "This token is valid for next 5 seconds only".to_owned(),
    })
    .into_response())
}

pub async fn upload(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let grant = state
        .ferry
        .redeem_upload_token(&token)
        .await
        .map_err(|e| match e {
            Error::Unauthenticated => ApiError::with_msg(e, "Invalid or expired upload token."),
            other => other.into(),
        })?;
    let mut multipart = multipart
        .map_err(|e| Error::invalid("body", format!("must be multipart/form-data: {e}")))?;
    let allowance = state
        .ferry
        .upload_allowance(&grant.actor, grant.target)
        .await?;
    let announced = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let (Some(limit), Some(length)) = (allowance, announced)
        && length > limit.saturating_add(MULTIPART_OVERHEAD)
    {
        return Err(Error::QuotaExceeded.into());
    }

    let mut files: Vec<IncomingFile> = Vec::new();
    let staged = stage_parts(&state, &mut multipart, allowance, &mut files).await;
    if let Err(e) = staged {
        for file in files {
            file.staged.abort().await;
        }
        return Err(e.into());
    }
    let stored = state
        .ferry
        .store_files(&grant.actor, grant.target, files)
        .await?;
    let data: Vec<UploadedFile> = stored
        .into_iter()
        .map(|n| UploadedFile {
            uuid: n.id.to_string(),
            name: n.name,
            size: n.size,
            revision: n.revision,
        })
        .collect();
    Ok(Json(serde_json::json!({
        "status": "success",
        "msg": "File(s) uploaded successfully",
        "data": data,
    }))
    .into_response())
}

/// Streams every part that carries a file name into the blob store, within the allowance
/// shared by all parts. Other form fields are skipped.
async fn stage_parts(
    state: &AppState,
    multipart: &mut Multipart,
    allowance: Option<u64>,
    files: &mut Vec<IncomingFile>,
) -> Result<()> {
    let mut used: u64 = 0;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| Error::invalid("body", format!("malformed multipart: {}", e.body_text())))?
    {
        let Some(name) = field.file_name().map(str::to_owned) else {
            if field.name() == Some("file") {
                return Err(Error::invalid("file", "part has no file name"));
            }
            continue;
        };
        if files.len() >= MAX_FILES_PER_UPLOAD {
            return Err(Error::invalid("file", "too many files in one upload"));
        }
        ferry_core::names::validate_name(&name)?;
        let limit = allowance.map(|a| a.saturating_sub(used));
        let body = field
            .map_err(|e| Error::invalid("file", format!("upload broke off: {}", e.body_text())));
        let staged = state.ferry.stage(body, limit).await?;
        used += staged.size();
        files.push(IncomingFile {
            name,
            staged,
            mtime_ms: None,
        });
    }
    Ok(())
}
