//! `POST /auth`: log in with email (or `admin`) and password.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::Extensions;
use axum::response::{IntoResponse, Response};
use ferry_core::Error;
use ferry_core::security::{LoginAttempt, LoginOutcome};
use ferry_http::AppState;
use ferry_http::body::{MAX_JSON_BODY, read_limited};

use crate::dto::{AuthRequest, AuthResponse};
use crate::error::ApiError;

/// FileAgo's own example posts JSON with curl's default form Content-Type, so the body is
/// read as JSON whatever the header says, and as a form when it is not JSON. Accounts with
/// 2FA on add the code as `otp` (a Ferry addition); without it the answer is a 401 saying
/// so, and no session is made.
pub async fn login(
    State(state): State<AppState>,
    extensions: Extensions,
    body: Body,
) -> Result<Response, ApiError> {
    let bytes = read_limited(body, MAX_JSON_BODY).await?;
    let request = parse_credentials(&bytes)?;
    if request.username.is_empty() || request.password.is_empty() {
        return Err(Error::invalid("credentials", "username and password are required").into());
    }
    let attempt = LoginAttempt {
        login: &request.username,
        password: &request.password,
        otp: request.otp.as_deref(),
        client_ip: super::client_ip(&extensions),
    };
    let outcome = state
        .ferry
        .login_attempt(attempt)
        .await
        .map_err(|e| match e {
            Error::Unauthenticated => ApiError::with_msg(e, "Invalid username or password."),
            Error::PermissionDenied => ApiError::with_msg(e, "This account is disabled."),
            Error::RateLimited { .. } => ApiError::with_msg(
                e,
                "Too many failed logins; try again after the time in Retry-After.",
            ),
            other => other.into(),
        })?;
    match outcome {
        LoginOutcome::LoggedIn(login) => Ok(Json(AuthResponse::from(*login)).into_response()),
        LoginOutcome::SecondFactorRequired => Err(ApiError::with_msg(
            Error::Unauthenticated,
            "A 2FA code is required: send it as \"otp\" with the username and password.",
        )),
    }
}

fn parse_credentials(bytes: &[u8]) -> Result<AuthRequest, Error> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value) => serde_json::from_value(value).map_err(|e| {
            Error::invalid(
                "credentials",
                format!("username and password must be strings: {e}"),
            )
        }),
        Err(_) => form_credentials(bytes),
    }
}

fn form_credentials(bytes: &[u8]) -> Result<AuthRequest, Error> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::invalid("body", "is neither JSON nor a form"))?;
    let mut username = None;
    let mut password = None;
    let mut otp = None;
    for (key, value) in ferry_http::body::form_pairs(text) {
        match key.as_str() {
            "username" => username = Some(value),
            "password" => password = Some(value),
            "otp" => otp = Some(value),
            _ => {}
        }
    }
    match (username, password) {
        (Some(username), Some(password)) => Ok(AuthRequest {
            username,
            password,
            otp,
        }),
        _ => Err(Error::invalid(
            "body",
            "must be JSON with username and password",
        )),
    }
}
