//! `/v1/users…`: accounts. Administrators manage everyone; a user reads (and edits the
//! profile of) themself; anyone else reads as missing. Core decides all of it.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ferry_core::accounts::NewUser;
use ferry_core::groups::PermissionsInput;
use ferry_core::model::NodePermission;
use ferry_core::users::{Account, AccountChange, NewAccount, ProfileChange};
use ferry_core::{Actor, Error, GroupId, UserId};
use ferry_http::AppState;

use super::{QueryParams, body_group, caller, page, params, parse_body, path_group, path_user};
use crate::dto::{
    Capabilities, CreateUserBody, PermissionsObject, UpdateUserBody, UserGroups, UserGroupsBody,
    UserList, UserResponse,
};
use crate::envelope::{created, no_content, ok};
use crate::error::ApiError;

/// `quota`: "5GB" (powers of 1024), "none"/"unlimited", or bytes as a number.
fn quota(value: &serde_json::Value) -> Result<i64, Error> {
    match value {
        serde_json::Value::Number(n) => n
            .as_i64()
            .filter(|q| *q >= 0)
            .ok_or_else(|| Error::invalid("quota", "must be a whole number of bytes, 0 or more")),
        serde_json::Value::String(s) => ferry_core::names::parse_quota(s),
        _ => Err(Error::invalid("quota", "must be a size such as \"5GB\"")),
    }
}

/// The user object with its groups (slugs, and which the user administers).
async fn user_response(
    state: &AppState,
    actor: &Actor,
    account: Account,
) -> Result<UserResponse, Error> {
    let groups = match state.ferry.user_groups(actor, account.user.id).await {
        // Deleted since it was read: no groups.
        Err(Error::NotFound) => Vec::new(),
        other => other?,
    };
    let groups: Vec<(String, bool)> = groups
        .into_iter()
        .map(|g| (g.group.slug, g.membership.permissions.is_admin))
        .collect();
    Ok(UserResponse::new(account, &groups))
}

async fn respond(state: &AppState, actor: &Actor, id: UserId) -> Result<UserResponse, Error> {
    let account = state.ferry.account(actor, id).await?;
    user_response(state, actor, account).await
}

/// Names in `groups` as group ids, all checked before anything changes.
async fn group_ids(
    state: &AppState,
    actor: &Actor,
    names: &[String],
) -> Result<Vec<(GroupId, PermissionsInput)>, Error> {
    let mut ids: Vec<(GroupId, PermissionsInput)> = Vec::with_capacity(names.len());
    for name in names {
        let id = body_group(state, actor, "groups", name).await?;
        if !ids.iter().any(|(g, _)| *g == id) {
            ids.push((id, PermissionsInput::default()));
        }
    }
    Ok(ids)
}

/// `GET /v1/users?search=&limit=&offset=&group=` (administrators).
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let query = params(query)?;
    let page = page(&query)?;
    let group = match query
        .get("group")
        .map(|g| g.trim())
        .filter(|g| !g.is_empty())
    {
        Some(g) => Some(path_group(&state, &actor, g).await?),
        None => None,
    };
    let search = query.get("search").map(String::as_str);
    let (accounts, total) = state
        .ferry
        .search_accounts(&actor, search, group, page)
        .await?;
    let mut users = Vec::with_capacity(accounts.len());
    for account in accounts {
        users.push(user_response(&state, &actor, account).await?);
    }
    Ok(ok(UserList {
        users,
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// `POST /v1/users` (administrators): the account and its groups, or nothing.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    ferry_core::users::require_user_admin(&actor)?;
    let body: CreateUserBody = parse_body(body).await?;
    let quota_bytes = body.quota.as_ref().map(quota).transpose()?.unwrap_or(0);
    let groups = group_ids(&state, &actor, body.groups.as_deref().unwrap_or_default()).await?;
    if let Some(language) = &body.language {
        // Checked before the account exists, so a bad one makes nothing.
        ferry_core::users::validate_language(language)?;
    }
    let userid = body.userid.trim().to_owned();
    let account = state
        .ferry
        .create_account(
            &actor,
            NewAccount {
                user: NewUser {
                    display_name: body.display_name.unwrap_or_else(|| userid.clone()),
                    username: userid,
                    email: Some(body.email.trim().to_owned()),
                    password: body.password,
                    is_admin: false,
                    quota_bytes,
                },
                is_active: true,
                comment: String::new(),
            },
        )
        .await?;
    let id = account.user.id;
    let rest = async {
        if let Some(language) = body.language {
            let change = AccountChange {
                profile: ProfileChange {
                    language: Some(language),
                    ..ProfileChange::default()
                },
                ..AccountChange::default()
            };
            state.ferry.update_account(&actor, id, change).await?;
        }
        if !groups.is_empty() {
            state.ferry.set_user_groups(&actor, id, groups).await?;
        }
        Ok::<(), Error>(())
    }
    .await;
    if let Err(e) = rest {
        // All or nothing: the account goes again if the rest of the request failed.
        if let Err(undo) = state.ferry.delete_account(&actor, id, None).await {
            tracing::error!(error = %undo, "could not remove a half-made account");
        }
        return Err(e.into());
    }
    Ok(created(respond(&state, &actor, id).await?))
}

/// `GET /v1/users/{id}` (administrators, or the user).
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = path_user(&state, &actor, &id).await?;
    Ok(ok(respond(&state, &actor, id).await?))
}

/// `PUT /v1/users/{id}`: administrators change anything; a user changes their own profile
/// (name, password, language, phone, address, website, twitter), nothing else.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = path_user(&state, &actor, &id).await?;
    let body: UpdateUserBody = parse_body(body).await?;
    let current = state.ferry.account(&actor, id).await?;
    if body
        .userid
        .as_deref()
        .is_some_and(|u| u.trim() != current.user.username)
    {
        return Err(Error::invalid("userid", "cannot be changed").into());
    }
    let profile = ProfileChange {
        display_name: body.display_name,
        password: body.password,
        avatar: None,
        language: body.language,
        phone: body.phone,
        address: body.address,
        website: body.website,
        twitter: body.twitter,
    };
    let admin_only = body.email.is_some()
        || body.quota.is_some()
        || body.groups.is_some()
        || body.enabled.is_some();
    let is_admin = ferry_core::users::require_user_admin(&actor).is_ok();
    if !is_admin {
        if admin_only {
            return Err(Error::PermissionDenied.into());
        }
        state.ferry.update_own_profile(&actor, profile).await?;
        return Ok(ok(respond(&state, &actor, id).await?));
    }
    let quota_bytes = body.quota.as_ref().map(quota).transpose()?;
    let groups = match &body.groups {
        Some(names) => Some(group_ids(&state, &actor, names).await?),
        None => None,
    };
    let change = AccountChange {
        profile,
        email: body.email.map(|e| Some(e.trim().to_owned())),
        quota_bytes,
        is_active: body.enabled,
        ..AccountChange::default()
    };
    state.ferry.update_account(&actor, id, change).await?;
    if let Some(groups) = groups {
        // `groups` sets the user's groups, as the FileAgo admin API does; memberships the
        // user keeps keep their permissions.
        state.ferry.set_user_groups(&actor, id, groups).await?;
    }
    Ok(ok(respond(&state, &actor, id).await?))
}

