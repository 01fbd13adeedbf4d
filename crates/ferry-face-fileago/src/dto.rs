//! FileAgo's wire shapes. They live here and only here; core types never reach the wire.

use ferry_core::Actor;
use ferry_core::accounts::Login;
use ferry_core::files::{PathItem, Place, PlaceInfo};
use ferry_core::model::{NodeEntry, NodeKind, Owner};
use serde::{Deserialize, Serialize};

use crate::location::{path_target_ref, view_ref};

pub const DEFAULT_AVATAR: &str = "/images/default_avatar.png";

#[derive(Debug, Deserialize)]
pub struct AuthRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize)]
pub struct AuthResponse {
    pub uuid: String,
    pub token: String,
    pub status: &'static str,
    pub msg: &'static str,
    pub is_admin: bool,
    pub fullname: String,
    pub fileaccesskey: String,
    pub avatar: &'static str,
}

impl From<Login> for AuthResponse {
    fn from(login: Login) -> Self {
        Self {
            uuid: login.user.id.to_string(),
            token: login.token,
            status: "success",
            msg: "Login successful.",
            is_admin: login.user.is_admin,
            fullname: login.user.display_name,
            fileaccesskey: login.file_access_key,
            avatar: DEFAULT_AVATAR,
        }
    }
}

fn type_name(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Dir => "Dir",
        NodeKind::File => "File",
    }
}

fn owner_type(owner: Owner) -> &'static str {
    match owner {
        Owner::User(_) => "User",
        Owner::Group(_) => "Group",
    }
}

/// `GET /api/nodes/{uuid}`
#[derive(Debug, Serialize)]
pub struct NodeDetails {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub uuid: String,
    pub owner_type: &'static str,
    pub owner_uuid: String,
    pub owner_fullname: String,
    pub created: i64,
    pub updated: i64,
    pub size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
}

impl NodeDetails {
    pub fn new(info: PlaceInfo, actor: &Actor) -> Self {
        let (name, kind, uuid, size, revision) = match &info.place {
            Place::Node(n) => {
                let name = match n.root {
                    Some(_) => match n.kind {
                        _ if n.root == Some(ferry_core::model::RootKind::Incoming) => {
                            "Incoming".to_owned()
                        }
                        _ => "Home".to_owned(),
                    },
                    None => n.name.clone(),
                };
                let file = n.kind == NodeKind::File;
                (
                    name,
                    type_name(n.kind),
                    n.id.to_string(),
                    n.size,
                    file.then_some(n.revision),
                )
            }
            Place::View { view, owner } => (
                view.title().to_owned(),
                "Dir",
                view_ref(*view, *owner, actor),
                0,
                None,
            ),
        };
        Self {
            name,
            kind,
            uuid,
            owner_type: owner_type(info.owner),
            owner_uuid: info.owner.uuid().to_string(),
            owner_fullname: info.owner_name,
            created: info.created_ms,
            updated: info.updated_ms,
            size,
            revision,
        }
    }
}

/// One item of `GET /api/nodes/{uuid}/dirlist`.
#[derive(Debug, Serialize)]
pub struct DirEntry {
    pub is_starred: bool,
    pub public_shares: i64,
    pub name: String,
    /// Bytes for a file; items inside for a folder (as in FileAgo's example).
    pub size: i64,
    pub comment_count: i64,
    pub uuid: String,
    pub private_shares: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    pub updated: i64,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl From<NodeEntry> for DirEntry {
    fn from(entry: NodeEntry) -> Self {
        let node = entry.node;
        let file = node.kind == NodeKind::File;
        Self {
            is_starred: entry.starred,
            // Shares and comments are not built yet, so there are truly none to count.
            public_shares: 0,
            name: node.name,
            size: if file { node.size } else { entry.child_count },
            comment_count: 0,
            uuid: node.id.to_string(),
            private_shares: 0,
            revision: file.then_some(node.revision),
            updated: node.updated_ms,
            kind: type_name(node.kind),
        }
    }
}

/// One step of `GET /api/nodes/{uuid}/path`.
#[derive(Debug, Serialize)]
pub struct PathEntry {
    pub name: String,
    pub uuid: String,
}

impl PathEntry {
    pub fn new(item: PathItem, actor: &Actor) -> Self {
        Self {
            uuid: path_target_ref(item.target, actor),
            name: item.name,
        }
    }
}

/// `GET /api/nodes/{uuid}/upload`
#[derive(Debug, Serialize)]
pub struct UploadTokenResponse {
    pub token: String,
    pub status: &'static str,
    pub msg: String,
}

/// One stored file in the `/upload/{token}` answer (a Ferry addition: FileAgo sends none).
#[derive(Debug, Serialize)]
pub struct UploadedFile {
    pub uuid: String,
    pub name: String,
    pub size: i64,
    pub revision: i64,
}
