//! `/api/groups…`: the caller's groups, a group's details, members and tags.
//!
//! Who may do what is decided in core (`ferry_core::groups`): a non-member gets 404, a
//! member on a group-administrator action 403.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ferry_core::groups::GroupUpdate;
use ferry_core::model::{Audience, PermissionLevel};
use ferry_core::{Error, GroupId, UserId};
use ferry_http::AppState;
use ferry_http::body::{MAX_JSON_BODY, json_object, read_limited};
use serde::de::DeserializeOwned;

use super::caller;
use crate::dto::{
    AddMemberBody, GroupEntry, GroupInfo, GroupUpdateBody, MemberEntry, NewTagBody, TagEntry,
};
use crate::envelope::success;
use crate::error::ApiError;

pub(crate) type QueryParams = Result<Query<HashMap<String, String>>, QueryRejection>;

/// The query string's parameters; a malformed one is a 400 in FileAgo's envelope.
pub(crate) fn params(query: QueryParams) -> Result<HashMap<String, String>, Error> {
    query
        .map(|Query(q)| q)
        .map_err(|e| Error::invalid("query", e.body_text()))
}

/// A JSON object body read into its wire shape; anything else is a 400.
pub(crate) async fn parse_body<T: DeserializeOwned>(body: Body) -> Result<T, Error> {
    let bytes = read_limited(body, MAX_JSON_BODY).await?;
    let object = json_object(&bytes)?;
    serde_json::from_value(serde_json::Value::Object(object))
        .map_err(|e| Error::invalid("body", e.to_string()))
}

pub(crate) fn group_id(text: &str) -> Result<GroupId, Error> {
    text.parse()
        .map_err(|_| Error::invalid("group", "is not a UUID"))
}

pub(crate) fn user_id(field: &str, text: &str) -> Result<UserId, Error> {
    text.trim()
        .parse()
        .map_err(|_| Error::invalid(field, "is not a UUID"))
}

/// `disk_quota`: bytes, or a size such as "5GB"; 0 is unlimited.
pub(crate) fn quota(value: &serde_json::Value) -> Result<i64, Error> {
    match value {
        serde_json::Value::Number(n) => n.as_i64().filter(|q| *q >= 0).ok_or_else(|| {
            Error::invalid("disk_quota", "must be a whole number of bytes, 0 or more")
        }),
        serde_json::Value::String(s) => ferry_core::names::parse_quota(s),
        _ => Err(Error::invalid("disk_quota", "must be a number of bytes")),
    }
}

pub(crate) fn level(text: &str) -> Result<PermissionLevel, Error> {
    PermissionLevel::parse(text.trim())
        .ok_or_else(|| Error::invalid("default_permission", "must be read, edit or admin"))
}

fn audience(field: &str, text: &str) -> Result<Audience, Error> {
    Audience::parse(text.trim()).ok_or_else(|| Error::invalid(field, "must be members or admins"))
}

pub(crate) fn group_update(body: GroupUpdateBody) -> Result<GroupUpdate, Error> {
    Ok(GroupUpdate {
        name: body.name,
        description: body.description,
        avatar: body.avatar,
        broadcast_message: body.broadcast_message,
        accept_incoming: body
            .accept_incoming
            .as_deref()
            .map(|a| audience("accept_incoming", a))
            .transpose()?,
        private_shares_notify: body
            .private_shares_notify
            .as_deref()
            .map(|a| audience("private_shares_notify", a))
            .transpose()?,
        quota_bytes: body.disk_quota.as_ref().map(quota).transpose()?,
        default_permission: body.default_permission.as_deref().map(level).transpose()?,
    })
}

/// `GET /api/groups[?show=all]`
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let all = params(query)?.get("show").is_some_and(|s| s == "all");
    let groups = state.ferry.my_groups(&actor, all).await?;
    let data: Vec<GroupEntry> = groups
        .iter()
        .map(|g| GroupEntry::new(&g.group, g.membership.as_ref()))
        .collect();
    Ok(success("Details fetched successfully", data))
}

/// `GET /api/groups/{g}`
pub async fn details(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let details = state.ferry.group_details(&actor, group_id(&group)?).await?;
    Ok(success(
        "Group details fetched successfully",
        GroupInfo::from(details),
    ))
}

/// `PUT /api/groups/{g}`
pub async fn update(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = group_id(&group)?;
    let update = group_update(parse_body::<GroupUpdateBody>(body).await?)?;
    let details = state.ferry.update_group(&actor, id, update).await?;
    Ok(success(
        "Group details updated successfully",
        GroupInfo::from(details),
    ))
}

/// `GET /api/groups/{g}/users`
pub async fn members(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let members = state.ferry.group_members(&actor, group_id(&group)?).await?;
    let data: Vec<MemberEntry> = members.into_iter().map(MemberEntry::from).collect();
    Ok(success("Group members fetched successfully", data))
}

/// `POST /api/groups/{g}/users`
pub async fn add_member(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
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

/// `GET /api/groups/{g}/users/{u}`
pub async fn member(
    State(state): State<AppState>,
    Path((group, user)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let member = state
        .ferry
        .group_member(&actor, group_id(&group)?, user_id("user", &user)?)
        .await?;
    Ok(success(
        "Group member details fetched successfully",
        MemberEntry::from(member),
    ))
}

/// `PUT /api/groups/{g}/users/{u}`: the body is the permission object itself.
pub async fn update_member(
    State(state): State<AppState>,
    Path((group, user)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let (id, user) = (group_id(&group)?, user_id("user", &user)?);
    let permissions: crate::dto::PermissionsBody = parse_body(body).await?;
    let member = state
        .ferry
        .update_group_member(&actor, id, user, permissions.into())
        .await?;
    Ok(success(
        "Group member permissions updated successfully",
        MemberEntry::from(member),
    ))
}

/// `DELETE /api/groups/{g}/users/{u}`
pub async fn remove_member(
    State(state): State<AppState>,
    Path((group, user)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    state
        .ferry
        .remove_group_member(&actor, group_id(&group)?, user_id("user", &user)?)
        .await?;
    Ok(success(
        "User removed from group successfully",
        serde_json::Value::Null,
    ))
}

/// `GET /api/groups/{g}/tags[?limit=N]`
pub async fn tags(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let limit = match params(query)?.get("limit").map(|l| l.trim()) {
        None | Some("") => None,
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| Error::invalid("limit", "must be a whole number"))?,
        ),
    };
    let tags = state
        .ferry
        .group_tags(&actor, group_id(&group)?, limit)
        .await?;
    let data: Vec<TagEntry> = tags.into_iter().map(TagEntry::from).collect();
    Ok(success("Group tags fetched successfully", data))
}

/// `POST /api/groups/{g}/tags`
pub async fn create_tag(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = group_id(&group)?;
    let body: NewTagBody = parse_body(body).await?;
    let tag = state
        .ferry
        .create_group_tag(&actor, id, &body.name, &body.class)
        .await?;
    Ok(success("Tag created successfully", TagEntry::from(tag)))
}
