//! `/api/nodes/{uuid}`: details, path, listing, access, and the node actions.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ferry_core::files::{Location, View};
use ferry_core::{Actor, Error, NodeId};
use ferry_http::AppState;
use ferry_http::body::{MAX_JSON_BODY, json_object, read_limited};
use serde_json::Value;

use super::caller;
use crate::dto::{DirEntry, NodeDetails, PathEntry};
use crate::envelope::{no_content, success};
use crate::error::ApiError;
use crate::location;

pub async fn details(
    State(state): State<AppState>,
    Path(node): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let info = state
        .ferry
        .place_info(&actor, location::parse(&node)?)
        .await?;
    Ok(success(
        "Node info fetched successfully",
        NodeDetails::new(info, &actor),
    ))
}

pub async fn path(
    State(state): State<AppState>,
    Path(node): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let path = state.ferry.path(&actor, location::parse(&node)?).await?;
    let data: Vec<PathEntry> = path
        .into_iter()
        .map(|item| PathEntry::new(item, &actor))
        .collect();
    Ok(success("Node path fetched successfully", data))
}

pub async fn dirlist(
    State(state): State<AppState>,
    Path(node): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let entries = state.ferry.list(&actor, location::parse(&node)?).await?;
    let data: Vec<DirEntry> = entries.into_iter().map(DirEntry::from).collect();
    Ok(success("Directory contents fetched successfully", data))
}

pub async fn my_access(
    State(state): State<AppState>,
    Path(node): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let access = state
        .ferry
        .my_access(&actor, location::parse(&node)?)
        .await?;
    Ok(success("Details fetched successfully", access.names()))
}

/// `DELETE /api/nodes/{uuid}`: to the trash; an item already in the trash is deleted for
/// good. `DELETE /api/nodes/trash` empties the caller's trash (a Ferry addition).
pub async fn delete(
    State(state): State<AppState>,
    Path(node): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    match location::parse(&node)? {
        Location::Node(id) => state.ferry.delete(&actor, id).await?,
        Location::View {
            view: View::Trash,
            owner,
        } => {
            state.ferry.empty_trash(&actor, owner).await?;
        }
        Location::View { .. } => {
            return Err(Error::invalid("node", "top-level folders cannot be deleted").into());
        }
    }
    Ok(no_content())
}

/// One node action, named by the single key of the JSON body.
enum Action {
    NewDir(String),
    NewName(String),
    Starred(bool),
    CopyTo(Location),
    MoveTo(Location),
    ShareCopyWith(Vec<uuid::Uuid>),
    /// Ferry addition: `{"restore": true}` takes a node out of the trash.
    Restore,
}

const ACTION_KEYS: [&str; 7] = [
    "new_dir",
    "new_name",
    "starred",
    "copy_to",
    "move_to",
    "share_copy_with",
    "restore",
];

fn string_field(key: &'static str, value: &Value) -> Result<String, Error> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| Error::invalid(key, "must be a string"))
}

fn parse_action(body: &[u8]) -> Result<Action, Error> {
    let object = json_object(body)?;
    let mut present = ACTION_KEYS.iter().filter(|k| object.contains_key(**k));
    let (Some(key), None) = (present.next(), present.next()) else {
        return Err(Error::invalid(
            "body",
            format!("must hold exactly one of {}", ACTION_KEYS.join(", ")),
        ));
    };
    let value = &object[*key];
    Ok(match *key {
        "new_dir" => Action::NewDir(string_field("new_dir", value)?),
        "new_name" => Action::NewName(string_field("new_name", value)?),
        "starred" => Action::Starred(
            value
                .as_bool()
                .ok_or_else(|| Error::invalid("starred", "must be true or false"))?,
        ),
        "copy_to" => Action::CopyTo(location::parse(&string_field("copy_to", value)?)?),
        "move_to" => Action::MoveTo(location::parse(&string_field("move_to", value)?)?),
        "share_copy_with" => {
            let list = value
                .as_array()
                .ok_or_else(|| Error::invalid("share_copy_with", "must be a list of UUIDs"))?;
            let targets = list
                .iter()
                .map(|v| {
                    v.as_str()
                        .and_then(|s| uuid::Uuid::parse_str(s).ok())
                        .ok_or_else(|| Error::invalid("share_copy_with", "must be a list of UUIDs"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Action::ShareCopyWith(targets)
        }
        _ => match value.as_bool() {
            Some(true) => Action::Restore,
            _ => return Err(Error::invalid("restore", "must be true")),
        },
    })
}

fn node_id(location: Location) -> Result<NodeId, Error> {
    match location {
        Location::Node(id) => Ok(id),
        Location::View { .. } => Err(Error::invalid(
            "node",
            "top-level folders cannot be changed this way",
        )),
    }
}

/// `POST /api/nodes/{uuid}` with one of `new_dir`, `new_name`, `starred`, `copy_to`,
/// `move_to`, `share_copy_with` (or Ferry's `restore`). Answers 204.
pub async fn act(
    State(state): State<AppState>,
    Path(node): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let target = location::parse(&node)?;
    let bytes = read_limited(body, MAX_JSON_BODY).await?;
    let action = parse_action(&bytes)?;
    run(&state, &actor, target, action).await?;
    Ok(no_content())
}

async fn run(
    state: &AppState,
    actor: &Actor,
    target: Location,
    action: Action,
) -> Result<(), Error> {
    let ferry = &state.ferry;
    match action {
        Action::NewDir(name) => ferry.create_folder(actor, target, &name).await.map(drop),
        Action::NewName(name) => ferry.rename(actor, node_id(target)?, &name).await.map(drop),
        Action::Starred(starred) => ferry.set_starred(actor, node_id(target)?, starred).await,
        Action::CopyTo(dest) => ferry.copy_to(actor, node_id(target)?, dest).await.map(drop),
        Action::MoveTo(dest) => ferry.move_to(actor, node_id(target)?, dest).await.map(drop),
        Action::ShareCopyWith(targets) => {
            ferry
                .share_copy_with(actor, node_id(target)?, &targets)
                .await
        }
        Action::Restore => ferry.restore(actor, node_id(target)?).await.map(drop),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_parse_strictly() {
        assert!(matches!(parse_action(br#"{"new_dir":"a"}"#), Ok(Action::NewDir(n)) if n == "a"));
        assert!(matches!(
            parse_action(br#"{"starred":false}"#),
            Ok(Action::Starred(false))
        ));
        assert!(matches!(
            parse_action(br#"{"move_to":"home"}"#),
            Ok(Action::MoveTo(_))
        ));
        for bad in [
            &b"not json"[..],
            br#"[1]"#,
            br#"{}"#,
            br#"{"new_dir":5}"#,
            br#"{"new_dir":"a","new_name":"b"}"#,
            br#"{"starred":"yes"}"#,
            br#"{"share_copy_with":"x"}"#,
            br#"{"share_copy_with":["not-a-uuid"]}"#,
            br#"{"copy_to":"../x"}"#,
            br#"{"restore":false}"#,
        ] {
            assert!(
                parse_action(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
