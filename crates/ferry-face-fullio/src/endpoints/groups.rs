//! `/v1/groups…`: groups, their members and their permission object. Administrators make
//! and delete groups; a group's administrators manage it and its members; members read it;
//! anyone else reads it as missing. Core decides all of it.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ferry_core::groups::{GroupDeletion, GroupUpdate, NewGroup, PermissionsInput};
use ferry_core::model::{GroupMember, PermissionLevel};
use ferry_core::{Actor, Error, GroupId};
use ferry_http::AppState;

use super::{QueryParams, body_user, caller, page, params, parse_body, path_group, path_user};
use crate::dto::{
    AddMembersBody, CreateGroupBody, GroupList, GroupPermissions, GroupResponse, MemberList,
    MemberResponse, PermissionsBody, PermissionsObject, UpdateGroupBody,
};
use crate::envelope::{created, no_content, ok};
use crate::error::ApiError;

fn level(text: &str) -> Result<PermissionLevel, Error> {
    PermissionLevel::parse(text.trim())
        .ok_or_else(|| Error::invalid("permissions", "must be read, edit or admin"))
}

fn member(m: GroupMember) -> MemberResponse {
    MemberResponse {
        id: m.user.username,
        uuid: m.user.id.to_string(),
        display_name: m.user.display_name,
        email: m.user.email,
        permissions: PermissionsObject::of(&m.membership.permissions),
    }
}

async fn group_response(
    state: &AppState,
    actor: &Actor,
    id: GroupId,
) -> Result<GroupResponse, Error> {
    Ok(state.ferry.group_details(actor, id).await?.into())
}

/// The group's permission object: what every member may do (what a new member gets when
/// it has no members).
async fn group_permissions(
    state: &AppState,
    actor: &Actor,
    id: GroupId,
) -> Result<GroupPermissions, Error> {
    let details = state.ferry.group_details(actor, id).await?;
    let members = state.ferry.group_members(actor, id).await?;
    let defaults = state.ferry.group_member_defaults(actor, id).await?;
    let permissions: Vec<_> = members.iter().map(|m| &m.membership.permissions).collect();
    Ok(GroupPermissions {
        id: details.group.slug.clone(),
        permissions: PermissionsObject::common(&defaults, &permissions),
    })
}

/// `GET /v1/groups?search=&limit=&offset=`: every group for administrators, the caller's
/// own for anyone else.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let query = params(query)?;
    let page = page(&query)?;
    let (groups, total) = state
        .ferry
        .search_groups(&actor, query.get("search").map(String::as_str), page)
        .await?;
    Ok(ok(GroupList {
        groups: groups.into_iter().map(GroupResponse::from).collect(),
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// `POST /v1/groups` (administrators). `id` becomes the slug; `displayName` the name
/// (the id when absent); `permissions` the default level (edit when absent).
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    ferry_core::groups::require_administrator(&actor)?;
    let body: CreateGroupBody = parse_body(body).await?;
    let slug = body.id.trim().to_owned();
    let new = NewGroup {
        name: body.display_name.unwrap_or_else(|| slug.clone()),
        description: body.description,
        quota_bytes: 0,
        default_permission: body
            .permissions
            .as_deref()
            .map(level)
            .transpose()?
            .unwrap_or(PermissionLevel::Edit),
    };
    let group = state
        .ferry
        .create_group_with_slug(&actor, new, Some(&slug))
        .await?;
    Ok(created(group_response(&state, &actor, group.id).await?))
}

/// `GET /v1/groups/{id}` (members and administrators).
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = path_group(&state, &actor, &id).await?;
    Ok(ok(group_response(&state, &actor, id).await?))
}

/// `PUT /v1/groups/{id}`: `displayName` and `description` (group administrators and
/// administrators), `permissions` the default level (administrators). `id` cannot change.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = path_group(&state, &actor, &id).await?;
    let body: UpdateGroupBody = parse_body(body).await?;
    let details = state.ferry.group_details(&actor, id).await?;
    if body
        .id
        .as_deref()
        .is_some_and(|s| s.trim() != details.group.slug)
    {
        return Err(Error::invalid("id", "cannot be changed").into());
    }
    let update = GroupUpdate {
        name: body.display_name,
        description: body.description,
        default_permission: body.permissions.as_deref().map(level).transpose()?,
        ..GroupUpdate::default()
    };
    let details = state.ferry.update_group(&actor, id, update).await?;
    Ok(ok(GroupResponse::from(details)))
}

