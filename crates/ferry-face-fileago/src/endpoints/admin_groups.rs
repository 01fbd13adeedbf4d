//! `/api/admin/groups…` and `/api/admin/users/{u}/groups`: group administration.
//!
//! Every route first asks core whether the caller is an administrator, so a group
//! administrator who is not one gets 403 here even for their own group.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ferry_core::groups::{GroupDeletion, NewGroup, require_administrator};
use ferry_core::model::PermissionLevel;
use ferry_core::{Actor, Error};
use ferry_http::AppState;

use super::caller;
use super::groups::{
    QueryParams, group_id, group_update, level, params, parse_body, quota, user_id,
};
use crate::dto::{
    AddMemberBody, AdminGroupEntry, GroupEntry, GroupInfo, GroupUpdateBody, MemberEntry,
    NewGroupBody, UserGroupsBody,
};
use crate::envelope::success;
use crate::error::ApiError;

/// The caller, who must be an administrator.
async fn admin(state: &AppState, headers: &HeaderMap) -> Result<Actor, ApiError> {
    let actor = caller(state, headers).await?;
    require_administrator(&actor)?;
    Ok(actor)
}

/// `true`/`false` (or `yes`/`no`, `1`/`0`) in the query string.
fn flag(field: &str, value: Option<&String>) -> Result<bool, Error> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("false") | Some("no") | Some("0") => Ok(false),
        Some("true") | Some("yes") | Some("1") => Ok(true),
        Some(_) => Err(Error::invalid(field, "must be true or false")),
    }
}

/// `GET /api/admin/groups[?org_id=…]`
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let actor = admin(&state, &headers).await?;
    let query = params(query)?;
    ferry_core::users::check_organization(&actor, query.get("org_id").map(String::as_str))?;
    let groups = state.ferry.list_groups(&actor).await?;
    let data: Vec<AdminGroupEntry> = groups.into_iter().map(AdminGroupEntry::from).collect();
    Ok(success("Groups fetched successfully", data))
}

/// `POST /api/admin/groups[?org_id=…]`
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: QueryParams,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = admin(&state, &headers).await?;
    let query = params(query)?;
    ferry_core::users::check_organization(&actor, query.get("org_id").map(String::as_str))?;
    let body: NewGroupBody = parse_body(body).await?;
    let new = NewGroup {
        name: body.name,
        description: body.description,
        quota_bytes: body
            .disk_quota
            .as_ref()
            .map(quota)
            .transpose()?
            .unwrap_or(0),
        default_permission: body
            .default_permission
            .as_deref()
            .map(level)
            .transpose()?
            .unwrap_or(PermissionLevel::Edit),
    };
    let group = state.ferry.create_group(&actor, new).await?;
    let details = state.ferry.group_details(&actor, group.id).await?;
    Ok(success(
        "Group created successfully",
        GroupInfo::from(details),
    ))
}

/// `GET /api/admin/groups/{g}`
pub async fn details(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = admin(&state, &headers).await?;
    let details = state.ferry.group_details(&actor, group_id(&group)?).await?;
    Ok(success(
        "Group details fetched successfully",
        GroupInfo::from(details),
    ))
}

/// `PUT /api/admin/groups/{g}`
pub async fn update(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = admin(&state, &headers).await?;
    let id = group_id(&group)?;
    let update = group_update(parse_body::<GroupUpdateBody>(body).await?)?;
    let details = state.ferry.update_group(&actor, id, update).await?;
    Ok(success(
        "Group details updated successfully",
        GroupInfo::from(details),
    ))
}

/// `DELETE /api/admin/groups/{g}?confirm_delete=yes[&transfer_data_to=UUID]…`
///
/// `delete_all_public_shares` and `delete_all_private_shares` are checked but change
/// nothing yet: no share exists until sharing is built.
pub async fn delete(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let actor = admin(&state, &headers).await?;
    let id = group_id(&group)?;
    let query = params(query)?;
    flag(
        "delete_all_public_shares",
        query.get("delete_all_public_shares"),
    )?;
    flag(
        "delete_all_private_shares",
        query.get("delete_all_private_shares"),
    )?;
    let transfer_to = match query.get("transfer_data_to").map(|t| t.trim()) {
        None | Some("") => None,
        Some(t) => Some(
            uuid::Uuid::parse_str(t)
                .map_err(|_| Error::invalid("transfer_data_to", "is not a UUID"))?,
        ),
    };
    let deletion = GroupDeletion {
        confirmed: query.get("confirm_delete").is_some_and(|c| c == "yes"),
        transfer_to,
    };
    state.ferry.delete_group(&actor, id, deletion).await?;
    Ok(success(
        "Group deleted successfully",
        serde_json::Value::Null,
    ))
}

/// `GET /api/admin/groups/{g}/users`
pub async fn members(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    admin(&state, &headers).await?;
    super::groups::members(State(state), Path(group), headers).await
}

/// `POST /api/admin/groups/{g}/users`
pub async fn add_member(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = admin(&state, &headers).await?;
    let id = group_id(&group)?;
    let body: AddMemberBody = parse_body(body).await?;
    let user = user_id("user", &body.user)?;
    let member = state
        .ferry
        .add_group_member(
            &actor,
            id,
            user,
            body.permissions.unwrap_or_default().into(),
        )
        .await?;
    Ok(success(
        "User added to group successfully",
        MemberEntry::from(member),
    ))
}

/// `GET /api/admin/groups/{g}/users/{u}`
pub async fn member(
    State(state): State<AppState>,
    Path(ids): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    admin(&state, &headers).await?;
    super::groups::member(State(state), Path(ids), headers).await
}

/// `PUT /api/admin/groups/{g}/users/{u}`
pub async fn update_member(
    State(state): State<AppState>,
    Path(ids): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    admin(&state, &headers).await?;
    super::groups::update_member(State(state), Path(ids), headers, body).await
}

/// `DELETE /api/admin/groups/{g}/users/{u}`
pub async fn remove_member(
    State(state): State<AppState>,
    Path(ids): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    admin(&state, &headers).await?;
    super::groups::remove_member(State(state), Path(ids), headers).await
}

/// `GET /api/admin/users/{u}/groups`
pub async fn user_groups(
    State(state): State<AppState>,
    Path(user): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = admin(&state, &headers).await?;
    let groups = state
        .ferry
        .user_groups(&actor, user_id("user", &user)?)
        .await?;
    let data: Vec<GroupEntry> = groups
        .iter()
        .map(|g| GroupEntry::new(&g.group, Some(&g.membership)))
        .collect();
    Ok(success("User groups fetched successfully", data))
}

/// `POST /api/admin/users/{u}/groups`: sets exactly the user's groups (see
/// `Ferry::set_user_groups`).
pub async fn set_user_groups(
    State(state): State<AppState>,
    Path(user): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = admin(&state, &headers).await?;
    let user = user_id("user", &user)?;
    let body: UserGroupsBody = parse_body(body).await?;
    let mut groups = Vec::with_capacity(body.groups.len());
    for (group, permissions) in body.groups {
        let id = group
            .parse()
            .map_err(|_| Error::invalid("groups", format!("'{group}' is not a UUID")))?;
        groups.push((id, permissions.into()));
    }
    let result = state.ferry.set_user_groups(&actor, user, groups).await?;
    let data: Vec<GroupEntry> = result
        .iter()
        .map(|g| GroupEntry::new(&g.group, Some(&g.membership)))
        .collect();
    Ok(success("User groups updated successfully", data))
}
