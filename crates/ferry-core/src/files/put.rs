//! Storing one file by name in a folder, as WebDAV PUT does: a new file or a new revision
//! of the one with that name, with the client's modification time and checksum, past the
//! locks the caller holds.

use super::access::require;
use super::content::{BlobRef, add_version};
use super::locks::{Reach, check_locks, check_member_change};
use super::tree::{check_quota, in_trash, new_node, visible_node};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::model::{Node, NodeKind};
use crate::names::validate_name;
use crate::ports::{MetaTx, StagedBlob};
use crate::service::Ferry;

/// A file to store by name.
pub struct PutFile {
    pub parent: NodeId,
    pub name: String,
    pub staged: Box<dyn StagedBlob>,
    /// The modification time the client asks for (X-OC-MTime), if any.
    pub mtime_ms: Option<i64>,
    /// The checksum the client sent (OC-Checksum, e.g. `SHA1:…`), kept with the version.
    pub checksum: Option<String>,
    pub lock_tokens: Vec<String>,
}

/// What a put did.
#[derive(Clone, Debug)]
pub struct PutOutcome {
    pub node: Node,
    /// True when the file is new, false when it got a new revision.
    pub created: bool,
}

/// A client's checksum is kept as sent (`SHA1:…`), within reason.
pub(crate) fn check_checksum(checksum: Option<&str>) -> Result<()> {
    if let Some(sum) = checksum
        && (sum.len() > 1024 || sum.chars().any(char::is_control))
    {
        return Err(Error::invalid("checksum", "is not a checksum"));
    }
    Ok(())
}

/// What the rows of a put need, once the bytes are in the blob store.
struct PutRows<'a> {
    parent: NodeId,
    name: &'a str,
    blob: BlobRef<'a>,
    mtime_ms: Option<i64>,
    checksum: Option<&'a str>,
    lock_tokens: &'a [String],
}

impl Ferry {
    /// Stores a file by name in a folder. All or nothing: on any error no row changes.
    ///
    /// The blob is committed (renamed into place and, under strict durability, fsynced)
    /// before the write transaction starts, so that work overlaps other writers' instead of
    /// holding the database's one write lock. If the rows then fail (a lock, the quota, a
    /// name taken by a folder), nothing names the blob and the blob sweep collects it after
    /// its grace period; it is never deleted here, since a concurrent upload of the same
    /// bytes may be about to name it.
    pub async fn put_file(&self, actor: &Actor, put: PutFile) -> Result<PutOutcome> {
        let PutFile {
            parent,
            name,
            staged,
            mtime_ms,
            checksum,
            lock_tokens,
        } = put;
        // Cheap refusals first, so they leave no blob behind.
        if let Err(e) = validate_name(&name).and(check_checksum(checksum.as_deref())) {
            staged.abort().await;
            return Err(e);
        }
        let content_hash = staged.content_hash().to_owned();
        let size = staged.size();
        staged.commit().await?;
        let rows = PutRows {
            parent,
            name: &name,
            blob: BlobRef {
                content_hash: &content_hash,
                size,
            },
            mtime_ms,
            checksum: checksum.as_deref(),
            lock_tokens: &lock_tokens,
        };
        let mut tx = self.meta.write().await?;
        let outcome = self.put_rows(tx.as_mut(), actor, &rows).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn put_rows(
        &self,
        tx: &mut dyn MetaTx,
        actor: &Actor,
        put: &PutRows<'_>,
    ) -> Result<PutOutcome> {
        let now = self.now_ms();
        let name = validate_name(put.name)?;
        let (parent, access) = visible_node(tx, actor, put.parent).await?;
        require(access, |a| a.write)?;
        if !parent.is_dir() {
            return Err(Error::Conflict("the parent is not a folder".into()));
        }
        if in_trash(tx, &parent).await? {
            return Err(Error::invalid("target", "is in the trash"));
        }
        let (node, created) = match tx.child_by_name(parent.id, name).await? {
            Some(existing) if existing.is_dir() => {
                return Err(Error::AlreadyExists(format!("a folder named '{name}'")));
            }
            Some(existing) => {
                check_locks(tx, actor, existing.id, put.lock_tokens, now, Reach::Node).await?;
                (existing, false)
            }
            None => {
                check_member_change(tx, actor, parent.id, put.lock_tokens, now).await?;
                let mut node = new_node(
                    parent.owner,
                    parent.id,
                    name.to_owned(),
                    NodeKind::File,
                    now,
                )?;
                node.file_id = tx.insert_node(&node).await?;
                (node, true)
            }
        };
        let node = add_version(tx, actor, node, put.blob, put.mtime_ms, now).await?;
        if let Some(sum) = put.checksum {
            tx.set_version_checksum(node.id, node.revision, Some(sum))
                .await?;
        }
        check_quota(tx, parent.owner, 0).await?;
        Ok(PutOutcome { node, created })
    }
}
