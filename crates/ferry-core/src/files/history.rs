//! A file's earlier versions: listing them and making one of them current again.

use super::access::require;
use super::tree::{check_quota, in_trash, new_etag, visible_node};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::model::{Node, NodeKind, Version};
use crate::service::Ferry;

impl Ferry {
    /// Every version of a file the caller may read, oldest first.
    pub async fn versions(&self, actor: &Actor, id: NodeId) -> Result<(Node, Vec<Version>)> {
        let mut tx = self.meta.read().await?;
        let (node, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.read)?;
        if node.kind != NodeKind::File {
            return Err(Error::invalid("node", "is a folder"));
        }
        let versions = tx.list_versions(node.id).await?;
        Ok((node, versions))
    }

    /// Makes an earlier version current again, as a new version with the same content (the
    /// history keeps every step; no bytes are copied).
    pub async fn restore_version(&self, actor: &Actor, id: NodeId, number: i64) -> Result<Node> {
        let mut tx = self.meta.write().await?;
        let (mut node, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.write)?;
        if node.kind != NodeKind::File {
            return Err(Error::invalid("node", "is a folder"));
        }
        if in_trash(tx.as_mut(), &node).await? {
            return Err(Error::invalid("node", "is in the trash"));
        }
        let old = tx.version(node.id, number).await?.ok_or(Error::NotFound)?;
        let now = self.now_ms();
        node.revision += 1;
        node.size = old.size;
        node.content_hash = Some(old.content_hash.clone());
        node.updated_ms = now;
        node.etag = new_etag()?;
        tx.insert_version(&Version {
            node_id: node.id,
            number: node.revision,
            content_hash: old.content_hash,
            size: old.size,
            author: actor.user_id(),
            created_ms: now,
        })
        .await?;
        tx.update_node(&node).await?;
        tx.propagate_etag(node.id, &node.etag).await?;
        check_quota(tx.as_mut(), node.owner, 0).await?;
        tx.commit().await?;
        Ok(node)
    }
}
