//! The domain records every face sees. Wire shapes live in the faces; these are the facts.

use crate::clock::EpochMillis;
use crate::ids::{GroupId, NodeId, SessionId, UserId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    /// The login name; the built-in administrator is `admin`.
    pub username: String,
    /// Unique (compared case-insensitively) when present; FileAgo logs in with it.
    pub email: Option<String>,
    pub display_name: String,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub is_admin: bool,
    pub is_active: bool,
    /// Disk quota in bytes; 0 means unlimited (as in FileAgo).
    pub quota_bytes: i64,
    pub created_ms: EpochMillis,
    pub last_login_ms: Option<EpochMillis>,
}

/// Who owns a tree of nodes: a user or a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    User(UserId),
    Group(GroupId),
}

impl Owner {
    pub fn kind_str(&self) -> &'static str {
        match self {
            Owner::User(_) => "user",
            Owner::Group(_) => "group",
        }
    }
    pub fn uuid(&self) -> uuid::Uuid {
        match self {
            Owner::User(id) => id.as_uuid(),
            Owner::Group(id) => id.as_uuid(),
        }
    }
    pub fn from_parts(kind: &str, id: uuid::Uuid) -> Option<Owner> {
        match kind {
            "user" => Some(Owner::User(UserId::from_uuid(id))),
            "group" => Some(Owner::Group(GroupId::from_uuid(id))),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    File,
    Dir,
}

impl NodeKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            NodeKind::File => "file",
            NodeKind::Dir => "dir",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "file" => Some(NodeKind::File),
            "dir" => Some(NodeKind::Dir),
            _ => None,
        }
    }
}

/// The real folders every owner has. The other FileAgo roots (trash, favorites, …) are views.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RootKind {
    Home,
    Incoming,
}

impl RootKind {
    pub const ALL: [RootKind; 2] = [RootKind::Home, RootKind::Incoming];

    pub fn as_str(&self) -> &'static str {
        match self {
            RootKind::Home => "home",
            RootKind::Incoming => "incoming",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "home" => Some(RootKind::Home),
            "incoming" => Some(RootKind::Incoming),
            _ => None,
        }
    }
}

/// A file or a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub id: NodeId,
    /// Nextcloud's numeric file id; assigned by the store on insert, unique and never reused.
    pub file_id: i64,
    pub owner: Owner,
    /// `None` only for an owner's root folders.
    pub parent: Option<NodeId>,
    /// `Some` only for an owner's root folders.
    pub root: Option<RootKind>,
    pub name: String,
    pub kind: NodeKind,
    /// Bytes of the current version (0 for folders).
    pub size: i64,
    /// Changes whenever this node or anything below it changes.
    pub etag: String,
    /// Current version number; 0 for folders.
    pub revision: i64,
    /// SHA-256 (lower-case hex) of the current version's content; `None` for folders.
    pub content_hash: Option<String>,
    pub created_ms: EpochMillis,
    /// Content or name last changed (a client may set it, as Nextcloud's X-OC-MTime does).
    pub updated_ms: EpochMillis,
    /// When the node was moved to the trash. Its `parent` is kept so it can be restored there.
    pub trashed_ms: Option<EpochMillis>,
}

impl Node {
    pub fn is_dir(&self) -> bool {
        self.kind == NodeKind::Dir
    }
}

/// A node as a listing shows it to one viewer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeEntry {
    pub node: Node,
    /// Items directly inside (not trashed); 0 for files.
    pub child_count: i64,
    /// Whether the viewer starred it.
    pub starred: bool,
}

/// One revision of a file's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub node_id: NodeId,
    /// 1, 2, 3, … per file.
    pub number: i64,
    /// SHA-256 (lower-case hex) naming the blob.
    pub content_hash: String,
    pub size: i64,
    pub author: Option<UserId>,
    pub created_ms: EpochMillis,
}

/// A login. Tokens are stored only as SHA-256 hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub token_hash: String,
    pub file_key_hash: String,
    pub created_ms: EpochMillis,
    pub expires_ms: EpochMillis,
}

/// A short-lived, single-use permission to upload into a folder or onto a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadToken {
    pub token_hash: String,
    pub user_id: UserId,
    pub node_id: NodeId,
    pub expires_ms: EpochMillis,
}
