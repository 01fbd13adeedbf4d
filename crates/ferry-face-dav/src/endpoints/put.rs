//! PUT: stores a file (201 new, 204 replaced), streamed into a staged blob and bounded by
//! the quota (507). Honours `If-Match`/`If-None-Match` (412), `X-OC-MTime` (answered with
//! `X-OC-MTime: accepted`) and `OC-Checksum` (kept with the version, shown in
//! `oc:checksums`), and answers with `ETag`, `OC-ETag` and `OC-FileId`.

use axum::body::Body;
use axum::response::Response;
use ferry_core::Error;
use ferry_core::files::{PathLookup, PutFile};
use futures::TryStreamExt;
use http::header::CONTENT_LENGTH;
use http::{HeaderMap, HeaderValue, StatusCode};

use super::get::list_matches;
use super::{Dav, with_node_headers};
use crate::envelope::status;
use crate::error::DavError;
use crate::props::quoted_etag;

/// `X-OC-MTime` in Unix seconds (a fraction is allowed) to milliseconds.
pub fn oc_mtime(value: &str) -> Option<i64> {
    let secs: f64 = value.trim().parse().ok()?;
    (0.0..1e13)
        .contains(&secs)
        .then_some((secs * 1000.0) as i64)
}

/// The `X-OC-Mtime` header, if sent; 400 when it is not a time.
pub fn oc_mtime_header(headers: &HeaderMap) -> Result<Option<i64>, DavError> {
    match headers.get("x-oc-mtime").map(|v| v.to_str()) {
        None => Ok(None),
        Some(Ok(v)) if oc_mtime(v).is_some() => Ok(oc_mtime(v)),
        Some(_) => Err(Error::invalid("X-OC-MTime", "is not a time").into()),
    }
}

/// The `OC-Checksum` the client sent (`SHA1:…`), kept with the version.
pub fn client_checksum(headers: &HeaderMap) -> Option<String> {
    headers
        .get("oc-checksum")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

pub async fn handle(dav: &Dav, body: Body) -> Result<Response, DavError> {
    if dav.header("content-range").is_some() {
        // RFC 9110 §14.5: a partial PUT is refused rather than stored as a whole file.
        return Err(Error::invalid("Content-Range", "partial PUT is not supported").into());
    }
    let lookup = dav.lookup(&dav.target.segments).await?;
    let (parent, existing) = match &lookup {
        PathLookup::Found(node) if node.is_dir() => {
            return Err(StatusCode::METHOD_NOT_ALLOWED.into());
        }
        PathLookup::Found(node) => (
            node.parent.ok_or(StatusCode::METHOD_NOT_ALLOWED)?,
            Some(node),
        ),
        PathLookup::Missing { parent } => (parent.id, None),
        PathLookup::NoParent => return Err(StatusCode::CONFLICT.into()),
    };
    let name = dav
        .target
        .segments
        .last()
        .cloned()
        .ok_or(StatusCode::METHOD_NOT_ALLOWED)?;
    let etag = existing.map(|n| quoted_etag(&n.etag));
    if let Some(list) = dav.header("if-match")
        && !etag.as_deref().is_some_and(|e| list_matches(list, e))
    {
        return Err(Error::PreconditionFailed("If-Match".into()).into());
    }
    if let Some(list) = dav.header("if-none-match")
        && etag.as_deref().is_some_and(|e| list_matches(list, e))
    {
        return Err(Error::PreconditionFailed("If-None-Match".into()).into());
    }
    let lock_tokens = dav.if_tokens(&lookup).await?;
    let mtime_ms = oc_mtime_header(&dav.headers)?;
    let checksum = client_checksum(&dav.headers);

    let allowance = dav.ferry().upload_allowance(&dav.actor, parent).await?;
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
    let staged = dav.ferry().stage(stream, allowance).await?;
    let outcome = dav
        .ferry()
        .put_file(
            &dav.actor,
            PutFile {
                parent,
                name,
                staged,
                mtime_ms,
                checksum,
                lock_tokens,
            },
        )
        .await
        .map_err(|e| match e {
            Error::AlreadyExists(_) => DavError::Status(StatusCode::METHOD_NOT_ALLOWED),
            other => other.into(),
        })?;
    let code = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    };
    let mut response = with_node_headers(status(code), &outcome.node);
    if mtime_ms.is_some() {
        response
            .headers_mut()
            .insert("x-oc-mtime", HeaderValue::from_static("accepted"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_oc_mtime() {
        assert_eq!(oc_mtime("1700000000"), Some(1_700_000_000_000));
        assert_eq!(oc_mtime("1.5"), Some(1500));
        assert_eq!(oc_mtime("-1"), None);
        assert_eq!(oc_mtime("soon"), None);
    }
}
