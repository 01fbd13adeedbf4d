//! The FulliO REST API face, mounted at `/v1/…`: users and groups.
//!
//! Success answers are the document's shapes themselves (a user object, `{"groups": […]}`);
//! errors are `{"status": "error", "error": {"code", "message"}}` with the plain HTTP status.
//! Users are named by login name (FulliO's `userid`) or UUID, groups by slug or UUID.

mod dto;
mod endpoints;
mod envelope;
mod error;

use axum::Router;
use axum::routing::{any, delete, get, put};
use ferry_http::AppState;

pub use error::ApiError;

pub fn router() -> Router<AppState> {
    use endpoints::{groups, users};
    Router::new()
        .route("/v1/users", get(users::list).post(users::create))
        .route(
            "/v1/users/{id}",
            get(users::get_one).put(users::update).delete(users::delete),
        )
        .route(
            "/v1/users/{id}/groups",
            get(users::groups).post(users::add_groups),
        )
        .route("/v1/users/{id}/groups/{group}", delete(users::remove_group))
        .route("/v1/users/{id}/disable", put(users::disable))
        .route("/v1/users/{id}/enable", put(users::enable))
        .route("/v1/users/{id}/capabilities", get(users::capabilities))
        .route("/v1/groups", get(groups::list).post(groups::create))
        .route(
            "/v1/groups/{id}",
            get(groups::get_one)
                .put(groups::update)
                .delete(groups::delete),
        )
        .route(
            "/v1/groups/{id}/members",
            get(groups::members).post(groups::add_members),
        )
        .route(
            "/v1/groups/{id}/members/{user}",
            delete(groups::remove_member),
        )
        .route(
            "/v1/groups/{id}/permissions",
            get(groups::permissions).put(groups::set_permissions),
        )
        .route("/v1/{*rest}", any(endpoints::not_found))
        // A wrong method on a known path answers in the envelope too.
        .method_not_allowed_fallback(endpoints::method_not_allowed)
}
