//! The FileAgo API face (v3, and its v1 subset, which has the same paths and shapes).
//!
//! Mounted at `/auth`, `/api/…` (but not `/api/v2/…`, which is FileOnion's), `/upload/{token}`
//! and `/resources/auth/…`. Every answer, errors included, is in FileAgo's envelope:
//! `{"status": "success"|"error", "msg": …, "data": …}`.

mod dto;
mod endpoints;
mod envelope;
mod error;
mod location;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use ferry_http::AppState;

pub use error::ApiError;

/// Every FileAgo route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth", post(endpoints::auth::login))
        .route(
            "/api/nodes/{node}",
            get(endpoints::nodes::details)
                .post(endpoints::nodes::act)
                .delete(endpoints::nodes::delete),
        )
        .route("/api/nodes/{node}/path", get(endpoints::nodes::path))
        .route("/api/nodes/{node}/dirlist", get(endpoints::nodes::dirlist))
        .route(
            "/api/nodes/{node}/myaccess",
            get(endpoints::nodes::my_access),
        )
        .route(
            "/api/nodes/{node}/upload",
            get(endpoints::upload::issue_token),
        )
        .route(
            "/upload/{token}",
            // Uploads are streamed to the blob store and bounded by the quota, not by a body limit.
            post(endpoints::upload::upload).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/resources/auth/{mode}/{key}/{node}/{version}/{filename}",
            get(endpoints::resources::file),
        )
}
