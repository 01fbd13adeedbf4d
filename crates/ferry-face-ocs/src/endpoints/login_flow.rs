//! Nextcloud login flow v2 (`/index.php/login/v2`): a client starts a flow, opens the login
//! page in a browser, and polls until its user has signed in; the poll then hands it a login
//! name and a fresh app password, once.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use ferry_core::Error;
use ferry_http::AppState;
use serde_json::json;

/// Form fields arrive url-encoded; every value a client or browser sends is short.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    ferry_http::body::form_pairs(text)
        .find(|(key, value)| key == name && !value.is_empty())
        .map(|(_, value)| value)
}

/// Login tokens are base64url: anything else cannot be one, and is never echoed into HTML.
fn plausible_token(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= 128
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn error_response(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({ "message": msg }))).into_response()
}

/// `POST /index.php/login/v2`
pub async fn start(State(state): State<AppState>) -> Response {
    match state.ferry.start_login_flow().await {
        Ok(flow) => Json(json!({
            "poll": {
                "token": flow.poll_token,
                "endpoint": format!("{}/index.php/login/v2/poll", state.public_url),
            },
            "login": format!("{}/index.php/login/v2/flow/{}", state.public_url, flow.login_token),
        }))
        .into_response(),
        Err(e) => internal(&e),
    }
}

fn internal(e: &Error) -> Response {
    tracing::error!(error = %e, "login flow failed");
    error_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.")
}

/// `POST /index.php/login/v2/poll` with `token=…` (form body, or JSON `{"token": …}`).
pub async fn poll(State(state): State<AppState>, body: Bytes) -> Response {
    let token = form_field(&body, "token").or_else(|| {
        serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["token"].as_str().map(str::to_owned))
    });
    let Some(token) = token else {
        return error_response(StatusCode::BAD_REQUEST, "The poll token is missing.");
    };
    match state.ferry.poll_login_flow(&token).await {
        Ok(result) => Json(json!({
            "server": state.public_url,
            "loginName": result.login_name,
            "appPassword": result.app_password,
        }))
        .into_response(),
        // Nextcloud answers 404 until the user has granted access.
        Err(Error::NotFound) => (StatusCode::NOT_FOUND, Json(json!([]))).into_response(),
        Err(e) => internal(&e),
    }
}

/// `GET /index.php/login/v2/flow/{token}`: the page the user signs in on.
pub async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if !plausible_token(&token) || state.ferry.login_flow_is_pending(&token).await.is_err() {
        return (
            StatusCode::NOT_FOUND,
            Html(page_html("This sign-in link is not valid any more.", None)),
        )
            .into_response();
    }
    Html(page_html(
        "Sign in to connect your device to Ferry.",
        Some(&token),
    ))
    .into_response()
}

/// `POST /index.php/login/v2/flow/{token}` with `user` and `password`.
pub async fn grant(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ocs: crate::envelope::Ocs,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !plausible_token(&token) {
        return (
            StatusCode::NOT_FOUND,
            Html(page_html("This sign-in link is not valid any more.", None)),
        )
            .into_response();
    }
    let user = form_field(&body, "user").unwrap_or_default();
    let password = form_field(&body, "password").unwrap_or_default();
    let device = headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map_or_else(
            || "Device (login flow)".to_owned(),
            |ua| format!("Device signed in from {ua}"),
        );
    match state
        .ferry
        .grant_login_flow(&token, &user, &password, &device, ocs.client_ip)
        .await
    {
        Ok(()) => Html(page_html(
            "Access granted. You can close this window and return to your client.",
            None,
        ))
        .into_response(),
        Err(Error::Unauthenticated | Error::PermissionDenied) => (
            StatusCode::UNAUTHORIZED,
            Html(page_html("Wrong user name or password.", Some(&token))),
        )
            .into_response(),
        Err(Error::NotFound) => (
            StatusCode::NOT_FOUND,
            Html(page_html("This sign-in link is not valid any more.", None)),
        )
            .into_response(),
        Err(e @ Error::RateLimited { .. }) => {
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                Html(page_html(
                    "Too many failed sign-ins. Wait a while, then try again.",
                    Some(&token),
                )),
            )
                .into_response();
            ferry_http::errors::add_retry_after(response.headers_mut(), &e);
            response
        }
        Err(e) => internal(&e),
    }
}

/// The one page of the flow. `message` is always one of this module's fixed sentences and
/// `token` has been checked to be base64url, so nothing here needs escaping.
fn page_html(message: &str, token: Option<&str>) -> String {
    let form = token.map_or_else(String::new, |t| {
        format!(
            "<form method=\"post\" action=\"/index.php/login/v2/flow/{t}\">\
             <label>User name or email <input name=\"user\" autocomplete=\"username\" required></label>\
             <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
             <button type=\"submit\">Grant access</button></form>"
        )
    });
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ferry · Connect a device</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <style>body{{font-family:sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}}\
         label{{display:block;margin:.8rem 0}}input{{display:block;width:100%;padding:.4rem}}\
         button{{padding:.5rem 1rem}}</style></head>\
         <body><h1>Ferry</h1><p>{message}</p>{form}</body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_form_fields() {
        let body = b"user=alice%40example.com&password=a+b%26c&x=1";
        assert_eq!(
            form_field(body, "user").as_deref(),
            Some("alice@example.com")
        );
        assert_eq!(form_field(body, "password").as_deref(), Some("a b&c"));
        assert_eq!(form_field(body, "missing"), None);
    }

    #[test]
    fn only_base64url_tokens_are_plausible() {
        assert!(plausible_token("abcDEF-_09"));
        assert!(!plausible_token("<script>"));
        assert!(!plausible_token(""));
    }
}
