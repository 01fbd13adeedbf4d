//! The WebDAV face: one engine (RFC 4918 classes 1 and 2, with Nextcloud's properties and
//! headers) behind every DAV mount.
//!
//! Mounted at `/remote.php/dav/files/{user}/…` (the user must be the caller; another name
//! answers 404), `/remote.php/webdav/…` (the caller's own files) and
//! `/webdrive/{endpoint}/…` (the home folder of the endpoint's user or group, with the
//! caller's usual access to it). Paths map onto the
//! caller's home folder. Beside them, [`collections`] serves the upload folders of chunked
//! uploads, the trash bin, file versions and SEARCH on the DAV root. axum's method filter
//! does not know WebDAV's methods, so each mount takes any method and
//! [`endpoints::dispatch`] picks the handler, one module per method.

mod basicsearch;
mod collections;
mod dto;
mod endpoints;
mod envelope;
mod error;
mod ifheader;
mod mount;
mod props;
mod xml;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::any;
use ferry_http::AppState;

pub use error::DavError;

/// Every WebDAV route.
pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for path in [
        "/remote.php/dav/files/{user}",
        "/remote.php/dav/files/{user}/",
        "/remote.php/dav/files/{user}/{*path}",
        "/remote.php/webdav",
        "/remote.php/webdav/",
        "/remote.php/webdav/{*path}",
        // FileAgo's WebDrive endpoints: the same engine over a user's or a group's files.
        "/webdrive/{endpoint}",
        "/webdrive/{endpoint}/",
        "/webdrive/{endpoint}/{*path}",
        // The DAV root (SEARCH) and the collections beside the files mount.
        "/remote.php/dav",
        "/remote.php/dav/",
        "/remote.php/dav/uploads/{user}",
        "/remote.php/dav/uploads/{user}/",
        "/remote.php/dav/uploads/{user}/{*path}",
        "/remote.php/dav/trashbin/{user}",
        "/remote.php/dav/trashbin/{user}/",
        "/remote.php/dav/trashbin/{user}/{*path}",
        "/remote.php/dav/versions/{user}",
        "/remote.php/dav/versions/{user}/",
        "/remote.php/dav/versions/{user}/{*path}",
    ] {
        // PUT bodies are streamed to the blob store and bounded by the quota; XML bodies
        // are read with their own limit.
        router = router.route(
            path,
            any(endpoints::dispatch).layer(DefaultBodyLimit::disable()),
        );
    }
    router
}
