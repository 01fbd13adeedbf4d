//! The tree: resolve, list, details, path, make folders, rename, star, copy, move, trash.

use std::collections::HashMap;

use super::access::{access_to, require};
use super::{Access, Location, PathItem, PathTarget, Place, PlaceInfo, View};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::{GroupId, NodeId, UserId};
use crate::model::{Node, NodeEntry, NodeKind, Owner, RootKind, Version};
use crate::names::{numbered_name, validate_name};
use crate::ports::MetaTx;
use crate::secret;
use crate::service::Ferry;

/// Most targets one `share_copy_with` call may name.
pub const MAX_SHARE_COPY_TARGETS: usize = 100;

/// The id listings use for "starred by" when the caller is not a user.
fn viewer(actor: &Actor) -> UserId {
    actor
        .user_id()
        .unwrap_or_else(|| UserId::from_uuid(uuid::Uuid::nil()))
}

pub(crate) fn new_etag() -> Result<String> {
    secret::random_hex::<8>()
}

/// The owner a view names: the caller's own, or another owner the caller can see.
async fn view_owner(
    tx: &mut dyn MetaTx,
    actor: &Actor,
    owner: Option<uuid::Uuid>,
) -> Result<Owner> {
    let own = actor.user_id();
    let uuid = match (owner, own) {
        (None, Some(me)) => return Ok(Owner::User(me)),
        (None, None) => return Err(Error::invalid("owner", "a view needs an owner")),
        (Some(uuid), _) => uuid,
    };
    let owner = if tx.user_by_id(UserId::from_uuid(uuid)).await?.is_some() {
        Owner::User(UserId::from_uuid(uuid))
    } else if tx.group_by_id(GroupId::from_uuid(uuid)).await?.is_some() {
        Owner::Group(GroupId::from_uuid(uuid))
    } else {
        return Err(Error::NotFound);
    };
    // An owner the caller may not read (another user, a group they are not in) is missing.
    if access_to(tx, actor, owner).await?.read {
        return Ok(owner);
    }
    Err(Error::NotFound)
}

/// Resolves a location and checks the caller may at least see it.
pub(crate) async fn resolve(
    tx: &mut dyn MetaTx,
    actor: &Actor,
    location: Location,
) -> Result<(Place, Access)> {
    match location {
        Location::Node(id) => {
            let node = tx.node_by_id(id).await?.ok_or(Error::NotFound)?;
            let access = access_to(tx, actor, node.owner).await?.limited_to(actor);
            require(access, |a| a.read)?;
            Ok((Place::Node(node), access))
        }
        Location::View { view, owner } => {
            let owner = view_owner(tx, actor, owner).await?;
            let access = access_to(tx, actor, owner).await?.limited_to(actor);
            require(access, |a| a.read)?;
            let root = match view {
                View::Home => Some(RootKind::Home),
                View::Incoming => Some(RootKind::Incoming),
                _ => None,
            };
            match root {
                Some(root) => {
                    let node = tx.root_node(owner, root).await?.ok_or_else(|| {
                        Error::internal(format!("{owner:?} has no {root:?} folder"))
                    })?;
                    Ok((Place::Node(node), access))
                }
                None => Ok((Place::View { view, owner }, access)),
            }
        }
    }
}

/// Resolves a location that must be a real folder the caller may write into, outside the trash.
pub(crate) async fn writable_folder(
    tx: &mut dyn MetaTx,
    actor: &Actor,
    location: Location,
) -> Result<(Node, Access)> {
    let (place, access) = resolve(tx, actor, location).await?;
    let Place::Node(node) = place else {
        return Err(Error::invalid(
            "target",
            "nothing can be put into this view",
        ));
    };
    if !node.is_dir() {
        return Err(Error::invalid("target", "is not a folder"));
    }
    require(access, |a| a.write)?;
    if in_trash(tx, &node).await? {
        return Err(Error::invalid("target", "is in the trash"));
    }
    Ok((node, access))
}

