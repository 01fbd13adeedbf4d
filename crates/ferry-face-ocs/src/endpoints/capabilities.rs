//! `GET /ocs/v{1,2}.php/cloud/capabilities`: what this server can do, in the keys the
//! Nextcloud clients read (see research/mission-anchors.md §1.3).

use axum::extract::State;
use axum::response::Response;
use ferry_http::AppState;
use http::HeaderMap;
use serde_json::json;

use super::{MAJOR, MICRO, MINOR, caller};
use crate::envelope::Ocs;

/// The largest chunked upload a client may announce (Nextcloud's default is 100 MB chunks;
/// the total is bounded only by quota).
const CHUNKED_UPLOAD_MAX_SIZE: u64 = 100 * 1024 * 1024;

pub async fn capabilities(State(state): State<AppState>, headers: HeaderMap, ocs: Ocs) -> Response {
    if let Err(denied) = caller(&state, &headers, &ocs).await {
        return denied;
    }
    ocs.ok(json!({
        "version": {
            "major": MAJOR,
            "minor": MINOR,
            "micro": MICRO,
            "string": format!("{MAJOR}.{MINOR}.{MICRO}"),
            "edition": "",
            "extendedSupport": false,
        },
        "capabilities": {
            "core": {
                "pollinterval": 60,
                "webdav-root": "remote.php/webdav",
                "reference-api": false,
            },
            "bruteforce": { "delay": 0 },
            // "1.0" makes the desktop client use the uploads endpoint (NG chunking).
            "dav": { "chunking": "1.0" },
            "files": {
                "bigfilechunking": true,
                "versioning": true,
                "undelete": true,
                "blacklisted_files": [".htaccess"],
                "chunked_upload": {
                    "max_size": CHUNKED_UPLOAD_MAX_SIZE,
                    "max_parallel_count": 5,
                },
            },
            // The desktop sends OC-Checksum SHA1 by default; Ferry stores what it is sent.
            "checksums": {
                "supportedTypes": ["SHA1"],
                "preferredUploadType": "SHA1",
            },
            // Sharing through OCS is not served yet: clients must not offer it.
            "files_sharing": {
                "api_enabled": false,
                "public": { "enabled": false },
                "resharing": false,
            },
            "user": { "metadata": true },
        },
    }))
}
