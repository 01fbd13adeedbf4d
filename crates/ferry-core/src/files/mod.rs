//! Files and folders: the tree, the trash, favorites, uploads and downloads.
//!
//! A caller names a place either by a node id or by one of the FileAgo top-level views of an
//! owner (`home`, `trash`, …). `home` and `incoming` are real root folders; the others are
//! computed lists.

mod access;
mod chunked;
mod content;
mod finder;
mod history;
mod locks;
mod paths;
mod props;
mod put;
mod relocate;
pub(crate) mod stats_cache;
mod transfer;
mod trashbin;
mod tree;

pub use access::Access;
pub use chunked::{
    ASSEMBLE_NAME, ChunkInfo, LegacyChunkName, LegacyChunkOutcome, MAX_V2_PART, UPLOAD_IDLE_TTL_MS,
    UploadFinish, parse_legacy_chunk_name,
};
pub use content::{Content, IncomingFile, UploadGrant};
pub use finder::{Found, NameMatch};
pub use locks::{DEFAULT_LOCK_SECS, LockInfo, LockRequest, MAX_LOCK_SECS};
pub use paths::PathLookup;
pub use props::{Described, Description, PropChange, Reach, Usage};
pub use put::{PutFile, PutOutcome};
pub use relocate::{Relocated, Relocation};
pub(crate) use transfer::move_home_contents;
pub use trashbin::TrashItem;

use crate::ids::NodeId;
use crate::model::{Node, Owner};

/// The top-level views every owner has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    Home,
    Incoming,
    Trash,
    PublicShares,
    PrivateShares,
    Favorites,
    SharedWithYou,
}

impl View {
    pub const ALL: [View; 7] = [
        View::Home,
        View::Incoming,
        View::Trash,
        View::PublicShares,
        View::PrivateShares,
        View::Favorites,
        View::SharedWithYou,
    ];

    /// The word used in URLs (`home`, `shared_with_you`, …).
    pub fn key(&self) -> &'static str {
        match self {
            View::Home => "home",
            View::Incoming => "incoming",
            View::Trash => "trash",
            View::PublicShares => "public_shares",
            View::PrivateShares => "private_shares",
            View::Favorites => "favorites",
            View::SharedWithYou => "shared_with_you",
        }
    }

    /// The name shown to people.
    pub fn title(&self) -> &'static str {
        match self {
            View::Home => "Home",
            View::Incoming => "Incoming",
            View::Trash => "Trash",
            View::PublicShares => "Public Shares",
            View::PrivateShares => "Private Shares",
            View::Favorites => "Favorites",
            View::SharedWithYou => "Shared with you",
        }
    }

    pub fn from_key(key: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.key() == key)
    }
}

/// How a caller names a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Node(NodeId),
    /// A view of an owner; `None` means the caller's own.
    View {
        view: View,
        owner: Option<uuid::Uuid>,
    },
}

/// A place, resolved and access-checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A real file or folder (the `home` and `incoming` views resolve to their root folders).
    Node(Node),
    /// A computed view (trash, favorites, shares).
    View { view: View, owner: Owner },
}

/// A place with the facts a details page shows.
#[derive(Clone, Debug)]
pub struct PlaceInfo {
    pub place: Place,
    pub owner: Owner,
    pub owner_name: String,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// One step of a node's path, from the top-level view down to the node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathItem {
    pub name: String,
    pub target: PathTarget,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathTarget {
    View(View, Owner),
    Node(NodeId),
}
