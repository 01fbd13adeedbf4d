//! Domain errors as WebDAV answers: a status code, and for the conditions RFC 4918 names
//! a `<d:error>` body. A 401 always carries the Basic challenge.

use axum::response::{IntoResponse, Response};
use ferry_core::Error;
use ferry_http::credentials::BASIC_CHALLENGE;
use http::header::WWW_AUTHENTICATE;
use http::{HeaderValue, StatusCode};

use crate::envelope::{XmlOut, status, xml_response};

/// An error on its way to a WebDAV client.
#[derive(Debug)]
pub enum DavError {
    /// A domain error, mapped by [`status_of`].
    Core(Error),
    /// A plain status the protocol asks for (405 for MKCOL on an existing resource, …).
    Status(StatusCode),
    /// A status with an RFC 4918 precondition element, e.g. `lock-token-submitted`.
    Condition(StatusCode, &'static str),
}

impl From<Error> for DavError {
    fn from(e: Error) -> Self {
        DavError::Core(e)
    }
}

impl From<StatusCode> for DavError {
    fn from(s: StatusCode) -> Self {
        DavError::Status(s)
    }
}

/// The HTTP status WebDAV clients get for each domain error.
pub fn status_of(error: &Error) -> StatusCode {
    ferry_http::errors::http_status(error)
}

fn condition(code: StatusCode, name: &str) -> Response {
    let mut out = XmlOut::new();
    out.root("error");
    out.empty(name);
    out.close("error");
    match out.finish() {
        Ok(body) => xml_response(code, body),
        Err(_) => status(code),
    }
}

impl IntoResponse for DavError {
    fn into_response(self) -> Response {
        let mut response = match self {
            DavError::Status(code) => status(code),
            DavError::Condition(code, name) => condition(code, name),
            DavError::Core(error) => {
                if let Error::Internal(detail) = &error {
                    // Logged once, here, inside the request's span (which carries the request id).
                    tracing::error!(error = %detail, "internal error");
                } else {
                    tracing::debug!(error = %error, "dav request refused");
                }
                let mut response = match &error {
                    Error::Locked => condition(StatusCode::LOCKED, "lock-token-submitted"),
                    other => status(status_of(other)),
                };
                ferry_http::errors::add_retry_after(response.headers_mut(), &error);
                response
            }
        };
        if response.status() == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static(BASIC_CHALLENGE));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_error_has_its_status() {
        let table = [
            (Error::NotFound, 404),
            (Error::AlreadyExists("x".into()), 409),
            (Error::Conflict("x".into()), 409),
            (Error::PermissionDenied, 403),
            (Error::Unauthenticated, 401),
            (Error::invalid("name", "bad"), 400),
            (Error::PreconditionFailed("x".into()), 412),
            (Error::Locked, 423),
            (Error::QuotaExceeded, 507),
            (Error::PayloadTooLarge, 413),
            (
                Error::RateLimited {
                    retry_after_secs: 3,
                },
                429,
            ),
            (Error::internal("boom"), 500),
        ];
        for (error, code) in table {
            assert_eq!(status_of(&error).as_u16(), code, "{error:?}");
        }
    }

    #[test]
    fn unauthenticated_carries_the_challenge() {
        let response = DavError::Core(Error::Unauthenticated).into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            response
                .headers()
                .get(WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok()),
            Some(BASIC_CHALLENGE)
        );
    }
}
