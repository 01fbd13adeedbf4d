//! `cloud/apps…`: Ferry's switchable features as Nextcloud's provisioning API lists apps.
//! List (with `filter=enabled|disabled`), one app's info, enable (POST) and disable
//! (DELETE); administrators only, as core decides (`ferry_core::features`).

use axum::extract::{Path, State};
use axum::response::Response;
use ferry_core::Error;
use ferry_http::AppState;
use http::HeaderMap;
use serde_json::json;

use super::caller;
use super::users::{Reply, begin, fail};
use crate::envelope::Ocs;
use crate::params::Params;

/// `GET cloud/apps[?filter=enabled|disabled]` → `{apps: [ids]}`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    let (actor, params) = begin(&state, &headers, &ocs, params).await?;
    let wanted = match params.get("filter") {
        None | Some("") => None,
        Some("enabled") => Some(true),
        Some("disabled") => Some(false),
        Some(_) => {
            return Err(fail(&ocs)(Error::invalid(
                "filter",
                "must be enabled or disabled",
            )));
        }
    };
    let features = state
        .ferry
        .list_features(&actor)
        .await
        .map_err(fail(&ocs))?;
    let ids: Vec<&str> = features
        .iter()
        .filter(|(_, on)| wanted.is_none_or(|w| w == *on))
        .map(|(f, _)| f.id)
        .collect();
    Ok(ocs.ok(json!({ "apps": ids })))
}

/// `GET cloud/apps/{id}` → the app's info.
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    let actor = caller(&state, &headers, &ocs).await?;
    let features = state
        .ferry
        .list_features(&actor)
        .await
        .map_err(fail(&ocs))?;
    let (feature, on) = features
        .iter()
        .find(|(f, _)| f.id == id)
        .ok_or_else(|| fail(&ocs)(Error::NotFound))?;
    Ok(ocs.ok(json!({
        "id": feature.id,
        "name": feature.name,
        "summary": feature.name,
        "description": feature.description,
        "version": env!("CARGO_PKG_VERSION"),
        "active": on,
        "enabled": on,
        "can_disable": feature.can_disable,
    })))
}

/// `POST cloud/apps/{id}`: switches it on.
pub async fn enable(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    switch(state, id, headers, ocs, true).await
}

/// `DELETE cloud/apps/{id}`: switches it off.
pub async fn disable(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    switch(state, id, headers, ocs, false).await
}

async fn switch(state: AppState, id: String, headers: HeaderMap, ocs: Ocs, on: bool) -> Reply {
    let actor = caller(&state, &headers, &ocs).await?;
    state
        .ferry
        .set_feature_enabled(&actor, &id, on)
        .await
        .map_err(fail(&ocs))?;
    Ok(ocs.ok(json!([])))
}
