//! Domain errors as OCS failures: the OCS status code and the HTTP status v2 uses.

use axum::http::StatusCode;
use axum::response::Response;
use ferry_core::Error;

use crate::envelope::Ocs;

/// Nextcloud's generic OCS codes (996 server error, 997 unauthorised, 998 not found) and
/// the provisioning ones (101 invalid input, 102 exists, 105 insufficient privileges).
pub fn ocs_code(error: &Error) -> (StatusCode, u32) {
    match error {
        Error::Unauthenticated => (StatusCode::UNAUTHORIZED, 997),
        Error::NotFound => (StatusCode::NOT_FOUND, 998),
        Error::PermissionDenied => (StatusCode::FORBIDDEN, 105),
        Error::InvalidInput { .. } => (StatusCode::BAD_REQUEST, 101),
        Error::AlreadyExists(_) | Error::Conflict(_) => (StatusCode::CONFLICT, 102),
        Error::PreconditionFailed(_) => (StatusCode::PRECONDITION_FAILED, 412),
        Error::Locked => (StatusCode::LOCKED, 423),
        Error::QuotaExceeded => (StatusCode::INSUFFICIENT_STORAGE, 507),
        Error::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, 413),
        Error::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, 429),
        Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, 996),
    }
}

/// Renders a domain error in the request's OCS format and version, logging internal ones once.
pub fn ocs_error(ocs: &Ocs, error: &Error) -> Response {
    if let Error::Internal(detail) = error {
        tracing::error!(error = %detail, "internal error");
    }
    let (http, code) = ocs_code(error);
    let mut response = ocs.fail(http, code, &error.public_message());
    ferry_http::errors::add_retry_after(response.headers_mut(), error);
    if http == StatusCode::UNAUTHORIZED
        && let Ok(v) = ferry_http::credentials::BASIC_CHALLENGE.parse()
    {
        response
            .headers_mut()
            .insert(axum::http::header::WWW_AUTHENTICATE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_error_has_its_codes() {
        let table = [
            (Error::Unauthenticated, 401, 997),
            (Error::NotFound, 404, 998),
            (Error::PermissionDenied, 403, 105),
            (Error::invalid("x", "y"), 400, 101),
            (Error::AlreadyExists("x".into()), 409, 102),
            (Error::Conflict("x".into()), 409, 102),
            (Error::PreconditionFailed("x".into()), 412, 412),
            (Error::Locked, 423, 423),
            (Error::QuotaExceeded, 507, 507),
            (Error::PayloadTooLarge, 413, 413),
            (
                Error::RateLimited {
                    retry_after_secs: 1,
                },
                429,
                429,
            ),
            (Error::internal("x"), 500, 996),
        ];
        for (error, http, code) in table {
            assert_eq!(
                ocs_code(&error),
                (StatusCode::from_u16(http).unwrap_or_default(), code),
                "{error:?}"
            );
        }
    }
}
