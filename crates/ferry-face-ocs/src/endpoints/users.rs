//! The user provisioning API: `cloud/users…`. The OCS user id is the login name; groups
//! are named by slug (or uuid). Who may do what is decided in core (`provisioning`,
//! `groups`); this module reads parameters and renders answers.

use axum::extract::{Path, State};
use axum::response::Response;
use ferry_core::accounts::NewUser;
use ferry_core::groups::{Page, PermissionsInput};
use ferry_core::provisioning::NewProvisionedAccount;
use ferry_core::users::{AccountChange, ProfileChange};
use ferry_core::{Actor, Error, GroupId, UserId};
use ferry_http::AppState;
use http::HeaderMap;
use serde_json::json;

use super::caller;
use super::user::user_data;
use crate::envelope::Ocs;
use crate::error::ocs_error;
use crate::params::Params;

/// A handler's answer: both arms are finished OCS responses.
pub(crate) type Reply = Result<Response, Response>;

/// The caller, and the parameters once the caller is known (so a missing login answers
/// 401 before a malformed body answers 400).
pub(crate) async fn begin(
    state: &AppState,
    headers: &HeaderMap,
    ocs: &Ocs,
    params: Result<Params, Response>,
) -> Result<(Actor, Params), Response> {
    let actor = caller(state, headers, ocs).await?;
    Ok((actor, params?))
}

/// Renders a domain error in the request's envelope.
pub(crate) fn fail(ocs: &Ocs) -> impl Fn(Error) -> Response + '_ {
    move |e| ocs_error(ocs, &e)
}

/// A group named by slug or uuid that the caller may see; otherwise 104, "group does not
/// exist", as Nextcloud's provisioning API answers.
pub(crate) async fn group_id(
    state: &AppState,
    actor: &Actor,
    ocs: &Ocs,
    key: &str,
) -> Result<GroupId, Response> {
    match state.ferry.group_by_key(actor, key).await {
        Ok(id) => Ok(id),
        Err(Error::NotFound) => Err(ocs.fail(104, "group does not exist")),
        Err(e) => Err(ocs_error(ocs, &e)),
    }
}

/// An account named by login name, as far as the caller may name accounts.
pub(crate) async fn user_id(
    state: &AppState,
    actor: &Actor,
    ocs: &Ocs,
    name: &str,
) -> Result<UserId, Response> {
    state
        .ferry
        .provisioning_user_id(actor, name)
        .await
        .map_err(fail(ocs))
}

/// `limit` and `offset`; no limit means all.
pub(crate) fn page(params: &Params) -> Result<Page, Error> {
    Ok(Page {
        limit: params.number("limit")?.unwrap_or(usize::MAX),
        offset: params.number("offset")?.unwrap_or(0),
    })
}

/// A quota as Nextcloud clients send it: bytes, "5 GB", "none" or "default" (unlimited).
fn quota(text: &str) -> Result<i64, Error> {
    if text.trim().eq_ignore_ascii_case("default") {
        return Ok(0);
    }
    ferry_core::names::parse_quota(text)
}

/// `GET cloud/users?search=&limit=&offset=` → `{users: [ids]}`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    let (actor, params) = begin(&state, &headers, &ocs, params).await?;
    let page = page(&params).map_err(fail(&ocs))?;
    let users = state
        .ferry
        .managed_users(&actor, params.get("search"), page)
        .await
        .map_err(fail(&ocs))?;
    let ids: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
    Ok(ocs.ok(json!({ "users": ids })))
}

