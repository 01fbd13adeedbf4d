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
            get(endpoints::api_keys::list)
                .post(endpoints::api_keys::create)
                .fallback(endpoints::method_not_allowed),
        )
        .route(
            "/api/v2/api-keys/{id}",
            get(endpoints::api_keys::get_one)
                .put(endpoints::api_keys::update)
                .delete(endpoints::api_keys::delete)
                .fallback(endpoints::method_not_allowed),
        )
        .route(
            "/api/v2/api-keys/{id}/revoke",
            post(endpoints::api_keys::revoke).fallback(endpoints::method_not_allowed),
        )
        // FileOnion writes the collection with a trailing slash; both spellings work.
        .route(
            "/api/v2/teams",
            get(endpoints::teams::list)
                .post(endpoints::teams::create)
                .fallback(endpoints::method_not_allowed),
        )
        .route(
            "/api/v2/teams/",
            get(endpoints::teams::list)
                .post(endpoints::teams::create)
                .fallback(endpoints::method_not_allowed),
        )
        .route(
            "/api/v2/teams/my-teams",
            get(endpoints::teams::my_teams).fallback(endpoints::method_not_allowed),
        )
        .route(
            "/api/v2/teams/{id}",
            get(endpoints::teams::get_one)
                .put(endpoints::teams::update)
                .delete(endpoints::teams::delete)
                .fallback(endpoints::method_not_allowed),
        )
        .route(
            "/api/v2/teams/{id}/members",
            get(endpoints::teams::members)
                .post(endpoints::teams::add_member)
                .fallback(endpoints::method_not_allowed),
        )
        .route(
            "/api/v2/teams/{id}/members/{user}",
            axum::routing::delete(endpoints::teams::remove_member)
                .fallback(endpoints::method_not_allowed),
        )
        .route("/api/v2/{*rest}", axum::routing::any(endpoints::not_found))
}
