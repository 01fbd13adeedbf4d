//! The caller's own account: `/api/user` (profile), `/api/user/notifications`,
//! `/api/user/2fa`, `/api/user/login_history`, `/api/user/logout`; and the directory,
//! `/api/users`.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{Extensions, HeaderMap};
use axum::response::Response;
use ferry_core::Error;
use ferry_core::users::{ProfileChange, validate_full_name, validate_strong_password};
use ferry_http::AppState;
use ferry_http::body::{MAX_JSON_BODY, json_object, read_limited};
use serde::de::DeserializeOwned;

use super::{caller, client_ip};
use crate::dto::{
    LoginHistoryEntry, NotificationsRequest, NotificationsResponse, TwofaRequest, TwofaResponse,
    UpdateProfileRequest, UserDetailsResponse, UserListItem, UserShort,
};
use crate::envelope::success;
use crate::error::ApiError;

/// Reads a JSON object body into `T`; a wrong type or a missing field is a 400.
pub(crate) async fn json_body<T: DeserializeOwned>(body: Body) -> Result<T, Error> {
    let bytes = read_limited(body, MAX_JSON_BODY).await?;
    let map = json_object(&bytes)?;
    serde_json::from_value(serde_json::Value::Object(map))
        .map_err(|e| Error::invalid("body", e.to_string()))
}

/// FileAgo's input rules for what it calls `fullname` and `password`.
pub(crate) fn check_fileago_rules(
    fullname: Option<&str>,
    password: Option<&str>,
) -> Result<(), Error> {
    if let Some(name) = fullname {
        validate_full_name(name)?;
    }
    if let Some(password) = password {
        validate_strong_password(password)?;
    }
    Ok(())
}

pub async fn get_profile(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let me = actor.user_id().ok_or(Error::NotFound)?;
    let account = state.ferry.account(&actor, me).await?;
    Ok(success(
        "User details fetched successfully",
        UserDetailsResponse::new(account, false),
    ))
}

pub async fn update_profile(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let request: UpdateProfileRequest = json_body(body).await?;
    check_fileago_rules(request.fullname.as_deref(), request.password.as_deref())?;
    let change = ProfileChange {
        display_name: request.fullname,
        password: request.password,
        avatar: request.avatar,
        language: request.language,
        phone: request.phone,
        address: request.address,
        website: request.website,
        twitter: request.twitter,
    };
    let account = state.ferry.update_own_profile(&actor, change).await?;
    Ok(success(
        "User details updated successfully",
        UserDetailsResponse::new(account, false),
    ))
}

pub async fn get_notifications(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let me = actor.user_id().ok_or(Error::NotFound)?;
    let account = state.ferry.account(&actor, me).await?;
    Ok(success(
        "User notification settings fetched successfully",
        NotificationsResponse::from(account.details.notifications),
    ))
}

pub async fn update_notifications(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let request: NotificationsRequest = json_body(body).await?;
    let settings = state
        .ferry
        .update_notifications(&actor, request.into())
        .await?;
    Ok(success(
        "User notification settings updated successfully",
        NotificationsResponse::from(settings),
    ))
}

pub async fn get_twofa(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let twofa = state.ferry.twofa_enabled(&actor).await?;
    Ok(success(
        "User 2FA details fetched successfully",
        TwofaResponse {
            twofa,
            secret_twofa: None,
            otpauth_url: None,
        },
    ))
}

pub async fn set_twofa(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let request: TwofaRequest = json_body(body).await?;
    let data = if request.twofa {
        let secret = state.ferry.enable_twofa(&actor).await?;
        TwofaResponse {
            twofa: true,
            secret_twofa: Some(secret.secret),
            otpauth_url: Some(secret.otpauth_url),
        }
    } else {
        let me = actor.user_id().ok_or(Error::NotFound)?;
        state.ferry.disable_twofa(&actor, me).await?;
        TwofaResponse {
            twofa: false,
            secret_twofa: None,
            otpauth_url: None,
        }
    };
    Ok(success("User 2FA details fetched successfully", data))
}

pub async fn login_history(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let events = state.ferry.login_history(&actor).await?;
    let data: Vec<LoginHistoryEntry> = events.into_iter().map(Into::into).collect();
    Ok(success("Login history fetched successfully", data))
}

/// Ends the session the request came with (`chat_token` is accepted and ignored: Ferry
/// has no chat).
pub async fn logout(
    State(state): State<AppState>,
    extensions: Extensions,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    state
        .ferry
        .logout_from(&actor, client_ip(&extensions))
        .await?;
    Ok(success("Logout successful", serde_json::Value::Null))
}

/// `GET /api/users?format=short|short_active`
pub async fn list_users(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let format = query.get("format").map(String::as_str).unwrap_or_default();
    let msg = "Users fetched successfully";
    match format {
        "" => {
            let users = state.ferry.user_directory(&actor, false).await?;
            let data: Vec<UserListItem> = users.into_iter().map(Into::into).collect();
            Ok(success(msg, data))
        }
        "short" | "short_active" => {
            let users = state
                .ferry
                .user_directory(&actor, format == "short_active")
                .await?;
            let data: Vec<UserShort> = users.into_iter().map(Into::into).collect();
            Ok(success(msg, data))
        }
        _ => Err(Error::invalid("format", "must be short or short_active").into()),
    }
}