/// `DELETE /v1/groups/{id}` (administrators): members stay users; the group's files go
/// with it (FulliO asks for no confirmation and names no transfer).
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    ferry_core::groups::require_administrator(&actor)?;
    let id = path_group(&state, &actor, &id).await?;
    let deletion = GroupDeletion {
        confirmed: true,
        transfer_to: None,
    };
    state.ferry.delete_group(&actor, id, deletion).await?;
    Ok(no_content())
}

/// `GET /v1/groups/{id}/members` (members and administrators).
pub async fn members(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = path_group(&state, &actor, &id).await?;
    let members = state.ferry.group_members(&actor, id).await?;
    Ok(ok(MemberList {
        members: members.into_iter().map(member).collect(),
    }))
}

/// `POST /v1/groups/{id}/members` `{"userIds": [...]}` (group administrators and
/// administrators): all are added or none. New members get the group's permission object,
/// so the group stays one set of permissions; users already in it keep theirs.
pub async fn add_members(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = path_group(&state, &actor, &id).await?;
    let body: AddMembersBody = parse_body(body).await?;
    if body.user_ids.is_empty() {
        return Err(Error::invalid("userIds", "must name at least one user").into());
    }
    let mut users = Vec::with_capacity(body.user_ids.len());
    for who in &body.user_ids {
        users.push(body_user(&state, &actor, "userIds", who).await?);
    }
    let current = group_permissions(&state, &actor, id).await?;
    let added = state
        .ferry
        .add_group_members(&actor, id, &users, current.permissions.input())
        .await?;
    Ok(ok(MemberList {
        members: added.into_iter().map(member).collect(),
    }))
}

/// `DELETE /v1/groups/{id}/members/{user}` (group administrators and administrators).
pub async fn remove_member(
    State(state): State<AppState>,
    Path((id, user)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = path_group(&state, &actor, &id).await?;
    let user = match path_user(&state, &actor, &user).await {
        Ok(u) => u,
        // A group administrator may not look users up, but may name a member.
        Err(Error::NotFound) => state
            .ferry
            .group_members(&actor, id)
            .await?
            .into_iter()
            .find(|m| m.user.username == user.trim() || m.user.id.to_string() == user.trim())
            .map(|m| m.user.id)
            .ok_or(Error::NotFound)?,
        Err(e) => return Err(e.into()),
    };
    state.ferry.remove_group_member(&actor, id, user).await?;
    Ok(no_content())
}

/// `GET /v1/groups/{id}/permissions` (members and administrators).
pub async fn permissions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = path_group(&state, &actor, &id).await?;
    Ok(ok(group_permissions(&state, &actor, id).await?))
}

/// `PUT /v1/groups/{id}/permissions` (group administrators and administrators): every
/// member gets the object's permissions in one transaction; a part left out stays.
pub async fn set_permissions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = path_group(&state, &actor, &id).await?;
    let body: PermissionsBody = parse_body(body).await?;
    let update = body.permissions;
    let mut input = PermissionsInput {
        is_admin: update.admin,
        ..PermissionsInput::default()
    };
    if let Some(files) = update.files {
        if files.create != files.update {
            return Err(Error::invalid(
                "permissions.files",
                "create and update are one permission in Ferry (write): give both the same value",
            )
            .into());
        }
        let whole = PermissionsObject {
            files,
            ..PermissionsObject::default()
        }
        .input();
        input.node = whole.node;
        input.share = whole.share;
    }
    state
        .ferry
        .set_members_permissions(&actor, id, input)
        .await?;
    Ok(ok(group_permissions(&state, &actor, id).await?))
}
