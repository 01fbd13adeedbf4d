//! The feature gate: a face an administrator switched off (OCS `cloud/apps`) answers 404 in
//! its own envelope, as if it were not there. Core caches the switches briefly, so the gate
//! costs no query per request.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use ferry_core::Error;
use ferry_http::AppState;

use crate::faces::Face;

pub async fn gate_features(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let face = Face::of(request.uri().path());
    if let Some(feature) = face.feature() {
        match state.ferry.feature_enabled(feature).await {
            Ok(true) => {}
            Ok(false) => return face.error_response(&request, Error::NotFound),
            // The database is unreachable: the face's own handler will meet the same
            // database and answer in its envelope.
            Err(e) => tracing::warn!(error = %e, "could not read the feature switches"),
        }
    }
    next.run(request).await
}
