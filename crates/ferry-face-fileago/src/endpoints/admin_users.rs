//! `/api/admin/users` and `/api/admin/users/{uuid}`: accounts as an administrator manages
//! them. `org_id` names the one organization (see `ferry_core::users::check_organization`).

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ferry_core::accounts::NewUser;
use ferry_core::users::{
    AccountChange, NewAccount, ProfileChange, check_organization, require_user_admin,
};
use ferry_core::{Error, UserId};
use ferry_http::AppState;

use super::caller;
use super::user::{check_fileago_rules, json_body};
use crate::dto::{CreateUserRequest, UpdateUserRequest, UserDetailsResponse};
use crate::envelope::success;
use crate::error::ApiError;

type Params = Query<HashMap<String, String>>;

fn org(query: &HashMap<String, String>) -> Option<&str> {
    query.get("org_id").map(String::as_str)
}

/// A user uuid from the path; anything else names no user.
fn user_id(text: &str) -> Result<UserId, Error> {
    text.parse().map_err(|_| Error::NotFound)
}

fn flag(query: &HashMap<String, String>, name: &str) -> Result<bool, Error> {
    match query.get(name).map(String::as_str) {
        None | Some("" | "false" | "0" | "no") => Ok(false),
        Some("true" | "1" | "yes") => Ok(true),
        Some(_) => Err(Error::invalid(name, "must be true or false")),
    }
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Params,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    require_user_admin(&actor)?;
    let accounts = state.ferry.accounts(&actor).await?;
    check_organization(&actor, org(&query))?;
    let mut data = Vec::with_capacity(accounts.len());
    for account in accounts {
        // A user deleted since the listing simply has no groups.
        let groups = match state.ferry.user_groups(&actor, account.user.id).await {
            Err(Error::NotFound) => Vec::new(),
            other => other?,
        };
        data.push(UserDetailsResponse::new(account, true).with_groups(&groups));
    }
    Ok(success("Users fetched successfully", data))
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Params,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    require_user_admin(&actor)?;
    let request: CreateUserRequest = json_body(body).await?;
    check_organization(&actor, org(&query))?;
    check_fileago_rules(Some(&request.fullname), Some(&request.password))?;
    let quota_bytes = match &request.disk_quota {
        Some(q) => q.bytes()?,
        None => 0,
    };
    let email = request.email.trim().to_owned();
    let account = state
        .ferry
        .create_account(
            &actor,
            NewAccount {
                user: NewUser {
                    // FileAgo users log in with their email, so it is their login name too.
                    username: email.clone(),
                    email: Some(email),
                    display_name: request.fullname,
                    password: request.password,
                    is_admin: request.is_admin.unwrap_or(false),
                    quota_bytes,
                },
                is_active: request.is_active.unwrap_or(true),
                comment: request.comment.unwrap_or_default(),
            },
        )
        .await?;
    Ok(success(
        "User created successfully",
        UserDetailsResponse::new(account, true),
    ))
}

pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(user): Path<String>,
    Query(query): Params,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    require_user_admin(&actor)?;
    let account = state.ferry.admin_account(&actor, user_id(&user)?).await?;
    check_organization(&actor, org(&query))?;
    let groups = state.ferry.user_groups(&actor, account.user.id).await?;
    Ok(success(
        "User details fetched successfully",
        UserDetailsResponse::new(account, true).with_groups(&groups),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(user): Path<String>,
    Query(query): Params,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    require_user_admin(&actor)?;
    let request: UpdateUserRequest = json_body(body).await?;
    check_organization(&actor, org(&query))?;
    check_fileago_rules(request.fullname.as_deref(), request.password.as_deref())?;
    let quota_bytes = request.disk_quota.as_ref().map(|q| q.bytes()).transpose()?;
    let change = AccountChange {
        profile: ProfileChange {
            display_name: request.fullname,
            password: request.password,
            avatar: request.avatar,
            language: request.language,
            phone: request.phone,
            address: request.address,
            website: request.website,
            twitter: request.twitter,
        },
        email: request.email.map(|e| Some(e.trim().to_owned())),
        quota_bytes,
        is_active: request.is_active,
        is_admin: request.is_admin,
        twofa: request.twofa,
        comment: request.comment,
    };
    let account = state
        .ferry
        .update_account(&actor, user_id(&user)?, change)
        .await?;
    Ok(success(
        "User updated successfully",
        UserDetailsResponse::new(account, true),
    ))
}

/// `confirm_delete=yes` is required. `transfer_data_to` may name a user or a group, which
/// gets the home folder's contents; the share flags are accepted (there are no shares yet
/// to delete).
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(user): Path<String>,
    Query(query): Params,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    require_user_admin(&actor)?;
    if query.get("confirm_delete").map(String::as_str) != Some("yes") {
        return Err(Error::invalid("confirm_delete", "must be yes").into());
    }
    flag(&query, "delete_all_public_shares")?;
    flag(&query, "delete_all_private_shares")?;
    check_organization(&actor, org(&query))?;
    let target = match query
        .get("transfer_data_to")
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(t) => Some(uuid::Uuid::parse_str(t).map_err(|_| {
            Error::invalid("transfer_data_to", "must be the uuid of a user or group")
        })?),
    };
    state
        .ferry
        .delete_account(&actor, user_id(&user)?, target)
        .await?;
    Ok(success(
        "User deleted successfully",
        serde_json::Value::Null,
    ))
}
