//! The plain-HTTP reading of a domain error, shared by the faces whose documents follow
//! ordinary HTTP semantics (FileAgo, FileOnion, WebDAV). Each face still renders its own
//! envelope and keeps its own table test; OCS has its own status rules.

use ferry_core::Error;
use http::{HeaderMap, HeaderValue, StatusCode};

/// Adds `Retry-After` when the error is a rate limit (a brute-force lock or a spent API
/// window), whatever envelope the face wraps it in.
pub fn add_retry_after(headers: &mut HeaderMap, error: &Error) {
    if let Error::RateLimited { retry_after_secs } = error
        && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        headers.insert(http::header::RETRY_AFTER, v);
    }
}

pub fn http_status(error: &Error) -> StatusCode {
    match error {
        Error::NotFound => StatusCode::NOT_FOUND,
        Error::AlreadyExists(_) | Error::Conflict(_) => StatusCode::CONFLICT,
        Error::PermissionDenied => StatusCode::FORBIDDEN,
        Error::Unauthenticated => StatusCode::UNAUTHORIZED,
        Error::InvalidInput { .. } => StatusCode::BAD_REQUEST,
        Error::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
        Error::Locked => StatusCode::LOCKED,
        // 507 as WebDAV defines it: the server cannot store what the request needs.
        Error::QuotaExceeded => StatusCode::INSUFFICIENT_STORAGE,
        Error::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
