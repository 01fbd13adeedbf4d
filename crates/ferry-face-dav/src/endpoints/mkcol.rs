//! MKCOL: makes a folder. 201; 405 when something is already there; 409 when the parent is
//! missing; 415 when a body is sent (Ferry knows no MKCOL body format).

use axum::body::Body;
use axum::response::Response;
use ferry_core::Error;
use ferry_core::files::PathLookup;
use http::StatusCode;
use http_body_util::BodyExt;

use super::{Dav, with_node_headers};
use crate::envelope::status;
use crate::error::DavError;

pub async fn handle(dav: &Dav, mut body: Body) -> Result<Response, DavError> {
    let has_body = match body.frame().await {
        None => false,
        Some(Ok(frame)) => frame.data_ref().is_none_or(|d| !d.is_empty()),
        Some(Err(_)) => return Err(Error::invalid("body", "could not be read").into()),
    };
    if has_body {
        return Err(StatusCode::UNSUPPORTED_MEDIA_TYPE.into());
    }
    let lookup = dav.lookup(&dav.target.segments).await?;
    let (parent, name) = match (&lookup, dav.target.segments.last()) {
        (PathLookup::Missing { parent }, Some(name)) => (parent.id, name.clone()),
        (PathLookup::NoParent, _) => return Err(StatusCode::CONFLICT.into()),
        _ => return Err(StatusCode::METHOD_NOT_ALLOWED.into()),
    };
    let tokens = dav.if_tokens(&lookup).await?;
    let node = dav
        .ferry()
        .make_folder(&dav.actor, parent, &name, &tokens)
        .await
        .map_err(|e| match e {
            Error::AlreadyExists(_) => DavError::Status(StatusCode::METHOD_NOT_ALLOWED),
            other => other.into(),
        })?;
    Ok(with_node_headers(status(StatusCode::CREATED), &node))
}
