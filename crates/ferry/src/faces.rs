//! Which face a request path belongs to: the one place outside the faces that knows their
//! mounts (CONTRACT.md), for the layers that answer before a face does (the rate limit, the
//! feature gate) and must answer in that face's envelope.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use ferry_core::Error;

/// The faces, by mount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    /// `/auth`, `/api/…` (but not `/api/v2/…`), `/upload/…`, `/resources/…`.
    FileAgo,
    /// `/v1/…`.
    FullIo,
    /// `/api/v2/…`.
    FileOnion,
    /// `/ocs/…`, `/status.php`, `/index.php/login/v2…`.
    Ocs,
    /// `/remote.php/…` and `/webdrive/…`.
    Dav,
    /// `/healthz` and anything no face serves.
    None,
}

impl Face {
    pub fn of(path: &str) -> Face {
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/api/v2") {
            Face::FileOnion
        } else if under("/v1") {
            Face::FullIo
        } else if under("/ocs") || path == "/status.php" || under("/index.php") {
            Face::Ocs
        } else if under("/remote.php") || under("/webdrive") {
            Face::Dav
        } else if under("/auth") || under("/api") || under("/upload") || under("/resources") {
            Face::FileAgo
        } else {
            Face::None
        }
    }

    /// The switchable feature (`ferry_core::features`) the face is, if it can be switched.
    pub fn feature(self) -> Option<&'static str> {
        match self {
            Face::FileAgo => Some("fileago"),
            Face::FullIo => Some("fullio"),
            Face::FileOnion => Some("fileonion"),
            Face::Dav => Some("webdav"),
            Face::Ocs | Face::None => None,
        }
    }

    /// Whether `path` (of this face) is an API call, which the per-principal rate limit
    /// counts: not WebDAV, file transfers, `/status.php` or the login-flow pages.
    pub fn is_api(self, path: &str) -> bool {
        match self {
            Face::FileAgo => path == "/auth" || path.starts_with("/api/"),
            Face::FullIo | Face::FileOnion => true,
            Face::Ocs => path.starts_with("/ocs/"),
            Face::Dav | Face::None => false,
        }
    }

    /// `error` as this face answers it.
    pub fn error_response(self, request: &Request, error: Error) -> Response {
        let uri = request.uri();
        match self {
            Face::FileOnion => ferry_face_fileonion::ApiError(error).into_response(),
            Face::FullIo => ferry_face_fullio::ApiError(error).into_response(),
            Face::Ocs => {
                ferry_face_ocs::error_response(uri.path(), uri.query(), request.headers(), &error)
            }
            Face::Dav => ferry_face_dav::DavError::from(error).into_response(),
            Face::FileAgo | Face::None => ferry_face_fileago::ApiError::from(error).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_belong_to_their_faces() {
        for (path, face) in [
            ("/api/v2/teams/", Face::FileOnion),
            ("/api/v2", Face::FileOnion),
            ("/api/v20/x", Face::FileAgo),
            ("/api/nodes/x", Face::FileAgo),
            ("/auth", Face::FileAgo),
            ("/upload/tok", Face::FileAgo),
            ("/resources/auth/download/k/n/1/f", Face::FileAgo),
            ("/v1/users", Face::FullIo),
            ("/v1x", Face::None),
            ("/ocs/v2.php/cloud/apps", Face::Ocs),
            ("/status.php", Face::Ocs),
            ("/index.php/login/v2", Face::Ocs),
            ("/remote.php/dav/files/a/", Face::Dav),
            ("/webdrive/sales/x", Face::Dav),
            ("/healthz", Face::None),
        ] {
            assert_eq!(Face::of(path), face, "{path}");
        }
        assert_eq!(Face::Ocs.feature(), None);
        assert!(Face::FileAgo.is_api("/api/nodes/x") && Face::FileAgo.is_api("/auth"));
        assert!(!Face::FileAgo.is_api("/upload/tok") && !Face::Ocs.is_api("/status.php"));
        assert!(!Face::Dav.is_api("/remote.php/webdav/"));
        assert_eq!(Face::Dav.feature(), Some("webdav"));
    }
}
