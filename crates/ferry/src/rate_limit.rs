//! The API-key rate limit, as a layer in front of every face: counts each request made
//! with an API key (in the database, so instances share the window), adds the
//! `X-RateLimit-*` headers to its answer, and past the limit answers 429 with
//! `Retry-After` in the envelope of the face the path belongs to.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use ferry_core::api_keys::KEY_PREFIX;
use ferry_core::rate_limit::RateWindow;
use ferry_http::AppState;

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

pub async fn limit_api_keys(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(raw) = api_key(request.headers()) else {
        return next.run(request).await;
    };
    let window = match state.ferry.count_api_key_request(raw).await {
        Ok(Some(window)) => window,
        Ok(None) => return next.run(request).await,
        Err(e) => {
            // Counting failed (the database is down): the request's own authentication
            // will meet the same database and answer in its face's envelope.
            tracing::warn!(error = %e, "could not count an API key request");
            return next.run(request).await;
        }
    };
    let mut response = if window.exceeded {
        refuse(&request, &window)
    } else {
        next.run(request).await
    };
    add_headers(response.headers_mut(), &window);
    response
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
