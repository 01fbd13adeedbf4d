//! UNLOCK: releases the lock named in `Lock-Token` (204). A token that does not cover the
//! resource is 409; someone else's lock is 403.

use axum::response::Response;
use ferry_core::Error;
use http::StatusCode;

use super::Dav;
use crate::envelope::status;
use crate::error::DavError;

pub async fn handle(dav: &Dav) -> Result<Response, DavError> {
    let raw = dav
        .header("lock-token")
        .ok_or_else(|| Error::invalid("Lock-Token", "is missing"))?
        .trim();
    let token = raw
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .ok_or_else(|| Error::invalid("Lock-Token", "must be <token>"))?;
    let node = dav
        .lookup(&dav.target.segments)
        .await?
        .node()
        .cloned()
        .ok_or(Error::NotFound)?;
    dav.ferry().unlock(&dav.actor, node.id, token).await?;
    Ok(status(StatusCode::NO_CONTENT))
}
