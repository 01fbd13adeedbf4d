//! `GET /ocs/v{1,2}.php/cloud/user`: the caller. Its `id` is the user name sync clients put
//! in DAV URLs (`/remote.php/dav/files/{id}/`).

use axum::extract::State;
use axum::response::Response;
use ferry_core::{Actor, Error};
use ferry_http::AppState;
use http::HeaderMap;
use serde_json::json;

use super::caller;
use crate::envelope::Ocs;
use crate::error::ocs_error;

/// Nextcloud's "unlimited" in quota fields.
const UNLIMITED: i64 = -3;

pub async fn current_user(State(state): State<AppState>, headers: HeaderMap, ocs: Ocs) -> Response {
    let actor = match caller(&state, &headers, &ocs).await {
        Ok(a) => a,
        Err(denied) => return denied,
    };
    let Actor::User(user) = &actor else {
        return ocs_error(&ocs, &Error::NotFound);
    };
    let profile = match state.ferry.user_profile(&actor, user.user_id).await {
        Ok(p) => p,
        Err(e) => return ocs_error(&ocs, &e),
    };
    let u = &profile.user;
    let used = profile.used_bytes;
    let (free, total, relative, quota) = if u.quota_bytes > 0 {
        let free = (u.quota_bytes - used).max(0);
        #[allow(clippy::cast_precision_loss)]
        let relative = (used as f64 / u.quota_bytes as f64 * 10_000.0).round() / 100.0;
        (free, u.quota_bytes, relative, u.quota_bytes)
    } else {
        (UNLIMITED, UNLIMITED, 0.0, UNLIMITED)
    };
    ocs.ok(json!({
        "enabled": u.is_active,
        "storageLocation": "",
        "id": u.username,
        "lastLogin": u.last_login_ms.unwrap_or(0),
        "backend": "Database",
        "subadmin": [],
        "quota": { "free": free, "used": used, "total": total, "relative": relative, "quota": quota },
        "manager": "",
        "email": u.email,
        "additional_mail": [],
        "displayname": u.display_name,
        "display-name": u.display_name,
        "phone": "",
        "address": "",
        "website": "",
        "twitter": "",
        "fediverse": "",
        "organisation": "",
        "role": "",
        "headline": "",
        "biography": "",
        "profile_enabled": "0",
        "groups": [],
        "language": "en",
        "locale": "",
        "notify_email": null,
        "backendCapabilities": { "setDisplayName": true, "setPassword": true },
    }))
}
