//! `/api/v2/teams…`: FileOnion teams, which are Ferry groups (the same rows FileAgo, OCS
//! and FulliO show). List (everything an administrator may see, or the caller's own),
//! my teams, create, get, update (name, description), delete, and members with their
//! role ("admin" is a group administrator, "member" anyone else).
//!
//! Who may do what is decided in core (`ferry_core::groups`): administrators create and
//! delete teams; a team's admins update it and its members; members read; anyone else
//! gets 404. A key without the Write scope is refused every change there too.

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use ferry_core::groups::{
    GroupDeletion, GroupDetails, GroupUpdate, NewGroup, Page, PermissionsInput,
};
use ferry_core::{Error, GroupId, UserId};
use ferry_http::AppState;
use ferry_http::body::{MAX_JSON_BODY, json_object, read_limited};
use serde::de::DeserializeOwned;
use serde_json::json;

use super::caller;
use crate::dto::{
    NewTeamBody, NewTeamMemberBody, TeamDeleteQuery, TeamListQuery, TeamMemberResponse,
    TeamResponse, TeamUpdateBody,
};
use crate::envelope::{data, ok};
use crate::error::ApiError;

/// A team id in the path. Anything that is not a UUID names no team: 404, as for an
/// unknown one (the api-keys endpoints answer the same way).
fn team_id(text: &str) -> Result<GroupId, Error> {
    text.parse().map_err(|_| Error::NotFound)
}

/// A JSON object body read into its wire shape; malformed JSON, another JSON type, a
/// missing required field or a wrong type is a 400.
async fn parse_body<T: DeserializeOwned>(body: Body) -> Result<T, Error> {
    let bytes = read_limited(body, MAX_JSON_BODY).await?;
    let object = json_object(&bytes)?;
    serde_json::from_value(serde_json::Value::Object(object))
        .map_err(|e| Error::invalid("body", e.to_string()))
}

fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, Error> {
    query
        .map(|Query(q)| q)
        .map_err(|e| Error::invalid("query", e.body_text()))
}

/// `role`: "member" (also when absent) or "admin", in any case.
fn is_admin_role(role: Option<&str>) -> Result<bool, Error> {
    match role.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
        None | Some("member") => Ok(false),
        Some("admin") => Ok(true),
        Some(_) => Err(Error::invalid("role", "must be member or admin")),
    }
}

/// `GET /api/v2/teams/[?search=&limit=&offset=]`: every team for administrators, the
/// caller's own for anyone else, by name; `meta.total` counts all that matched.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<TeamListQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let params = query(params)?;
    if params.limit == Some(0) {
        return Err(Error::invalid("limit", "must be at least 1").into());
    }
    let page = Page {
        limit: params.limit.unwrap_or(usize::MAX),
        offset: params.offset.unwrap_or(0),
    };
    let (teams, total) = state
        .ferry
        .search_groups(&actor, params.search.as_deref(), page)
        .await?;
    let items: Vec<TeamResponse> = teams.iter().map(TeamResponse::from).collect();
    Ok(data(
        StatusCode::OK,
        &items,
        json!({ "total": total, "limit": params.limit, "offset": page.offset }),
    ))
}

/// `GET /api/v2/teams/my-teams`: the teams the caller is a member of (administrators
/// included: being an administrator does not make one a member).
pub async fn my_teams(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let teams = state.ferry.my_group_details(&actor).await?;
    let items: Vec<TeamResponse> = teams.iter().map(TeamResponse::from).collect();
    Ok(data(
        StatusCode::OK,
        &items,
        json!({ "total": items.len() }),
    ))
}

/// `POST /api/v2/teams/` `{name, description?}` (administrators): 201 with the team.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let body: NewTeamBody = parse_body(body).await?;
    let group = state
        .ferry
        .create_group(
            &actor,
            NewGroup {
                description: body.description,
                ..NewGroup::named(body.name)
            },
        )
        .await?;
    // A new team has no members and no files yet, and the creator (an administrator) is
    // not made one of its members.
    let details = GroupDetails {
        group,
        membership: None,
        used_bytes: 0,
        member_count: 0,
    };
    Ok(data(
        StatusCode::CREATED,
        TeamResponse::from(&details),
        json!({}),
    ))
}

/// `GET /api/v2/teams/{id}`
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let details = state.ferry.group_details(&actor, team_id(&id)?).await?;
    Ok(ok(TeamResponse::from(&details)))
}

/// `PUT /api/v2/teams/{id}` `{name?, description?}` (the team's admins, administrators).
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = team_id(&id)?;
    let body: TeamUpdateBody = parse_body(body).await?;
    let update = GroupUpdate {
        name: body.name,
        // Core reads "" as "no description"; JSON `null` means the same here.
        description: body.description.map(Option::unwrap_or_default),
        ..GroupUpdate::default()
    };
    let details = state.ferry.update_group(&actor, id, update).await?;
    Ok(ok(TeamResponse::from(&details)))
}

/// `DELETE /api/v2/teams/{id}[?transferTo=<user or team id>]` (administrators): 204.
/// The DELETE itself is the confirmation FileAgo asks for with `confirm_delete=yes`;
/// `transferTo` is FileAgo's `transfer_data_to` (the team's files go into a folder named
/// after it in that user's or team's home), and without it the files go with the team.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: Result<Query<TeamDeleteQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = team_id(&id)?;
    let transfer_to = query(params)?
        .transfer_to
        .map(|t| {
            t.trim()
                .parse::<uuid::Uuid>()
                .map_err(|_| Error::invalid("transferTo", "is not a user or team id"))
        })
        .transpose()?;
    state
        .ferry
        .delete_group(
            &actor,
            id,
            GroupDeletion {
                confirmed: true,
                transfer_to,
            },
        )
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v2/teams/{id}/members`
pub async fn members(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let members = state.ferry.group_members(&actor, team_id(&id)?).await?;
    let items: Vec<TeamMemberResponse> = members.iter().map(TeamMemberResponse::from).collect();
    Ok(data(
        StatusCode::OK,
        &items,
        json!({ "total": items.len() }),
    ))
}

/// `POST /api/v2/teams/{id}/members` `{userId, role?}` (the team's admins,
/// administrators): 201 with the member. File permissions come from the team's default
/// level, as for a member added through any other face; already a member is 409.
pub async fn add_member(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = team_id(&id)?;
    let body: NewTeamMemberBody = parse_body(body).await?;
    let user: UserId = body
        .user_id
        .trim()
        .parse()
        .map_err(|_| Error::invalid("userId", "is not a user id"))?;
    let is_admin = is_admin_role(body.role.as_deref())?;
    let member = state
        .ferry
        .add_group_member(
            &actor,
            id,
            user,
            PermissionsInput {
                is_admin: Some(is_admin),
                ..PermissionsInput::default()
            },
        )
        .await?;
    Ok(data(
        StatusCode::CREATED,
        TeamMemberResponse::from(&member),
        json!({}),
    ))
}

/// `DELETE /api/v2/teams/{id}/members/{userId}` (the team's admins, administrators): 204.
pub async fn remove_member(
    State(state): State<AppState>,
    Path((id, user)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = team_id(&id)?;
    // Not a user id: no such member, as for an unknown one.
    let user: UserId = user.parse().map_err(|_| Error::NotFound)?;
    state.ferry.remove_group_member(&actor, id, user).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
