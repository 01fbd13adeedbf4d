//! `POST /auth`: log in with email (or `admin`) and password.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use ferry_core::Error;
use ferry_http::AppState;
use ferry_http::body::{MAX_JSON_BODY, read_limited};

use crate::dto::{AuthRequest, AuthResponse};
use crate::error::ApiError;

/// FileAgo's own example posts JSON with curl's default form Content-Type, so the body is
/// read as JSON whatever the header says, and as a form when it is not JSON.
pub async fn login(State(state): State<AppState>, body: Body) -> Result<Response, ApiError> {
    let bytes = read_limited(body, MAX_JSON_BODY).await?;
    let request = parse_credentials(&bytes)?;
    if request.username.is_empty() || request.password.is_empty() {
        return Err(Error::invalid("credentials", "username and password are required").into());
    }
    let login = state
        .ferry
        .login(&request.username, &request.password)
        .await
        .map_err(|e| match e {
            Error::Unauthenticated => ApiError::with_msg(e, "Invalid username or password."),
            Error::PermissionDenied => ApiError::with_msg(e, "This account is disabled."),
            other => other.into(),
        })?;
    Ok(Json(AuthResponse::from(login)).into_response())
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
    for pair in text.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode_form(value);
        match key {
            "username" => username = Some(value),
            "password" => password = Some(value),
            _ => {}
        }
    }
    match (username, password) {
        (Some(username), Some(password)) => Ok(AuthRequest { username, password }),
        _ => Err(Error::invalid(
            "body",
            "must be JSON with username and password",
        )),
    }
}

fn percent_decode_form(value: &str) -> String {
    let spaced = value.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}