/// `DELETE /v1/users/{id}` (administrators): the account and everything it owns.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    ferry_core::users::require_user_admin(&actor)?;
    let id = path_user(&state, &actor, &id).await?;
    state.ferry.delete_account(&actor, id, None).await?;
    Ok(no_content())
}

/// `GET /v1/users/{id}/groups` (administrators, or the user).
pub async fn groups(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = path_user(&state, &actor, &id).await?;
    let groups = state.ferry.user_groups(&actor, id).await?;
    Ok(ok(UserGroups {
        groups: groups.into_iter().map(|g| g.group.slug).collect(),
    }))
}

/// `POST /v1/users/{id}/groups` `{"groups": [...]}` (administrators): adds the user to
/// every named group or to none; groups the user is already in keep their membership.
pub async fn add_groups(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    ferry_core::users::require_user_admin(&actor)?;
    let id = path_user(&state, &actor, &id).await?;
    let body: UserGroupsBody = parse_body(body).await?;
    if body.groups.is_empty() {
        return Err(Error::invalid("groups", "must name at least one group").into());
    }
    let mut wanted = group_ids(&state, &actor, &body.groups).await?;
    // Core sets the whole list in one transaction, so the current groups go in too.
    for current in state.ferry.user_groups(&actor, id).await? {
        if !wanted.iter().any(|(g, _)| *g == current.group.id) {
            wanted.push((current.group.id, PermissionsInput::default()));
        }
    }
    let groups = state.ferry.set_user_groups(&actor, id, wanted).await?;
    Ok(ok(UserGroups {
        groups: groups.into_iter().map(|g| g.group.slug).collect(),
    }))
}

/// `DELETE /v1/users/{id}/groups/{group}` (group administrators and administrators).
pub async fn remove_group(
    State(state): State<AppState>,
    Path((id, group)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let group = path_group(&state, &actor, &group).await?;
    let id = path_user(&state, &actor, &id).await?;
    state.ferry.remove_group_member(&actor, group, id).await?;
    Ok(no_content())
}

async fn set_active(
    state: AppState,
    id: String,
    headers: HeaderMap,
    active: bool,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    ferry_core::users::require_user_admin(&actor)?;
    let id = path_user(&state, &actor, &id).await?;
    state.ferry.set_account_active(&actor, id, active).await?;
    Ok(ok(respond(&state, &actor, id).await?))
}

/// `PUT /v1/users/{id}/disable` (administrators): the account's sessions end.
pub async fn disable(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    set_active(state, id, headers, false).await
}

/// `PUT /v1/users/{id}/enable` (administrators).
pub async fn enable(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    set_active(state, id, headers, true).await
}

/// `GET /v1/users/{id}/capabilities` (administrators, or the user): own files, the
/// administrator's powers, and per group what the membership allows.
pub async fn capabilities(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = path_user(&state, &actor, &id).await?;
    let account = state.ferry.account(&actor, id).await?;
    let groups = state.ferry.user_groups(&actor, id).await?;
    let mut caps: Vec<String> = Vec::new();
    if account.user.is_active {
        caps.extend(
            ["files:read", "files:create", "files:update", "files:delete"].map(str::to_owned),
        );
    }
    if account.user.is_admin {
        caps.extend(["users:manage", "groups:manage"].map(str::to_owned));
    }
    for g in &groups {
        let p = &g.membership.permissions;
        let slug = &g.group.slug;
        let object = PermissionsObject::of(p);
        let granted = [
            ("files:read", p.node.contains(&NodePermission::Read)),
            ("files:download", p.node.contains(&NodePermission::Download)),
            ("files:create", object.files.create),
            ("files:update", object.files.update),
            ("files:delete", object.files.delete),
            ("files:share", object.files.share),
            ("admin", object.admin),
        ];
        for (name, yes) in granted {
            if yes && account.user.is_active {
                caps.push(format!("group:{slug}:{name}"));
            }
        }
    }
    Ok(ok(Capabilities {
        id: account.user.username,
        capabilities: caps,
    }))
}
