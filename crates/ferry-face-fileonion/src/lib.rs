//! The FileOnion API face, mounted at `/api/v2/…`. Every answer is the `{data, meta}`
//! envelope, errors included: `{"data": null, "meta": {"status", "error": {"code", "message"}}}`.
//! Times are epoch milliseconds, as in Ferry's other APIs.

mod dto;
mod endpoints;
mod envelope;
mod error;

use axum::Router;
use axum::routing::{get, post};
use ferry_http::AppState;

pub use error::ApiError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v2/api-keys",
            get(endpoints::api_keys::list).post(endpoints::api_keys::create),
        )
        .route(
            "/api/v2/api-keys/{id}",
            get(endpoints::api_keys::get_one)
                .put(endpoints::api_keys::update)
                .delete(endpoints::api_keys::delete),
        )
        .route(
            "/api/v2/api-keys/{id}/revoke",
            post(endpoints::api_keys::revoke),
        )
        .route("/api/v2/{*rest}", axum::routing::any(endpoints::not_found))
}