/// Loads a node the caller may see, with the caller's access.
pub(crate) async fn visible_node(
    tx: &mut dyn MetaTx,
    actor: &Actor,
    id: NodeId,
) -> Result<(Node, Access)> {
    match resolve(tx, actor, Location::Node(id)).await? {
        (Place::Node(node), access) => Ok((node, access)),
        (Place::View { .. }, _) => Err(Error::NotFound),
    }
}

/// Whether the node or any folder above it is in the trash.
pub(crate) async fn in_trash(tx: &mut dyn MetaTx, node: &Node) -> Result<bool> {
    if node.trashed_ms.is_some() {
        return Ok(true);
    }
    if node.parent.is_none() {
        return Ok(false);
    }
    Ok(tx
        .ancestors(node.id)
        .await?
        .iter()
        .any(|n| n.trashed_ms.is_some()))
}

/// Refuses when the owner's usage plus `extra` bytes is over its quota. Called after rows
/// were added inside the transaction, `extra` is 0: the usage already counts them.
pub(crate) async fn check_quota(tx: &mut dyn MetaTx, owner: Owner, extra: i64) -> Result<()> {
    let quota = quota_of(tx, owner).await?;
    if quota > 0 && tx.used_bytes(owner).await? + extra > quota {
        return Err(Error::QuotaExceeded);
    }
    Ok(())
}

/// Bytes the owner may still add; `None` when unlimited.
pub(crate) async fn remaining_quota(tx: &mut dyn MetaTx, owner: Owner) -> Result<Option<i64>> {
    let quota = quota_of(tx, owner).await?;
    if quota <= 0 {
        return Ok(None);
    }
    let used = tx.used_bytes(owner).await?;
    Ok(Some((quota - used).max(0)))
}

/// The owner's quota in bytes (0: unlimited), whether a user or a group.
async fn quota_of(tx: &mut dyn MetaTx, owner: Owner) -> Result<i64> {
    Ok(match owner {
        Owner::User(id) => tx.user_by_id(id).await?.ok_or(Error::NotFound)?.quota_bytes,
        Owner::Group(id) => {
            tx.group_by_id(id)
                .await?
                .ok_or(Error::NotFound)?
                .quota_bytes
        }
    })
}

/// The first free name in `parent` starting from `name`: `name`, `name (2)`, `name (3)`, …
pub(crate) async fn free_name(tx: &mut dyn MetaTx, parent: NodeId, name: &str) -> Result<String> {
    if tx.child_by_name(parent, name).await?.is_none() {
        return Ok(name.to_owned());
    }
    for n in 2..10_000 {
        let candidate = numbered_name(name, n);
        if tx.child_by_name(parent, &candidate).await?.is_none() {
            return Ok(candidate);
        }
    }
    Err(Error::Conflict(format!("no free name like '{name}'")))
}

/// A fresh folder or file row (file content is attached by the caller).
pub(crate) fn new_node(
    owner: Owner,
    parent: NodeId,
    name: String,
    kind: NodeKind,
    now: i64,
) -> Result<Node> {
    Ok(Node {
        id: NodeId::generate(),
        file_id: 0,
        owner,
        parent: Some(parent),
        root: None,
        name,
        kind,
        size: 0,
        etag: new_etag()?,
        revision: 0,
        content_hash: None,
        created_ms: now,
        updated_ms: now,
        trashed_ms: None,
    })
}

/// Puts a node in the trash, or deletes it for good when it already is in the trash.
pub(crate) async fn trash_or_delete(tx: &mut dyn MetaTx, node: &mut Node, now: i64) -> Result<()> {
    let parent = node.parent;
    if in_trash(tx, node).await? {
        tx.delete_subtree(node.id).await?;
    } else {
        node.trashed_ms = Some(now);
        node.etag = new_etag()?;
        tx.update_node(node).await?;
    }
    if let Some(parent) = parent {
        tx.propagate_etag(parent, &new_etag()?).await?;
    }
    Ok(())
}

