//! Naming nodes by path below an owner's home folder, as WebDAV and Nextcloud clients do:
//! `/` is the home folder, `/a/b` walks the live children by name.

use super::Location;
use super::View;
use super::tree::{resolve, visible_node};
use super::{Access, Place};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::model::Node;
use crate::ports::MetaTx;
use crate::service::Ferry;

/// What a path names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathLookup {
    /// A live node.
    Found(Node),
    /// Nothing, but the parent is a live folder: the path can be created.
    Missing { parent: Node },
    /// Nothing, and the parent is missing too (or is a file).
    NoParent,
}

impl PathLookup {
    pub fn node(&self) -> Option<&Node> {
        match self {
            PathLookup::Found(n) => Some(n),
            _ => None,
        }
    }
}

/// The caller's home folder, access-checked.
pub(crate) async fn home(tx: &mut dyn MetaTx, actor: &Actor) -> Result<(Node, Access)> {
    let location = Location::View {
        view: View::Home,
        owner: None,
    };
    match resolve(tx, actor, location).await? {
        (Place::Node(node), access) => Ok((node, access)),
        (Place::View { .. }, _) => Err(Error::internal("home resolved to a view")),
    }
}

/// Walks `segments` down from the caller's home folder.
pub(crate) async fn lookup(
    tx: &mut dyn MetaTx,
    actor: &Actor,
    segments: &[String],
) -> Result<PathLookup> {
    let (node, _) = home(tx, actor).await?;
    walk(tx, node, segments).await
}

/// Walks `segments` down from `start`.
async fn walk(tx: &mut dyn MetaTx, start: Node, segments: &[String]) -> Result<PathLookup> {
    let mut node = start;
    let Some((last, walk)) = segments.split_last() else {
        return Ok(PathLookup::Found(node));
    };
    for name in walk {
        match tx.child_by_name(node.id, name).await? {
            Some(child) if child.is_dir() => node = child,
            _ => return Ok(PathLookup::NoParent),
        }
    }
    if !node.is_dir() {
        return Ok(PathLookup::NoParent);
    }
    Ok(match tx.child_by_name(node.id, last).await? {
        Some(found) => PathLookup::Found(found),
        None => PathLookup::Missing { parent: node },
    })
}

/// The names from below the home folder down to the node (empty for home itself).
pub(crate) async fn path_names(tx: &mut dyn MetaTx, node: &Node) -> Result<Vec<String>> {
    if node.parent.is_none() {
        return Ok(Vec::new());
    }
    let chain = tx.ancestors(node.id).await?;
    Ok(chain.into_iter().skip(1).map(|n| n.name).collect())
}

impl Ferry {
    /// Looks a path up below the caller's home folder.
    pub async fn lookup_path(&self, actor: &Actor, segments: &[String]) -> Result<PathLookup> {
        let mut tx = self.meta.read().await?;
        lookup(tx.as_mut(), actor, segments).await
    }

    /// Looks a path up below `root` (a folder the caller may read: `NotFound` otherwise),
    /// or below the caller's home folder when `root` is `None`.
    pub async fn lookup_path_in(
        &self,
        actor: &Actor,
        root: Option<NodeId>,
        segments: &[String],
    ) -> Result<PathLookup> {
        let Some(root) = root else {
            return self.lookup_path(actor, segments).await;
        };
        let mut tx = self.meta.read().await?;
        let (node, _) = visible_node(tx.as_mut(), actor, root).await?;
        if !node.is_dir() {
            return Err(Error::NotFound);
        }
        walk(tx.as_mut(), node, segments).await
    }
}
