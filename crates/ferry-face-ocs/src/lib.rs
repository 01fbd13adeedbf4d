//! The Nextcloud-compatible face: `/status.php` and the OCS API (`/ocs/v1.php/…` and
//! `/ocs/v2.php/…`), as the desktop client, nc-py-api and rclone expect them.
//!
//! Every OCS answer, errors included, is the OCS envelope
//! `{"ocs":{"meta":{…},"data":…}}` — XML by default, compact JSON with `format=json` or
//! `Accept: application/json`. v1 answers HTTP 200 with statuscode 100 (401 stays 401);
//! v2 answers the real HTTP status with statuscode 200.

mod endpoints;
mod envelope;
mod error;
mod params;
mod xml;

use axum::routing::{get, post};
use axum::{Extension, Router};
use ferry_http::AppState;

pub use envelope::OcsVersion;

/// A domain error as this face answers it, for layers outside the handlers (the rate
/// limit): the version from the path, the format from `format=` or the Accept header.
pub fn error_response(
    path: &str,
    query: Option<&str>,
    headers: &axum::http::HeaderMap,
    error: &ferry_core::Error,
) -> axum::response::Response {
    let version = if path.starts_with("/ocs/v1.php") {
        OcsVersion::V1
    } else {
        OcsVersion::V2
    };
    let wants_json = query.is_some_and(|q| q.split('&').any(|p| p == "format=json"))
        || headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/json"));
    let format = if wants_json {
        envelope::Format::Json
    } else {
        envelope::Format::Xml
    };
    let ocs = envelope::Ocs {
        version,
        format,
        client_ip: None,
    };
    error::ocs_error(&ocs, error)
}

/// `/status.php` and both OCS versions.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/status.php", get(endpoints::status::status))
        .route("/index.php/login/v2", post(endpoints::login_flow::start))
        .route(
            "/index.php/login/v2/poll",
            post(endpoints::login_flow::poll),
        )
        .route(
            "/index.php/login/v2/flow/{token}",
            get(endpoints::login_flow::page).post(endpoints::login_flow::grant),
        )
        .nest("/ocs/v1.php", ocs_routes().layer(Extension(OcsVersion::V1)))
        .nest("/ocs/v2.php", ocs_routes().layer(Extension(OcsVersion::V2)))
}

fn ocs_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/cloud/capabilities",
            get(endpoints::capabilities::capabilities),
        )
        .route("/cloud/user", get(endpoints::user::current_user))
        .merge(provisioning_routes())
        .route("/config", get(endpoints::config::config))
        .route(
            "/core/getapppassword",
            get(endpoints::app_password::get_app_password),
        )
        .route(
            "/core/apppassword",
            axum::routing::delete(endpoints::app_password::delete_app_password),
        )
        .fallback(endpoints::not_found)
}

/// Nextcloud's user and group provisioning API (`cloud/users…`, `cloud/groups…`).
fn provisioning_routes() -> Router<AppState> {
    use axum::routing::put;
    use endpoints::{groups, users};
    Router::new()
        .route("/cloud/user/fields", get(users::editable_fields))
        .route("/cloud/users", get(users::list).post(users::create))
        .route(
            "/cloud/users/{id}",
            get(users::get).put(users::edit).delete(users::delete),
        )
        .route("/cloud/users/{id}/enable", put(users::enable))
        .route("/cloud/users/{id}/disable", put(users::disable))
        .route(
            "/cloud/users/{id}/groups",
            get(users::groups)
                .post(users::add_to_group)
                .delete(users::remove_from_group),
        )
        .route(
            "/cloud/users/{id}/subadmins",
            get(users::subadmin_groups)
                .post(users::add_subadmin)
                .delete(users::remove_subadmin),
        )
        .route("/cloud/groups", get(groups::list).post(groups::create))
        .route("/cloud/groups/details", get(groups::details))
        .route(
            "/cloud/groups/{g}",
            get(groups::members)
                .put(groups::edit)
                .delete(groups::delete),
        )
        .route("/cloud/groups/{g}/users", get(groups::members))
        .route(
            "/cloud/groups/{g}/users/{u}",
            axum::routing::post(groups::add_user).delete(groups::remove_user),
        )
        .route("/cloud/groups/{g}/subadmins", get(groups::subadmins))
        .route("/cloud/apps", get(endpoints::apps::list))
        .route(
            "/cloud/apps/{id}",
            get(endpoints::apps::get)
                .post(endpoints::apps::enable)
                .delete(endpoints::apps::disable),
        )
}