/// Copies `src` (and, for a folder, everything live below it) into `dest` under `name`.
/// Files keep only their current content, as revision 1.
pub(crate) async fn copy_tree(
    tx: &mut dyn MetaTx,
    src: &Node,
    dest: &Node,
    name: String,
    author: Option<UserId>,
    now: i64,
) -> Result<Node> {
    let mut below = if src.is_dir() {
        tx.descendants(src.id).await?
    } else {
        Vec::new()
    };
    let mut mapped: HashMap<NodeId, NodeId> = HashMap::new();
    let mut top = copy_one(tx, src, dest.owner, dest.id, name, author, now).await?;
    mapped.insert(src.id, top.id);
    for node in below.drain(..) {
        let Some(parent) = node.parent.and_then(|p| mapped.get(&p).copied()) else {
            return Err(Error::internal("descendants out of order"));
        };
        let name = node.name.clone();
        let copy = copy_one(tx, &node, dest.owner, parent, name, author, now).await?;
        mapped.insert(node.id, copy.id);
    }
    top.file_id = tx
        .node_by_id(top.id)
        .await?
        .map(|n| n.file_id)
        .unwrap_or_default();
    Ok(top)
}

pub(crate) async fn copy_one(
    tx: &mut dyn MetaTx,
    src: &Node,
    owner: Owner,
    parent: NodeId,
    name: String,
    author: Option<UserId>,
    now: i64,
) -> Result<Node> {
    let mut node = new_node(owner, parent, name, src.kind, now)?;
    node.updated_ms = src.updated_ms;
    if src.kind == NodeKind::File {
        node.size = src.size;
        node.revision = 1;
        node.content_hash = src.content_hash.clone();
    }
    node.file_id = tx.insert_node(&node).await?;
    // A copy carries the properties clients set on the original (WebDAV COPY requires it).
    tx.copy_dead_props(src.id, node.id).await?;
    if src.kind == NodeKind::File {
        let current = tx.version(src.id, src.revision).await?.ok_or_else(|| {
            Error::internal(format!("{} has no version {}", src.id, src.revision))
        })?;
        tx.insert_version(&Version {
            node_id: node.id,
            number: 1,
            content_hash: current.content_hash,
            size: current.size,
            author,
            created_ms: now,
        })
        .await?;
        // The client's checksum travels with the content (rclone verifies copies by it).
        let checksum = tx
            .node_stats_in(src.id)
            .await?
            .into_iter()
            .find(|s| s.node_id == src.id)
            .and_then(|s| s.checksum);
        if let Some(sum) = checksum {
            tx.set_version_checksum(node.id, 1, Some(&sum)).await?;
        }
    }
    Ok(node)
}

impl Ferry {
    /// A place with its owner's name and times.
    pub async fn place_info(&self, actor: &Actor, location: Location) -> Result<PlaceInfo> {
        let mut tx = self.meta.read().await?;
        let (place, _) = resolve(tx.as_mut(), actor, location).await?;
        let owner = match &place {
            Place::Node(n) => n.owner,
            Place::View { owner, .. } => *owner,
        };
        let (owner_name, owner_created) = match owner {
            Owner::User(id) => tx
                .user_by_id(id)
                .await?
                .map(|u| (u.display_name, u.created_ms))
                .unwrap_or_default(),
            Owner::Group(id) => tx
                .group_by_id(id)
                .await?
                .map(|g| (g.name, g.created_ms))
                .unwrap_or_default(),
        };
        let (created_ms, updated_ms) = match &place {
            Place::Node(n) => (n.created_ms, n.updated_ms),
            Place::View { .. } => (owner_created, owner_created),
        };
        Ok(PlaceInfo {
            place,
            owner,
            owner_name,
            created_ms,
            updated_ms,
        })
    }

