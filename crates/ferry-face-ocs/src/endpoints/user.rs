//! `GET /ocs/v{1,2}.php/cloud/user`: the caller. Its `id` is the user name sync clients put
//! in DAV URLs (`/remote.php/dav/files/{id}/`). [`user_data`] is the one rendering of an
//! account, shared with the provisioning API's `cloud/users/{id}`.

use axum::extract::State;
use axum::response::Response;
use ferry_core::provisioning::ProvisionedAccount;
use ferry_core::{Actor, Error};
use ferry_http::AppState;
use http::HeaderMap;
use serde_json::{Value, json};

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
    match state.ferry.provisioned_account(&actor, user.user_id).await {
        Ok(account) => ocs.ok(user_data(&account)),
        Err(e) => ocs_error(&ocs, &e),
    }
}

/// An account as Nextcloud's provisioning API shows it: every field nc-py-api reads.
/// Groups and subadmin groups are named by slug, the OCS group id.
pub fn user_data(p: &ProvisionedAccount) -> Value {
    let u = &p.account.user;
    let d = &p.account.details;
    let used = p.account.used_bytes;
    let (free, total, relative, quota) = if u.quota_bytes > 0 {
        let free = (u.quota_bytes - used).max(0);
        #[allow(clippy::cast_precision_loss)]
        let relative = (used as f64 / u.quota_bytes as f64 * 10_000.0).round() / 100.0;
        (free, u.quota_bytes, relative, u.quota_bytes)
    } else {
        (UNLIMITED, UNLIMITED, 0.0, UNLIMITED)
    };
    let groups: Vec<&str> = p.groups.iter().map(|g| g.group.slug.as_str()).collect();
    let subadmin: Vec<&str> = p
        .groups
        .iter()
        .filter(|g| g.membership.permissions.is_admin)
        .map(|g| g.group.slug.as_str())
        .collect();
    json!({
        "enabled": u.is_active,
        "storageLocation": "",
        "id": u.username,
        "lastLogin": u.last_login_ms.unwrap_or(0),
        "backend": "Database",
        "subadmin": subadmin,
        "quota": { "free": free, "used": used, "total": total, "relative": relative, "quota": quota },
        "manager": "",
        "email": u.email,
        "additional_mail": [],
        "displayname": u.display_name,
        "display-name": u.display_name,
        "phone": d.phone,
        "address": d.address,
        "website": d.website,
        "twitter": d.twitter,
        "fediverse": "",
        "organisation": "",
        "role": "",
        "headline": "",
        "biography": "",
        "profile_enabled": "0",
        "groups": groups,
        "language": d.language,
        "locale": "",
        "notify_email": null,
        "backendCapabilities": { "setDisplayName": true, "setPassword": true },
    })
}
