//! Domain errors as FileOnion errors: `{"data": null, "meta": {"status", "error": {"code",
//! "message"}}}` with the fitting HTTP status and core's stable kebab-case code.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ferry_core::Error;

#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

pub fn status_of(error: &Error) -> StatusCode {
    ferry_http::errors::http_status(error)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        if let Error::Internal(detail) = &self.0 {
            tracing::error!(error = %detail, "internal error");
        }
        let mut response = render(status, self.0.code(), &self.0.public_message());
        ferry_http::errors::add_retry_after(response.headers_mut(), &self.0);
        response
    }
}

fn render(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({
        "data": null,
        "meta": {
            "status": status.as_u16(),
            "error": { "code": code, "message": message },
        },
    });
    (status, Json(body)).into_response()
}

/// A method a served path does not take. Not a domain error (core never sees the
/// request), so it is rendered here, in the same shape; axum adds the `Allow` header.
pub fn method_not_allowed() -> Response {
    render(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this method is not allowed here",
    )
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
