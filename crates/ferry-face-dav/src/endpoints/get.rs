//! GET and HEAD of a file: its current content with ETag, Last-Modified and Range (axum
//! drops the body for HEAD). The ETag is the node's (as in `getetag`), so conditional
//! requests and `If` headers agree with PROPFIND. A folder has no content: 405.

use axum::response::Response;
use ferry_core::Error;
use ferry_http::content::{Disposition, serve_content};
use http::header::{ALLOW, ETAG, IF_NONE_MATCH, IF_RANGE};
use http::{HeaderValue, StatusCode};

use super::{ALLOW as METHODS, Dav, with_node_headers};
use crate::envelope::status;
use crate::error::DavError;
use crate::props::quoted_etag;

/// Whether an `If-None-Match`/`If-Match` list names the tag (or is `*`).
pub fn list_matches(list: &str, etag: &str) -> bool {
    list.split(',').map(str::trim).any(|t| {
        let t = t.strip_prefix("W/").unwrap_or(t);
        t == "*" || t == etag
    })
}

pub async fn handle(dav: &Dav) -> Result<Response, DavError> {
    let node = dav
        .lookup(&dav.target.segments)
        .await?
        .node()
        .cloned()
        .ok_or(Error::NotFound)?;
    if node.is_dir() {
        let mut response = status(StatusCode::METHOD_NOT_ALLOWED);
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static(METHODS));
        return Ok(response);
    }
    let etag = quoted_etag(&node.etag);
    if let Some(list) = dav.header("if-none-match")
        && list_matches(list, &etag)
    {
        return Ok(with_node_headers(status(StatusCode::NOT_MODIFIED), &node));
    }
    if let Some(list) = dav.header("if-match")
        && !list_matches(list, &etag)
    {
        return Err(Error::PreconditionFailed("If-Match".into()).into());
    }
    let content = dav.ferry().content(&dav.actor, node.id, None).await?;
    // Conditions were decided above against the node's ETag; serve_content's own are
    // about the content hash.
    let mut headers = dav.headers.clone();
    headers.remove(IF_NONE_MATCH);
    if dav.header("if-range").is_some_and(|r| r.trim() != etag) {
        headers.remove(http::header::RANGE);
    }
    headers.remove(IF_RANGE);
    let mut response =
        serve_content(dav.ferry(), &content, &headers, Disposition::Attachment).await?;
    if let Ok(v) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(ETAG, v);
    }
    Ok(with_node_headers(response, &node))
}
