//! The group provisioning API: `cloud/groups…`. A group's OCS id is its slug (its uuid is
//! accepted too); members and subadmins are named by login name. Who may do what is
//! decided in core (`groups`, `provisioning`).

use axum::extract::{Path, State};
use axum::response::Response;
use ferry_core::groups::{GroupDeletion, GroupUpdate, NewGroup};
use ferry_core::{Error, GroupId};
use ferry_http::AppState;
use http::HeaderMap;
use serde_json::json;

use super::caller;
use super::users::{Reply, add_member, begin, fail, group_id, page, remove_member};
use crate::envelope::Ocs;
use crate::error::ocs_error;
use crate::params::Params;

/// `GET cloud/groups?search=&limit=&offset=` → `{groups: [ids]}`: every group for
/// administrators, the caller's own for anyone else.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    let (actor, params) = begin(&state, &headers, &ocs, params).await?;
    let page = page(&params).map_err(fail(&ocs))?;
    let (groups, _) = state
        .ferry
        .search_groups(&actor, params.get("search"), page)
        .await
        .map_err(fail(&ocs))?;
    let ids: Vec<&str> = groups.iter().map(|g| g.group.slug.as_str()).collect();
    Ok(ocs.ok(json!({ "groups": ids })))
}

/// `GET cloud/groups/details` → `{groups: [{id, displayname, usercount, disabled, canAdd,
/// canRemove}]}`; the two flags say whether the caller may manage the group's members.
pub async fn details(
    State(state): State<AppState>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    let (actor, params) = begin(&state, &headers, &ocs, params).await?;
    let page = page(&params).map_err(fail(&ocs))?;
    let (groups, _) = state
        .ferry
        .search_groups(&actor, params.get("search"), page)
        .await
        .map_err(fail(&ocs))?;
    let admin = ferry_core::groups::require_administrator(&actor).is_ok();
    let list: Vec<_> = groups
        .iter()
        .map(|g| {
            let manages = admin
                || g.membership
                    .as_ref()
                    .is_some_and(|m| m.permissions.is_admin);
            json!({
                "id": g.group.slug,
                "displayname": g.group.name,
                "usercount": g.member_count,
                "disabled": 0,
                "canAdd": manages,
                "canRemove": manages,
            })
        })
        .collect();
    Ok(ocs.ok(json!({ "groups": list })))
}

/// `POST cloud/groups` with `groupid` (the slug to use) and an optional `displayname`.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    let (actor, params) = begin(&state, &headers, &ocs, params).await?;
    let slug = params.required("groupid").map_err(fail(&ocs))?.trim();
    let name = params
        .get("displayname")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(slug);
    let group = state
        .ferry
        .create_group_with_slug(&actor, NewGroup::named(name), Some(slug))
        .await
        .map_err(|e| match e {
            // The slug rule speaks of `id` (FulliO's name for it); here it is `groupid`.
            Error::InvalidInput { field, reason } if field == "id" => {
                ocs_error(&ocs, &Error::invalid("groupid", reason))
            }
            e => ocs_error(&ocs, &e),
        })?;
    Ok(ocs.ok(json!({ "id": group.slug })))
}

async fn members_of(
    state: &AppState,
    ocs: &Ocs,
    headers: &HeaderMap,
    key: &str,
    admins_only: bool,
) -> Reply {
    let actor = caller(state, headers, ocs).await?;
    let id: GroupId = group_id(state, &actor, ocs, key).await?;
    let mut members = state
        .ferry
        .group_members(&actor, id)
        .await
        .map_err(fail(ocs))?;
    members.retain(|m| !admins_only || m.membership.permissions.is_admin);
    members.sort_by(|a, b| a.user.username.cmp(&b.user.username));
    let names: Vec<&str> = members.iter().map(|m| m.user.username.as_str()).collect();
    if admins_only {
        Ok(ocs.ok(json!(names)))
    } else {
        Ok(ocs.ok(json!({ "users": names })))
    }
}

/// `GET cloud/groups/{g}` and `GET cloud/groups/{g}/users` → `{users: [ids]}`.
pub async fn members(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    members_of(&state, &ocs, &headers, &key, false).await
}

/// `GET cloud/groups/{g}/subadmins` → the ids of the group's administrators.
pub async fn subadmins(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    members_of(&state, &ocs, &headers, &key, true).await
}

/// `PUT cloud/groups/{g}` with `key=displayname` and `value`.
pub async fn edit(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
    params: Result<Params, Response>,
) -> Reply {
    let (actor, params) = begin(&state, &headers, &ocs, params).await?;
    let field = params.required("key").map_err(fail(&ocs))?;
    if field != "displayname" {
        return Err(ocs_error(
            &ocs,
            &Error::invalid("key", format!("'{field}' is not an editable field")),
        ));
    }
    let value = params.required("value").map_err(fail(&ocs))?;
    let id = group_id(&state, &actor, &ocs, &key).await?;
    let update = GroupUpdate {
        name: Some(value.to_owned()),
        ..GroupUpdate::default()
    };
    state
        .ferry
        .update_group(&actor, id, update)
        .await
        .map_err(fail(&ocs))?;
    Ok(ocs.ok(json!([])))
}

/// `DELETE cloud/groups/{g}`: the group goes with its files (OCS has no hand-over).
pub async fn delete(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    let actor = caller(&state, &headers, &ocs).await?;
    let id = group_id(&state, &actor, &ocs, &key).await?;
    let deletion = GroupDeletion {
        confirmed: true,
        transfer_to: None,
    };
    state
        .ferry
        .delete_group(&actor, id, deletion)
        .await
        .map_err(fail(&ocs))?;
    Ok(ocs.ok(json!([])))
}

/// `POST cloud/groups/{g}/users/{u}` (FulliO's document).
pub async fn add_user(
    State(state): State<AppState>,
    Path((group, user)): Path<(String, String)>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    let actor = caller(&state, &headers, &ocs).await?;
    add_member(&state, &actor, &ocs, &group, &user).await
}

/// `DELETE cloud/groups/{g}/users/{u}` (FulliO's document).
pub async fn remove_user(
    State(state): State<AppState>,
    Path((group, user)): Path<(String, String)>,
    headers: HeaderMap,
    ocs: Ocs,
) -> Reply {
    let actor = caller(&state, &headers, &ocs).await?;
    remove_member(&state, &actor, &ocs, &group, &user).await
}
