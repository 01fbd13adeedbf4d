//! Legacy chunking on the files mount: `PUT <dir>/<name>-chunking-<transfer>-<count>-<index>`
//! with `OC-Chunked` (the desktop's fallback when `dav.chunking` is not advertised; parts
//! arrive in parallel and out of order). A pending part is answered 201 **without** an
//! ETag: the desktop takes the first reply with one as the end of the whole upload. Only
//! the reply whose part completes the file carries `ETag`, `OC-ETag` and `OC-FileId`.

use axum::body::Body;
use axum::response::Response;
use ferry_core::Error;
use ferry_core::files::{LegacyChunkOutcome, PathLookup, UploadFinish, parse_legacy_chunk_name};
use futures::TryStreamExt;
use http::header::CONTENT_LENGTH;
use http::{HeaderValue, StatusCode};

use super::{Dav, client_checksum, list_matches, oc_mtime_header, with_node_headers};
use crate::envelope::status;
use crate::error::DavError;
use crate::props::quoted_etag;

/// Whether a PUT is a legacy part: it says so (`OC-Chunked`) and its name parses as one.
/// A plain PUT of a file that merely looks like a part name stores that file.
pub fn is_legacy_chunk(dav: &Dav) -> bool {
    dav.header("oc-chunked").is_some()
        && dav
            .target
            .segments
            .last()
            .is_some_and(|name| parse_legacy_chunk_name(name).is_some())
}

pub async fn handle(dav: &Dav, body: Body) -> Result<Response, DavError> {
    let segments = &dav.target.segments;
    let (name, folder) = segments
        .split_last()
        .ok_or(StatusCode::METHOD_NOT_ALLOWED)?;
    let chunk = parse_legacy_chunk_name(name)
        .ok_or_else(|| Error::invalid("name", "is not a '-chunking-' part name"))?;
    let parent = match dav.lookup(segments).await? {
        PathLookup::Missing { parent } => parent.id,
        PathLookup::Found(node) => node.parent.ok_or(StatusCode::METHOD_NOT_ALLOWED)?,
        PathLookup::NoParent => return Err(StatusCode::CONFLICT.into()),
    };
    // Conditions are about the file being uploaded, not the part's own name.
    let mut file_path = folder.to_vec();
    file_path.push(chunk.base_name.to_owned());
    let file = dav.lookup(&file_path).await?;
    let etag = file.node().map(|n| quoted_etag(&n.etag));
    if let Some(list) = dav.header("if-match")
        && !etag.as_deref().is_some_and(|e| list_matches(list, e))
    {
        return Err(Error::PreconditionFailed("If-Match".into()).into());
    }
    let lock_tokens = dav.if_tokens(&file).await?;
    let mtime_ms = oc_mtime_header(&dav.headers)?;
    let total = match dav.header("oc-total-length") {
        None => None,
        Some(v) => Some(
            v.trim()
                .parse::<u64>()
                .map_err(|_| Error::invalid("OC-Total-Length", "is not a byte count"))?,
        ),
    };
    let ferry = dav.ferry();
    let allowance = ferry.upload_allowance(&dav.actor, parent).await?;
    let announced = dav
        .header(CONTENT_LENGTH.as_str())
        .and_then(|v| v.parse::<u64>().ok());
    if let (Some(limit), Some(length)) = (allowance, announced)
        && length > limit
    {
        return Err(Error::QuotaExceeded.into());
    }
    let stream = body
        .into_data_stream()
        .map_err(|e| Error::invalid("body", format!("upload broke off: {e}")));
    let staged = ferry.stage(stream, allowance).await?;
    let finish = UploadFinish {
        mtime_ms,
        checksum: client_checksum(&dav.headers),
        lock_tokens,
    };
    let outcome = ferry
        .put_legacy_chunk_with(&dav.actor, parent, name, staged, total, finish)
        .await?;
    match outcome {
        LegacyChunkOutcome::Pending => Ok(status(StatusCode::CREATED)),
        LegacyChunkOutcome::Completed { node, created } => {
            let code = if created {
                StatusCode::CREATED
            } else {
                StatusCode::NO_CONTENT
            };
            let mut response = with_node_headers(status(code), &node);
            if mtime_ms.is_some() {
                response
                    .headers_mut()
                    .insert("x-oc-mtime", HeaderValue::from_static("accepted"));
            }
            Ok(response)
        }
    }
}
