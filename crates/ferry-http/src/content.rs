//! Serving a file version: Content-Type from the name, ETag, Last-Modified, conditional
//! GET, single byte ranges (206/416), and a streamed body whatever the size.

use axum::body::Body;
use axum::response::Response;
use ferry_core::files::Content;
use ferry_core::ports::ByteRange;
use ferry_core::{Error, Ferry, Result};
use headers::{HeaderMapExt, IfNoneMatch, IfRange, Range};
use http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE,
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, LAST_MODIFIED,
};
use http::{HeaderMap, HeaderValue, StatusCode};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::ops::Bound;
use std::time::{Duration, UNIX_EPOCH};

/// Whether the browser should save the file or show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    Attachment,
    Inline,
}

/// What a `Range` header asks of a body of `size` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeRequest {
    /// No range, or one we answer with the whole body (several ranges).
    Full,
    Partial(ByteRange),
    Unsatisfiable,
}

/// Interprets the request's Range header for a body of `size` bytes.
pub fn range_request(headers: &HeaderMap, size: u64) -> RangeRequest {
    let Some(range) = headers.typed_get::<Range>() else {
        return RangeRequest::Full;
    };
    let ranges: Vec<_> = range.satisfiable_ranges(size).collect();
    if ranges.len() > 1 {
        // Multipart/byteranges is optional (RFC 9110 §14.2); the whole body is a valid answer.
        return RangeRequest::Full;
    }
    let Some((start, end)) = ranges.first() else {
        return RangeRequest::Unsatisfiable;
    };
    let first = match start {
        Bound::Included(s) => *s,
        Bound::Excluded(s) => s + 1,
        Bound::Unbounded => 0,
    };
    let last_exclusive = match end {
        Bound::Included(e) => e.saturating_add(1).min(size),
        Bound::Excluded(e) => (*e).min(size),
        Bound::Unbounded => size,
    };
    if first >= size || first >= last_exclusive {
        return RangeRequest::Unsatisfiable;
    }
    RangeRequest::Partial(ByteRange {
        start: first,
        len: last_exclusive - first,
    })
}

const FILENAME_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'_')
    .remove(b'~');

/// `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf` (RFC 6266/8187), with the
/// plain form reduced to safe ASCII.
pub fn content_disposition(disposition: Disposition, name: &str) -> HeaderValue {
    let kind = match disposition {
        Disposition::Attachment => "attachment",
        Disposition::Inline => "inline",
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = utf8_percent_encode(name, FILENAME_SAFE);
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// Types a browser would run as a page: never shown inline without a sandbox.
fn is_active_content(mime: &str) -> bool {
    matches!(
        mime,
        "text/html" | "image/svg+xml" | "application/xhtml+xml" | "text/xml" | "application/xml"
    )
}

/// The strong ETag of a version: its content hash.
pub fn content_etag(content: &Content) -> String {
    format!("\"{}\"", content.version.content_hash)
}

/// Builds the response for a file version (GET; axum drops the body for HEAD).
pub async fn serve_content(
    ferry: &Ferry,
    content: &Content,
    request: &HeaderMap,
    disposition: Disposition,
) -> Result<Response> {
    let size = u64::try_from(content.version.size).map_err(|_| Error::internal("negative size"))?;
    let etag = content_etag(content);
    let etag_header = HeaderValue::from_str(&etag).map_err(Error::internal)?;
    let modified =
        UNIX_EPOCH + Duration::from_millis(u64::try_from(content.node.updated_ms).unwrap_or(0));
    let mime = mime_guess::from_path(&content.node.name)
        .first_or_octet_stream()
        .essence_str()
        .to_owned();

    let mut builder = Response::builder()
        .header(ETAG, etag_header.clone())
        .header(LAST_MODIFIED, httpdate::fmt_http_date(modified))
        .header(ACCEPT_RANGES, "bytes")
        .header(CACHE_CONTROL, "private, no-cache")
        .header("x-content-type-options", "nosniff")
        .header(
            CONTENT_DISPOSITION,
            content_disposition(disposition, &content.node.name),
        );
    if disposition == Disposition::Inline && is_active_content(&mime) {
        builder = builder.header(CONTENT_SECURITY_POLICY, "sandbox");
    }

    if let Some(if_none_match) = request.typed_get::<IfNoneMatch>()
        && let Ok(tag) = etag.parse::<headers::ETag>()
        && !if_none_match.precondition_passes(&tag)
    {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .map_err(Error::internal);
    }

    let range_applies = match request.typed_get::<IfRange>() {
        None => true,
        Some(if_range) => etag
            .parse::<headers::ETag>()
            .map(|tag| !if_range.is_modified(Some(&tag), Some(&modified.into())))
            .unwrap_or(false),
    };
    let range = if range_applies {
        range_request(request, size)
    } else {
        RangeRequest::Full
    };

    builder = builder.header(CONTENT_TYPE, mime);
    match range {
        RangeRequest::Unsatisfiable => builder
            .status(StatusCode::RANGE_NOT_SATISFIABLE)
            .header(CONTENT_RANGE, format!("bytes */{size}"))
            .body(Body::empty())
            .map_err(Error::internal),
        RangeRequest::Partial(r) => {
            let stream = ferry.read_content(content, Some(r)).await?;
            builder
                .status(StatusCode::PARTIAL_CONTENT)
                .header(
                    CONTENT_RANGE,
                    format!("bytes {}-{}/{size}", r.start, r.start + r.len - 1),
                )
                .header(CONTENT_LENGTH, r.len)
                .body(Body::from_stream(stream))
                .map_err(Error::internal)
        }
        RangeRequest::Full => {
            let stream = ferry.read_content(content, None).await?;
            builder
                .status(StatusCode::OK)
                .header(CONTENT_LENGTH, size)
                .body(Body::from_stream(stream))
                .map_err(Error::internal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranged(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(http::header::RANGE, v);
        }
        h
    }

    #[test]
    fn single_ranges() {
        let r = |v| range_request(&ranged(v), 100);
        assert_eq!(
            r("bytes=0-9"),
            RangeRequest::Partial(ByteRange { start: 0, len: 10 })
        );
        assert_eq!(
            r("bytes=90-"),
            RangeRequest::Partial(ByteRange { start: 90, len: 10 })
        );
        assert_eq!(
            r("bytes=-5"),
            RangeRequest::Partial(ByteRange { start: 95, len: 5 })
        );
        assert_eq!(
            r("bytes=95-500"),
            RangeRequest::Partial(ByteRange { start: 95, len: 5 })
        );
        assert_eq!(r("bytes=100-"), RangeRequest::Unsatisfiable);
        assert_eq!(r("bytes=0-1,5-6"), RangeRequest::Full);
        assert_eq!(range_request(&HeaderMap::new(), 100), RangeRequest::Full);
    }

    #[test]
    fn disposition_carries_unicode_names() {
        let v = content_disposition(Disposition::Attachment, "Ünï \"q\".txt");
        let text = v.to_str().unwrap_or_default();
        assert!(
            text.starts_with("attachment; filename=\"_n_ _q_.txt\""),
            "{text}"
        );
        assert!(
            text.contains("filename*=UTF-8''%C3%9Cn%C3%AF%20%22q%22.txt"),
            "{text}"
        );
    }
}
