//! One module per FulliO API family, and what they share: the caller, bodies, paging and
//! naming users and groups.

pub mod groups;
pub mod users;

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use ferry_core::groups::Page;
use ferry_core::{Actor, Error, GroupId, UserId};
use ferry_http::AppState;
use ferry_http::body::{MAX_JSON_BODY, json_object, read_limited};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Most entries one page holds, and how many when `limit` is not given (the document's).
pub const MAX_LIMIT: usize = 100;
pub const DEFAULT_LIMIT: usize = 25;

pub(crate) type QueryParams = Result<Query<HashMap<String, String>>, QueryRejection>;

/// The caller: `Authorization: Bearer` with an API key or a session token.
pub(crate) async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Actor, ApiError> {
    Ok(ferry_http::credentials::bearer_actor(&state.ferry, headers).await?)
}

/// The query string's parameters; a malformed one is a 400.
pub(crate) fn params(query: QueryParams) -> Result<HashMap<String, String>, Error> {
    query
        .map(|Query(q)| q)
        .map_err(|e| Error::invalid("query", e.body_text()))
}

/// A JSON object body read into its wire shape; malformed JSON, another kind of value, a
/// wrong type or a missing field is a 400.
pub(crate) async fn parse_body<T: DeserializeOwned>(body: Body) -> Result<T, Error> {
    let bytes = read_limited(body, MAX_JSON_BODY).await?;
    let object = json_object(&bytes)?;
    serde_json::from_value(serde_json::Value::Object(object))
        .map_err(|e| Error::invalid("body", e.to_string()))
}

/// `limit` (1..=100, default 25) and `offset` (0 or more) from the query string.
pub(crate) fn page(query: &HashMap<String, String>) -> Result<Page, Error> {
    let number = |field: &str| -> Result<Option<usize>, Error> {
        match query.get(field).map(|v| v.trim()) {
            None | Some("") => Ok(None),
            Some(text) => text
                .parse::<usize>()
                .map(Some)
                .map_err(|_| Error::invalid(field, "must be a whole number, 0 or more")),
        }
    };
    let limit = number("limit")?.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Error::invalid("limit", "must be between 1 and 100"));
    }
    Ok(Page {
        limit,
        offset: number("offset")?.unwrap_or(0),
    })
}

/// A user named in a path: login name, email or UUID. One the caller may not see reads as
/// missing.
pub(crate) async fn path_user(state: &AppState, actor: &Actor, who: &str) -> Result<UserId, Error> {
    Ok(state.ferry.find_user(actor, who.trim()).await?.id)
}

/// A user named in a body: an unknown one is bad input (400), not a missing page.
pub(crate) async fn body_user(
    state: &AppState,
    actor: &Actor,
    field: &str,
    who: &str,
) -> Result<UserId, Error> {
    let who = who.trim();
    match state.ferry.find_user(actor, who).await {
        // A group administrator may not look accounts up, but may name anyone in the
        // directory every signed-in user sees.
        Err(Error::NotFound | Error::PermissionDenied) => state
            .ferry
            .user_directory(actor, false)
            .await?
            .into_iter()
            .find(|u| {
                u.username == who
                    || u.id.to_string() == who
                    || u.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(who))
            })
            .map(|u| u.id)
            .ok_or_else(|| Error::invalid(field, format!("'{who}' is not a user"))),
        other => Ok(other?.id),
    }
}

/// A group named in a path by slug or UUID.
pub(crate) async fn path_group(
    state: &AppState,
    actor: &Actor,
    key: &str,
) -> Result<GroupId, Error> {
    state.ferry.group_by_key(actor, key.trim()).await
}

/// A group named in a body: an unknown one is bad input.
pub(crate) async fn body_group(
    state: &AppState,
    actor: &Actor,
    field: &str,
    key: &str,
) -> Result<GroupId, Error> {
    match state.ferry.group_by_key(actor, key.trim()).await {
        Err(Error::NotFound) => Err(Error::invalid(field, format!("'{key}' is not a group"))),
        other => other,
    }
}

/// Paths under `/v1/` that are not served answer in the envelope.
pub async fn not_found() -> Response {
    ApiError(Error::NotFound).into_response()
}

/// A known path with a method it does not take.
pub async fn method_not_allowed() -> Response {
    let mut response =
        ApiError(Error::invalid("method", "is not allowed on this path")).into_response();
    *response.status_mut() = axum::http::StatusCode::METHOD_NOT_ALLOWED;
    response
}
