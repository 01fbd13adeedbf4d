//! The rate limit, as a layer in front of every face: counts each request made with an API
//! key, and each API request (FileAgo, FulliO, FileOnion, OCS; not WebDAV or file
//! transfers, which sync clients make by the thousand) per session, login or address, in
//! the database so instances share the window; adds the `X-RateLimit-*` headers to the
//! answer, and past the limit answers 429 with `Retry-After` in the envelope of the face
//! the path belongs to.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use ferry_core::api_keys::KEY_PREFIX;
use ferry_core::rate_limit::{Principal, RateWindow};
use ferry_http::AppState;
use ferry_http::credentials::{Credentials, client_ip, credentials};

use crate::faces::Face;

fn api_key(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && token.starts_with(KEY_PREFIX)).then_some(token)
}

/// Who a request without an API key (nor Basic credentials, see [`basic_login`]) is
/// counted against: its bearer session token, or its address.
fn principal(request: &Request) -> Option<Principal<'_>> {
    let bearer = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    match bearer {
        Some(token) => Some(Principal::Session(token)),
        None => client_ip(request.extensions()).map(Principal::Address),
    }
}

pub async fn limit_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let window = if let Some(raw) = api_key(request.headers()) {
        match state.ferry.count_api_key_request(raw).await {
            Ok(window) => window,
            Err(e) => {
                // Counting failed (the database is down): the request's own authentication
                // will meet the same database and answer in its face's envelope.
                tracing::warn!(error = %e, "could not count an API key request");
                None
            }
        }
    } else if Face::of(path).is_api(path) {
        let login = basic_login(request.headers());
        let principal = match &login {
            Some(name) => Some(Principal::Login(name)),
            None => principal(&request),
        };
        match principal {
            Some(p) => match state.ferry.count_request(p).await {
                Ok(window) => Some(window),
                Err(e) => {
                    tracing::warn!(error = %e, "could not count an API request");
                    None
                }
            },
            None => None,
        }
    } else {
        None
    };
    let Some(window) = window else {
        return next.run(request).await;
    };
    let mut response = if window.exceeded {
        refuse(&request, &window)
    } else {
        next.run(request).await
    };
    add_headers(response.headers_mut(), &window);
    response
}

/// The login name of HTTP Basic credentials, if that is what the request carries.
fn basic_login(headers: &HeaderMap) -> Option<String> {
    match credentials(headers) {
        Ok(Credentials::Basic { user, .. }) => Some(user),
        _ => None,
    }
}

/// 429 (with `Retry-After`) in the envelope of the face that owns the path.
fn refuse(request: &Request, window: &RateWindow) -> Response {
    Face::of(request.uri().path()).error_response(request, window.error())
}

fn add_headers(headers: &mut HeaderMap, window: &RateWindow) {
    for (name, value) in [
        ("x-ratelimit-limit", window.limit.to_string()),
        ("x-ratelimit-remaining", window.remaining.to_string()),
        ("x-ratelimit-reset", window.reset_epoch_secs.to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
}
