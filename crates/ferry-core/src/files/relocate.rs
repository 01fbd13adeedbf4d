//! Tree operations by name with WebDAV's rules: moving and copying to a new parent under
//! a new name (replacing what is there when asked to), making folders and deleting, each
//! past the locks the caller holds.

use super::access::require;
use super::locks::{Reach, check_locks, check_member_change};
use super::tree::{
    check_quota, copy_one, copy_tree, in_trash, new_etag, new_node, trash_or_delete, visible_node,
};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::model::{Node, NodeKind};
use crate::names::validate_name;
use crate::ports::MetaTx;
use crate::service::Ferry;

/// Where a node goes.
#[derive(Clone, Debug)]
pub struct Relocation {
    /// The folder it goes into.
    pub parent: NodeId,
    /// Its name there.
    pub name: String,
    /// Whether a node already there under that name is replaced (it goes to the trash) or
    /// makes the operation fail with `PreconditionFailed`.
    pub overwrite: bool,
    pub lock_tokens: Vec<String>,
}

/// What a move or copy made.
#[derive(Clone, Debug)]
pub struct Relocated {
    pub node: Node,
    /// True when a node was there before and was replaced.
    pub replaced: bool,
}

/// A live folder the caller may write into.
async fn folder_for_writing(tx: &mut dyn MetaTx, actor: &Actor, id: NodeId) -> Result<Node> {
    let (folder, access) = visible_node(tx, actor, id).await?;
    require(access, |a| a.write)?;
    if !folder.is_dir() {
        return Err(Error::Conflict("the parent is not a folder".into()));
    }
    if in_trash(tx, &folder).await? {
        return Err(Error::invalid("target", "is in the trash"));
    }
    Ok(folder)
}

/// Whether `node` is `inside` itself or one of the folders above it.
async fn is_at_or_above(tx: &mut dyn MetaTx, node: NodeId, inside: NodeId) -> Result<bool> {
    Ok(node == inside || tx.ancestors(inside).await?.iter().any(|n| n.id == node))
}

/// Clears the way at the destination: what is there goes to the trash when overwriting is
/// allowed. Returns whether something was replaced.
async fn clear_destination(
    tx: &mut dyn MetaTx,
    actor: &Actor,
    source: &Node,
    dest: &Node,
    to: &Relocation,
    now: i64,
) -> Result<bool> {
    let Some(mut existing) = tx.child_by_name(dest.id, &to.name).await? else {
        return Ok(false);
    };
    if existing.id == source.id {
        return Err(Error::PermissionDenied);
    }
    if !to.overwrite {
        return Err(Error::PreconditionFailed(format!(
            "'{}' exists and overwriting was not allowed",
            to.name
        )));
    }
    // Replacing a folder that holds the source (or the destination) would take it along.
    if is_at_or_above(tx, existing.id, source.id).await? {
        return Err(Error::Conflict(
            "the destination contains the source".into(),
        ));
    }
    check_locks(tx, actor, existing.id, &to.lock_tokens, now, Reach::Tree).await?;
    trash_or_delete(tx, &mut existing, now).await?;
    tx.delete_locks_in(existing.id).await?;
    Ok(true)
}