    /// What the caller may do at a place.
    pub async fn my_access(&self, actor: &Actor, location: Location) -> Result<Access> {
        let mut tx = self.meta.read().await?;
        let (place, access) = resolve(tx.as_mut(), actor, location).await?;
        Ok(match place {
            Place::Node(_) => access,
            // Views only list; the trash also lets its items be deleted for good.
            Place::View { view, .. } => Access {
                read: true,
                write: false,
                delete: view == View::Trash && access.delete,
                download: false,
            },
        })
    }

    /// The items directly inside a folder or view.
    pub async fn list(&self, actor: &Actor, location: Location) -> Result<Vec<NodeEntry>> {
        let mut tx = self.meta.read().await?;
        let (place, _) = resolve(tx.as_mut(), actor, location).await?;
        let me = viewer(actor);
        match place {
            Place::Node(node) if node.is_dir() => tx.list_children(node.id, me).await,
            Place::Node(_) => Err(Error::invalid("node", "is not a folder")),
            Place::View {
                view: View::Trash,
                owner,
            } => tx.list_trash(owner, me).await,
            Place::View {
                view: View::Favorites,
                owner,
            } => tx.list_starred(owner, me).await,
            // No share exists until sharing is built, so these views are truly empty.
            Place::View { .. } => Ok(Vec::new()),
        }
    }

    /// The steps from the top-level view down to the place.
    pub async fn path(&self, actor: &Actor, location: Location) -> Result<Vec<PathItem>> {
        let mut tx = self.meta.read().await?;
        let (place, _) = resolve(tx.as_mut(), actor, location).await?;
        let node = match place {
            Place::View { view, owner } => {
                return Ok(vec![PathItem {
                    name: view.title().to_owned(),
                    target: PathTarget::View(view, owner),
                }]);
            }
            Place::Node(node) => node,
        };
        let chain = tx.ancestors(node.id).await?;
        let trashed_at = chain.iter().position(|n| n.trashed_ms.is_some());
        let (head, rest) = match trashed_at {
            Some(i) => (View::Trash, &chain[i..]),
            None => {
                let view = match chain.first().and_then(|n| n.root) {
                    Some(RootKind::Incoming) => View::Incoming,
                    _ => View::Home,
                };
                (view, chain.get(1..).unwrap_or_default())
            }
        };
        let mut path = vec![PathItem {
            name: head.title().to_owned(),
            target: PathTarget::View(head, node.owner),
        }];
        path.extend(rest.iter().map(|n| PathItem {
            name: n.name.clone(),
            target: PathTarget::Node(n.id),
        }));
        Ok(path)
    }

    /// Makes a folder inside a folder (or the home/incoming view).
    pub async fn create_folder(&self, actor: &Actor, parent: Location, name: &str) -> Result<Node> {
        let name = validate_name(name)?.to_owned();
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let (parent, _) = writable_folder(tx.as_mut(), actor, parent).await?;
        if tx.child_by_name(parent.id, &name).await?.is_some() {
            return Err(Error::AlreadyExists(name));
        }
        let mut node = new_node(parent.owner, parent.id, name, NodeKind::Dir, now)?;
        node.file_id = tx.insert_node(&node).await?;
        tx.propagate_etag(node.id, &node.etag).await?;
        tx.commit().await?;
        Ok(node)
    }

    pub async fn rename(&self, actor: &Actor, id: NodeId, new_name: &str) -> Result<Node> {
        let new_name = validate_name(new_name)?.to_owned();
        let mut tx = self.meta.write().await?;
        let (mut node, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.write)?;
        if node.root.is_some() {
            return Err(Error::invalid(
                "node",
                "top-level folders cannot be renamed",
            ));
        }
        if node.name == new_name {
            return Ok(node);
        }
        if let Some(parent) = node.parent
            && node.trashed_ms.is_none()
            && tx.child_by_name(parent, &new_name).await?.is_some()
        {
            return Err(Error::AlreadyExists(new_name));
        }
        node.name = new_name;
        node.updated_ms = self.now_ms();
        node.etag = new_etag()?;
        tx.update_node(&node).await?;
        tx.propagate_etag(node.id, &node.etag).await?;
        tx.commit().await?;
        Ok(node)
    }

