//! OPTIONS: which WebDAV classes and methods the server speaks.

use axum::response::Response;
use http::HeaderValue;
use http::header::{ALLOW, CONTENT_LENGTH};

use super::ALLOW as METHODS;
use crate::envelope::status;

pub fn handle() -> Response {
    let mut response = status(http::StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert("dav", HeaderValue::from_static("1, 2"));
    headers.insert(ALLOW, HeaderValue::from_static(METHODS));
    headers.insert("ms-author-via", HeaderValue::from_static("DAV"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
    response
}
