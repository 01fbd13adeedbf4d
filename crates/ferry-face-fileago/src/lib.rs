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
            "/api/user",
            get(endpoints::user::get_profile).put(endpoints::user::update_profile),
        )
        .route(
            "/api/user/notifications",
            get(endpoints::user::get_notifications).put(endpoints::user::update_notifications),
        )
        .route(
            "/api/user/2fa",
            get(endpoints::user::get_twofa).post(endpoints::user::set_twofa),
        )
        .route(
            "/api/user/login_history",
            get(endpoints::user::login_history),
        )
        .route("/api/user/logout", get(endpoints::user::logout))
        .route(
            "/api/user/webdrive",
            get(endpoints::webdrive::get_mine)
                .post(endpoints::webdrive::set_mine)
                .delete(endpoints::webdrive::delete_mine),
        )
        .route("/api/users", get(endpoints::user::list_users))
        .route(
            "/api/admin/users",
            get(endpoints::admin_users::list).post(endpoints::admin_users::create),
        )
        .route(
            "/api/admin/users/{uuid}",
            get(endpoints::admin_users::get)
                .put(endpoints::admin_users::update)
                .delete(endpoints::admin_users::delete),
        )
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
        .merge(group_routes())
}

/// `/api/groups…`, `/api/admin/groups…` and `/api/admin/users/{uuid}/groups`.
fn group_routes() -> Router<AppState> {
    use endpoints::{admin_groups as admin, groups};
    Router::new()
        .route("/api/groups", get(groups::list))
        .route(
            "/api/groups/{group}",
            get(groups::details).put(groups::update),
        )
        .route(
            "/api/groups/{group}/webdrive",
            get(endpoints::webdrive::get_group)
                .post(endpoints::webdrive::set_group)
                .delete(endpoints::webdrive::delete_group),
        )
        .route(
            "/api/groups/{group}/users",
            get(groups::members).post(groups::add_member),
        )
        .route(
            "/api/groups/{group}/users/{user}",
            get(groups::member)
                .put(groups::update_member)
                .delete(groups::remove_member),
        )
        .route(
            "/api/groups/{group}/tags",
            get(groups::tags).post(groups::create_tag),
        )
        .route("/api/admin/groups", get(admin::list).post(admin::create))
        .route(
            "/api/admin/groups/{group}",
            get(admin::details).put(admin::update).delete(admin::delete),
        )
        .route(
            "/api/admin/groups/{group}/users",
            get(admin::members).post(admin::add_member),
        )
        .route(
            "/api/admin/groups/{group}/users/{user}",
            get(admin::member)
                .put(admin::update_member)
                .delete(admin::remove_member),
        )
        .route(
            // `{uuid}` as in the `/api/admin/users/{uuid}` routes: one name per position.
            "/api/admin/users/{uuid}/groups",
            get(admin::user_groups).post(admin::set_user_groups),
        )
}
