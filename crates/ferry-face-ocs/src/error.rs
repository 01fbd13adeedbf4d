//! Domain errors as OCS failures: the OCS status code and the HTTP status v2 uses.

use axum::http::StatusCode;
use axum::response::Response;
use ferry_core::Error;

use crate::envelope::Ocs;

/// Nextcloud's generic OCS codes (996 server error, 997 unauthorised, 998 not found, 403
/// forbidden as its `OCSForbiddenException`) and the provisioning ones (101 invalid input,
/// 102 exists); the rest carry their HTTP status as the code.
pub fn ocs_code(error: &Error) -> u32 {
    match error {
        Error::Unauthenticated => 997,
        Error::NotFound => 998,
        Error::PermissionDenied => 403,
        Error::InvalidInput { .. } => 101,
        Error::AlreadyExists(_) | Error::Conflict(_) => 102,
        Error::PreconditionFailed(_) => 412,
        Error::Locked => 423,
        Error::QuotaExceeded => 507,
        Error::PayloadTooLarge => 413,
        Error::RateLimited { .. } => 429,
        Error::Internal(_) => 996,
    }
}

/// The HTTP status v2 answers a failure's OCS code with, by Nextcloud's rule (its
/// `V2Response`): 997 → 401, 998 → 404, 996 and 999 → 500, any other code outside 200–600
/// (the provisioning API's 101, 102, 104 …) → 400, else the code itself.
pub fn v2_http_status(code: u32) -> StatusCode {
    match code {
        997 => StatusCode::UNAUTHORIZED,
        998 => StatusCode::NOT_FOUND,
        996 | 999 => StatusCode::INTERNAL_SERVER_ERROR,
        c if !(200..=600).contains(&c) => StatusCode::BAD_REQUEST,
        c => u16::try_from(c)
            .ok()
            .and_then(|c| StatusCode::from_u16(c).ok())
            .unwrap_or(StatusCode::BAD_REQUEST),
    }
}

/// Renders a domain error in the request's OCS format and version, logging internal ones once.
pub fn ocs_error(ocs: &Ocs, error: &Error) -> Response {
    if let Error::Internal(detail) = error {
        tracing::error!(error = %detail, "internal error");
    }
    let code = ocs_code(error);
    let mut response = ocs.fail(code, &error.public_message());
    ferry_http::errors::add_retry_after(response.headers_mut(), error);
    if code == 997
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
            (Error::PermissionDenied, 403, 403),
            (Error::invalid("x", "y"), 400, 101),
            (Error::AlreadyExists("x".into()), 400, 102),
            (Error::Conflict("x".into()), 400, 102),
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
            assert_eq!(ocs_code(&error), code, "{error:?}");
            assert_eq!(v2_http_status(code).as_u16(), http, "{error:?}");
        }
        assert_eq!(v2_http_status(104).as_u16(), 400);
        assert_eq!(v2_http_status(999).as_u16(), 500);
    }
}