    /// Adds the node to, or removes it from, the caller's favorites.
    pub async fn set_starred(&self, actor: &Actor, id: NodeId, starred: bool) -> Result<()> {
        let me = actor
            .user_id()
            .ok_or_else(|| Error::invalid("actor", "only users have favorites"))?;
        let mut tx = self.meta.write().await?;
        visible_node(tx.as_mut(), actor, id).await?;
        tx.set_starred(me, id, starred).await?;
        tx.commit().await
    }

    /// Copies a node into a folder. A name already taken there gets a number: `a (2).txt`.
    pub async fn copy_to(&self, actor: &Actor, id: NodeId, target: Location) -> Result<Node> {
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let (src, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.download)?;
        if src.root.is_some() {
            return Err(Error::invalid("node", "top-level folders cannot be copied"));
        }
        let (dest, _) = writable_folder(tx.as_mut(), actor, target).await?;
        if src.is_dir() && tx.ancestors(dest.id).await?.iter().any(|n| n.id == src.id) {
            return Err(Error::Conflict(
                "a folder cannot be copied into itself".into(),
            ));
        }
        let name = free_name(tx.as_mut(), dest.id, &src.name).await?;
        let copy = copy_tree(tx.as_mut(), &src, &dest, name, actor.user_id(), now).await?;
        check_quota(tx.as_mut(), dest.owner, 0).await?;
        tx.propagate_etag(copy.id, &copy.etag).await?;
        tx.commit().await?;
        Ok(copy)
    }

    /// Moves a node into a folder. Moving a trashed node out of the trash restores it there.
    pub async fn move_to(&self, actor: &Actor, id: NodeId, target: Location) -> Result<Node> {
        let mut tx = self.meta.write().await?;
        let (mut node, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.write && a.delete)?;
        if node.root.is_some() {
            return Err(Error::invalid("node", "top-level folders cannot be moved"));
        }
        let (dest, _) = writable_folder(tx.as_mut(), actor, target).await?;
        if dest.id == node.id || tx.ancestors(dest.id).await?.iter().any(|n| n.id == node.id) {
            return Err(Error::Conflict(
                "a folder cannot be moved into itself".into(),
            ));
        }
        if node.parent == Some(dest.id) && node.trashed_ms.is_none() {
            return Ok(node);
        }
        if tx.child_by_name(dest.id, &node.name).await?.is_some() {
            return Err(Error::AlreadyExists(node.name));
        }
        let old_parent = node.parent;
        node.parent = Some(dest.id);
        node.trashed_ms = None;
        node.etag = new_etag()?;
        tx.update_node(&node).await?;
        if dest.owner != node.owner {
            tx.set_subtree_owner(node.id, dest.owner).await?;
            node.owner = dest.owner;
            check_quota(tx.as_mut(), dest.owner, 0).await?;
        }
        if let Some(old) = old_parent {
            tx.propagate_etag(old, &new_etag()?).await?;
        }
        tx.propagate_etag(node.id, &node.etag).await?;
        tx.commit().await?;
        Ok(node)
    }

    /// Puts a node in its owner's trash; a node already in the trash is deleted for good.
    pub async fn delete(&self, actor: &Actor, id: NodeId) -> Result<()> {
        let mut tx = self.meta.write().await?;
        let (mut node, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.delete)?;
        if node.root.is_some() {
            return Err(Error::invalid(
                "node",
                "top-level folders cannot be deleted",
            ));
        }
        trash_or_delete(tx.as_mut(), &mut node, self.now_ms()).await?;
        tx.commit().await
    }