/// `POST cloud/users` with `userid`, `password`, `email`, `displayName`, `groups[]`,
/// `subadmin[]`, `quota`, `language` → `{id}`.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    let (actor, params) = begin(&state, &headers, &ocs, params).await?;
    let userid = params.required("userid").map_err(fail(&ocs))?.trim();
    let password = params.required("password").map_err(fail(&ocs))?;
    let email = params
        .get("email")
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    let display_name = params
        .get("displayName")
        .or_else(|| params.get("displayname"))
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or(userid)
        .to_owned();
    let quota_bytes = match params.get("quota").filter(|q| !q.trim().is_empty()) {
        Some(q) => quota(q).map_err(fail(&ocs))?,
        None => 0,
    };
    let mut groups = Vec::new();
    for key in params.all("groups") {
        groups.push(group_id(&state, &actor, &ocs, key).await?);
    }
    let mut subadmin_of = Vec::new();
    for key in params.all("subadmin") {
        subadmin_of.push(group_id(&state, &actor, &ocs, key).await?);
    }
    let new = NewProvisionedAccount {
        user: NewUser {
            username: userid.to_owned(),
            email,
            display_name,
            password: password.to_owned(),
            is_admin: false,
            quota_bytes,
        },
        language: params
            .get("language")
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned),
        groups,
        subadmin_of,
    };
    let account = state
        .ferry
        .create_provisioned_account(&actor, new)
        .await
        .map_err(fail(&ocs))?;
    Ok(ocs.ok(json!({ "id": account.user.username })))
}

/// `GET cloud/users/{id}`.
pub async fn get(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    let actor = caller(&state, &headers, &ocs).await?;
    let id = user_id(&state, &actor, &ocs, &name).await?;
    let account = state
        .ferry
        .provisioned_account(&actor, id)
        .await
        .map_err(fail(&ocs))?;
    Ok(ocs.ok(user_data(&account)))
}

/// `PUT cloud/users/{id}` with `key` and `value`.
pub async fn edit(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    let (actor, params) = begin(&state, &headers, &ocs, params).await?;
    let key = params.required("key").map_err(fail(&ocs))?;
    let value = params.get("value").unwrap_or_default();
    let text = || Some(value.to_owned());
    let mut change = AccountChange::default();
    match key {
        "email" => {
            let email = value.trim();
            change.email = Some((!email.is_empty()).then(|| email.to_owned()));
        }
        "displayname" | "display" => change.profile.display_name = text(),
        "password" => change.profile.password = text(),
        "quota" => change.quota_bytes = Some(quota(value).map_err(fail(&ocs))?),
        "language" => change.profile.language = text(),
        "phone" | "address" | "website" | "twitter" => {
            let p: &mut ProfileChange = &mut change.profile;
            let field = match key {
                "phone" => &mut p.phone,
                "address" => &mut p.address,
                "website" => &mut p.website,
                _ => &mut p.twitter,
            };
            *field = text();
        }
        other => {
            return Err(ocs_error(
                &ocs,
                &Error::invalid("key", format!("'{other}' is not an editable field")),
            ));
        }
    }
    let id = user_id(&state, &actor, &ocs, &name).await?;
    state
        .ferry
        .update_provisioned_account(&actor, id, change)
        .await
        .map_err(fail(&ocs))?;
    Ok(ocs.ok(json!([])))
}

/// `GET cloud/user/fields`: the keys `PUT cloud/users/{id}` accepts.
pub async fn editable_fields(State(state): State<AppState>, headers: HeaderMap, ocs: Ocs) -> Reply {
    caller(&state, &headers, &ocs).await?;
    Ok(ocs.ok(json!([
        "displayname",
        "email",
        "password",
        "quota",
        "language",
        "phone",
        "address",
        "website",
        "twitter"
    ])))
}

/// `DELETE cloud/users/{id}`.
pub async fn delete(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    let actor = caller(&state, &headers, &ocs).await?;
    let id = user_id(&state, &actor, &ocs, &name).await?;
    state
        .ferry
        .delete_provisioned_account(&actor, id)
        .await
        .map_err(fail(&ocs))?;
    Ok(ocs.ok(json!([])))
}

async fn set_enabled(
    state: AppState,
    name: String,
    headers: HeaderMap,
    ocs: Ocs,
    enabled: bool,
) -> Reply {
    let actor = caller(&state, &headers, &ocs).await?;
    let id = user_id(&state, &actor, &ocs, &name).await?;
    let change = AccountChange {
        is_active: Some(enabled),
        ..AccountChange::default()
    };
    state
        .ferry
        .update_provisioned_account(&actor, id, change)
        .await
        .map_err(fail(&ocs))?;
    Ok(ocs.ok(json!([])))
}

