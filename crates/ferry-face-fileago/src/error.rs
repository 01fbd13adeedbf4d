//! Domain errors as FileAgo errors: `{"status":"error","msg":…}` with a fitting HTTP status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ferry_core::Error;

/// An error on its way to a FileAgo client, optionally with a message of the face's own.
#[derive(Debug)]
pub struct ApiError(pub Error, pub Option<&'static str>);

impl ApiError {
    pub fn with_msg(error: Error, msg: &'static str) -> Self {
        ApiError(error, Some(msg))
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e, None)
    }
}

/// The HTTP status FileAgo clients get for each domain error.
pub fn status_of(error: &Error) -> StatusCode {
    ferry_http::errors::http_status(error)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        if let Error::Internal(detail) = &self.0 {
            // Logged once, here, inside the request's span (which carries the request id).
            tracing::error!(error = %detail, "internal error");
        }
        let mut response = (
            status,
            Json(serde_json::json!({
                "status": "error",
                "msg": self.1.map_or_else(|| self.0.public_message(), str::to_owned),
            })),
        )
            .into_response();
        ferry_http::errors::add_retry_after(response.headers_mut(), &self.0);
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
}