    /// Deletes everything in an owner's trash for good.
    pub async fn empty_trash(&self, actor: &Actor, owner: Option<uuid::Uuid>) -> Result<u64> {
        let mut tx = self.meta.write().await?;
        let (place, access) = resolve(
            tx.as_mut(),
            actor,
            Location::View {
                view: View::Trash,
                owner,
            },
        )
        .await?;
        require(access, |a| a.delete)?;
        let Place::View { owner, .. } = place else {
            return Err(Error::internal("trash resolved to a node"));
        };
        let items = tx.list_trash(owner, viewer(actor)).await?;
        for item in &items {
            tx.delete_subtree(item.node.id).await?;
        }
        tx.commit().await?;
        Ok(items.len() as u64)
    }

    /// Takes a node out of the trash, back into the folder it was in (or home, when that
    /// folder is gone or itself in the trash). A name taken meanwhile gets a number.
    pub async fn restore(&self, actor: &Actor, id: NodeId) -> Result<Node> {
        let mut tx = self.meta.write().await?;
        let (mut node, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.write)?;
        if node.trashed_ms.is_none() {
            return Err(Error::invalid("node", "is not in the trash"));
        }
        let parent = match node.parent {
            Some(p) => tx.node_by_id(p).await?,
            None => None,
        };
        let parent = match parent {
            Some(p) if !in_trash(tx.as_mut(), &p).await? => p,
            _ => tx
                .root_node(node.owner, RootKind::Home)
                .await?
                .ok_or_else(|| Error::internal("owner has no home folder"))?,
        };
        node.name = free_name(tx.as_mut(), parent.id, &node.name).await?;
        node.parent = Some(parent.id);
        node.trashed_ms = None;
        node.etag = new_etag()?;
        tx.update_node(&node).await?;
        tx.propagate_etag(node.id, &node.etag).await?;
        tx.commit().await?;
        Ok(node)
    }

    /// Puts a copy of the node into the incoming folder of each target user or group.
    pub async fn share_copy_with(
        &self,
        actor: &Actor,
        id: NodeId,
        targets: &[uuid::Uuid],
    ) -> Result<()> {
        if targets.is_empty() {
            return Err(Error::invalid("share_copy_with", "names no user or group"));
        }
        if targets.len() > MAX_SHARE_COPY_TARGETS {
            return Err(Error::invalid(
                "share_copy_with",
                "names more than 100 targets",
            ));
        }
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let (src, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.download)?;
        if src.root.is_some() {
            return Err(Error::invalid(
                "node",
                "top-level folders cannot be shared as a copy",
            ));
        }
        let mut seen = Vec::with_capacity(targets.len());
        for target in targets {
            if seen.contains(target) {
                continue;
            }
            seen.push(*target);
            // A copy for a group lands in the group's incoming folder.
            let owner = match tx.user_by_id(UserId::from_uuid(*target)).await? {
                Some(user) if user.is_active => Some(Owner::User(user.id)),
                Some(_) => None,
                None => tx
                    .group_by_id(GroupId::from_uuid(*target))
                    .await?
                    .map(|g| Owner::Group(g.id)),
            };
            let owner = owner.ok_or_else(|| {
                Error::invalid(
                    "share_copy_with",
                    format!("{target} is not a user or group"),
                )
            })?;
            let incoming = tx
                .root_node(owner, RootKind::Incoming)
                .await?
                .ok_or_else(|| Error::internal("owner has no incoming folder"))?;
            let name = free_name(tx.as_mut(), incoming.id, &src.name).await?;
            let copy = copy_tree(tx.as_mut(), &src, &incoming, name, actor.user_id(), now).await?;
            check_quota(tx.as_mut(), owner, 0).await?;
            tx.propagate_etag(copy.id, &copy.etag).await?;
        }
        tx.commit().await
    }
}