/// `PUT cloud/users/{id}/enable`.
pub async fn enable(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    set_enabled(state, name, headers, ocs, true).await
}

/// `PUT cloud/users/{id}/disable`.
pub async fn disable(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    set_enabled(state, name, headers, ocs, false).await
}

/// `GET cloud/users/{id}/groups` → `{groups: [ids]}`.
pub async fn groups(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    let actor = caller(&state, &headers, &ocs).await?;
    let id = user_id(&state, &actor, &ocs, &name).await?;
    let account = state
        .ferry
        .provisioned_account(&actor, id)
        .await
        .map_err(fail(&ocs))?;
    let slugs: Vec<&str> = account
        .groups
        .iter()
        .map(|g| g.group.slug.as_str())
        .collect();
    Ok(ocs.ok(json!({ "groups": slugs })))
}

/// Adds a member: the group's default permissions, an existing member stays as they are
/// (Nextcloud answers success for both).
pub(crate) async fn add_member(
    state: &AppState,
    actor: &Actor,
    ocs: &Ocs,
    group: &str,
    user: &str,
) -> Reply {
    let group = group_id(state, actor, ocs, group).await?;
    let user = user_id(state, actor, ocs, user).await?;
    state
        .ferry
        .add_group_members(actor, group, &[user], PermissionsInput::default())
        .await
        .map_err(fail(ocs))?;
    Ok(ocs.ok(json!([])))
}

pub(crate) async fn remove_member(
    state: &AppState,
    actor: &Actor,
    ocs: &Ocs,
    group: &str,
    user: &str,
) -> Reply {
    let group = group_id(state, actor, ocs, group).await?;
    let user = user_id(state, actor, ocs, user).await?;
    state
        .ferry
        .remove_group_member(actor, group, user)
        .await
        .map_err(fail(ocs))?;
    Ok(ocs.ok(json!([])))
}

/// `POST cloud/users/{id}/groups` with `groupid`.
pub async fn add_to_group(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    let (actor, params) = begin(&state, &headers, &ocs, params).await?;
    let group = params.required("groupid").map_err(fail(&ocs))?;
    add_member(&state, &actor, &ocs, group, &name).await
}

/// `DELETE cloud/users/{id}/groups` with `groupid`.
pub async fn remove_from_group(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    let (actor, params) = begin(&state, &headers, &ocs, params).await?;
    let group = params.required("groupid").map_err(fail(&ocs))?;
    remove_member(&state, &actor, &ocs, group, &name).await
}

/// `GET cloud/users/{id}/subadmins` → the ids of the groups the user administers.
pub async fn subadmin_groups(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    let actor = caller(&state, &headers, &ocs).await?;
    let id = user_id(&state, &actor, &ocs, &name).await?;
    let account = state
        .ferry
        .provisioned_account(&actor, id)
        .await
        .map_err(fail(&ocs))?;
    let slugs: Vec<&str> = account
        .groups
        .iter()
        .filter(|g| g.membership.permissions.is_admin)
        .map(|g| g.group.slug.as_str())
        .collect();
    Ok(ocs.ok(json!(slugs)))
}

async fn set_subadmin(
    state: AppState,
    name: String,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
    is_admin: bool,
) -> Reply {
    let (actor, params) = begin(&state, &headers, &ocs, params).await?;
    let group = params.required("groupid").map_err(fail(&ocs))?;
    let group = group_id(&state, &actor, &ocs, group).await?;
    let user = user_id(&state, &actor, &ocs, &name).await?;
    state
        .ferry
        .set_group_admin(&actor, group, user, is_admin)
        .await
        .map_err(fail(&ocs))?;
    Ok(ocs.ok(json!([])))
}

/// `POST cloud/users/{id}/subadmins` with `groupid`.
pub async fn add_subadmin(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    set_subadmin(state, name, headers, ocs, params, true).await
}

/// `DELETE cloud/users/{id}/subadmins` with `groupid`.
pub async fn remove_subadmin(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    set_subadmin(state, name, headers, ocs, params, false).await
}
