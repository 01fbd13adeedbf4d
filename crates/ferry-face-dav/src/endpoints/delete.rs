//! DELETE: puts the resource (a folder with everything below it) in the owner's trash.

use axum::response::Response;
use ferry_core::Error;
use http::StatusCode;

use super::{Dav, Depth, depth};
use crate::envelope::status;
use crate::error::DavError;

pub async fn handle(dav: &Dav) -> Result<Response, DavError> {
    if depth(&dav.headers, Depth::Infinity)? != Depth::Infinity {
        // RFC 4918 §9.6.1: a collection is deleted whole or not at all.
        return Err(Error::invalid("Depth", "DELETE takes Depth: infinity").into());
    }
    let lookup = dav.lookup(&dav.target.segments).await?;
    let node = lookup.node().cloned().ok_or(Error::NotFound)?;
    if node.parent.is_none() {
        return Err(StatusCode::FORBIDDEN.into());
    }
    let tokens = dav.if_tokens(&lookup).await?;
    dav.ferry().remove(&dav.actor, node.id, &tokens).await?;
    Ok(status(StatusCode::NO_CONTENT))
}