impl Ferry {
    /// Moves (and renames) a node. Its locks stay behind (RFC 4918 §7.7).
    pub async fn move_node(&self, actor: &Actor, id: NodeId, to: Relocation) -> Result<Relocated> {
        let name = validate_name(&to.name)?.to_owned();
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let (mut node, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.write && a.delete)?;
        if node.root.is_some() {
            return Err(Error::PermissionDenied);
        }
        let dest = folder_for_writing(tx.as_mut(), actor, to.parent).await?;
        if is_at_or_above(tx.as_mut(), node.id, dest.id).await? {
            return Err(Error::Conflict(
                "a folder cannot be moved into itself".into(),
            ));
        }
        check_locks(
            tx.as_mut(),
            actor,
            node.id,
            &to.lock_tokens,
            now,
            Reach::Tree,
        )
        .await?;
        if let Some(old_parent) = node.parent {
            check_member_change(tx.as_mut(), actor, old_parent, &to.lock_tokens, now).await?;
        }
        check_member_change(tx.as_mut(), actor, dest.id, &to.lock_tokens, now).await?;
        let replaced = clear_destination(tx.as_mut(), actor, &node, &dest, &to, now).await?;
        let old_parent = node.parent;
        node.parent = Some(dest.id);
        node.name = name;
        node.etag = new_etag()?;
        tx.update_node(&node).await?;
        if dest.owner != node.owner {
            tx.set_subtree_owner(node.id, dest.owner).await?;
            node.owner = dest.owner;
            check_quota(tx.as_mut(), dest.owner, 0).await?;
        }
        tx.delete_locks_in(node.id).await?;
        if let Some(old) = old_parent {
            tx.propagate_etag(old, &new_etag()?).await?;
        }
        tx.propagate_etag(node.id, &node.etag).await?;
        tx.commit().await?;
        Ok(Relocated { node, replaced })
    }

    /// Copies a node; a folder with everything below it when `deep`, else alone.
    pub async fn copy_node(
        &self,
        actor: &Actor,
        id: NodeId,
        to: Relocation,
        deep: bool,
    ) -> Result<Relocated> {
        let name = validate_name(&to.name)?.to_owned();
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let (src, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.download)?;
        let dest = folder_for_writing(tx.as_mut(), actor, to.parent).await?;
        if src.is_dir() && deep && is_at_or_above(tx.as_mut(), src.id, dest.id).await? {
            return Err(Error::Conflict(
                "a folder cannot be copied into itself".into(),
            ));
        }
        check_member_change(tx.as_mut(), actor, dest.id, &to.lock_tokens, now).await?;
        let replaced = clear_destination(tx.as_mut(), actor, &src, &dest, &to, now).await?;
        let author = actor.user_id();
        let copy = if deep || !src.is_dir() {
            copy_tree(tx.as_mut(), &src, &dest, name, author, now).await?
        } else {
            copy_one(tx.as_mut(), &src, dest.owner, dest.id, name, author, now).await?
        };
        check_quota(tx.as_mut(), dest.owner, 0).await?;
        tx.propagate_etag(copy.id, &copy.etag).await?;
        tx.commit().await?;
        Ok(Relocated {
            node: copy,
            replaced,
        })
    }

    /// Makes a folder by name; `AlreadyExists` when the name is taken.
    pub async fn make_folder(
        &self,
        actor: &Actor,
        parent: NodeId,
        name: &str,
        lock_tokens: &[String],
    ) -> Result<Node> {
        let name = validate_name(name)?.to_owned();
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let parent = folder_for_writing(tx.as_mut(), actor, parent).await?;
        if tx.child_by_name(parent.id, &name).await?.is_some() {
            return Err(Error::AlreadyExists(name));
        }
        check_member_change(tx.as_mut(), actor, parent.id, lock_tokens, now).await?;
        let mut node = new_node(parent.owner, parent.id, name, NodeKind::Dir, now)?;
        node.file_id = tx.insert_node(&node).await?;
        tx.propagate_etag(node.id, &node.etag).await?;
        tx.commit().await?;
        Ok(node)
    }

    /// Puts a node in the trash past its locks, which go with it.
    pub async fn remove(&self, actor: &Actor, id: NodeId, lock_tokens: &[String]) -> Result<()> {
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let (mut node, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.delete)?;
        if node.root.is_some() {
            return Err(Error::PermissionDenied);
        }
        check_locks(tx.as_mut(), actor, node.id, lock_tokens, now, Reach::Tree).await?;
        if let Some(parent) = node.parent {
            check_member_change(tx.as_mut(), actor, parent, lock_tokens, now).await?;
        }
        tx.delete_locks_in(node.id).await?;
        trash_or_delete(tx.as_mut(), &mut node, now).await?;
        tx.commit().await
    }
}
