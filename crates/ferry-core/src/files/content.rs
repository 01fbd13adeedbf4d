//! File content: upload tokens, staged writes, new files and revisions, downloads, and the
//! sweep that collects blobs nothing refers to.

use bytes::Bytes;
use futures::{Stream, StreamExt};

use super::access::require;
use super::tree::{
    check_quota, in_trash, new_etag, new_node, remaining_quota, resolve, visible_node,
};
use super::{Location, Place};
use crate::actor::{Actor, UserActor};
use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::model::{Node, NodeKind, UploadToken, Version};
use crate::names::validate_name;
use crate::ports::{ByteRange, ByteStream, StagedBlob};
use crate::secret;
use crate::service::Ferry;

/// What redeeming an upload token grants: who uploads, and where to.
#[derive(Clone, Debug)]
pub struct UploadGrant {
    pub actor: Actor,
    pub target: NodeId,
}

/// A file whose bytes are staged and which is about to be stored.
pub struct IncomingFile {
    /// The file's name; ignored when uploading a new revision onto a file.
    pub name: String,
    pub staged: Box<dyn StagedBlob>,
    /// The modification time the client asks for (X-OC-MTime), if any.
    pub mtime_ms: Option<i64>,
}

/// A file's version, ready to be read.
#[derive(Clone, Debug)]
pub struct Content {
    pub node: Node,
    pub version: Version,
}

/// How a version number names "the latest" in FileAgo download links.
pub const LATEST_VERSION: i64 = 999_999_999_999_999;

impl Ferry {
    /// Issues a single-use token to upload into a folder (new files) or onto a file (a new
    /// revision). It must be redeemed within the configured time (5 seconds by default).
    pub async fn issue_upload_token(&self, actor: &Actor, location: Location) -> Result<String> {
        let user_id = actor
            .user_id()
            .ok_or_else(|| Error::invalid("actor", "only users upload"))?;
        let mut tx = self.meta.write().await?;
        let (place, access) = resolve(tx.as_mut(), actor, location).await?;
        let Place::Node(node) = place else {
            return Err(Error::invalid(
                "target",
                "nothing can be uploaded into this view",
            ));
        };
        require(access, |a| a.write)?;
        if in_trash(tx.as_mut(), &node).await? {
            return Err(Error::invalid("target", "is in the trash"));
        }
        let token = secret::new_token()?;
        let now = self.now_ms();
        tx.delete_expired(now).await?;
        tx.insert_upload_token(&UploadToken {
            token_hash: secret::token_hash(&token),
            user_id,
            node_id: node.id,
            expires_ms: now + self.settings.upload_token_ttl_ms,
        })
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Redeems an upload token: it works once, and only before it expires.
    pub async fn redeem_upload_token(&self, token: &str) -> Result<UploadGrant> {
        let mut tx = self.meta.write().await?;
        let grant = tx.take_upload_token(&secret::token_hash(token)).await?;
        tx.commit().await?;
        let grant = grant.ok_or(Error::Unauthenticated)?;
        if grant.expires_ms < self.now_ms() {
            return Err(Error::Unauthenticated);
        }
        let mut tx = self.meta.read().await?;
        let user = tx
            .user_by_id(grant.user_id)
            .await?
            .filter(|u| u.is_active)
            .ok_or(Error::Unauthenticated)?;
        Ok(UploadGrant {
            actor: Actor::User(UserActor {
                user_id: user.id,
                username: user.username.clone(),
                is_admin: user.is_admin,
                session_id: None,
                app_password_id: None,
                api_key: None,
            }),
            target: grant.node_id,
        })
    }

    /// Bytes that may still be stored under the target's owner; `None` when unlimited.
    /// Uploads stop streaming as soon as they pass it.
    pub async fn upload_allowance(&self, actor: &Actor, target: NodeId) -> Result<Option<u64>> {
        let mut tx = self.meta.read().await?;
        let (node, access) = visible_node(tx.as_mut(), actor, target).await?;
        require(access, |a| a.write)?;
        Ok(remaining_quota(tx.as_mut(), node.owner)
            .await?
            .map(|r| u64::try_from(r).unwrap_or(0)))
    }

    /// Streams bytes into a staged blob, stopping with `QuotaExceeded` past `limit`.
    /// On any failure the staged bytes are thrown away.
    pub async fn stage<S, E>(&self, mut body: S, limit: Option<u64>) -> Result<Box<dyn StagedBlob>>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Unpin + Send,
        E: Into<Error>,
    {
        let mut writer = self.blobs.writer().await?;
        while let Some(chunk) = body.next().await {
            let step = match chunk {
                Ok(chunk) => {
                    if limit.is_some_and(|l| writer.written() + chunk.len() as u64 > l) {
                        Err(Error::QuotaExceeded)
                    } else {
                        writer.write(chunk).await
                    }
                }
                Err(e) => Err(e.into()),
            };
            if let Err(e) = step {
                writer.abort().await;
                return Err(e);
            }
        }
        writer.finish().await
    }

    /// Stores staged files: into a folder (new files; a same-name file gets a new revision)
    /// or onto a file (one new revision). All or nothing: on any error no file changes and
    /// the staged bytes are thrown away.
    pub async fn store_files(
        &self,
        actor: &Actor,
        target: NodeId,
        files: Vec<IncomingFile>,
    ) -> Result<Vec<Node>> {
        let mut tx = self.meta.write().await?;
        let planned = self
            .write_file_rows(tx.as_mut(), actor, target, &files)
            .await;
        let mut staged = files.into_iter().map(|f| f.staged);
        let nodes = match planned {
            Ok(nodes) => nodes,
            Err(e) => {
                for s in staged {
                    s.abort().await;
                }
                return Err(e);
            }
        };
        // Blobs become durable before the rows that name them commit: a crash in between
        // leaves only an unreferenced blob, which the sweep collects.
        while let Some(s) = staged.next() {
            if let Err(e) = s.commit().await {
                for rest in staged {
                    rest.abort().await;
                }
                return Err(e);
            }
        }
        tx.commit().await?;
        Ok(nodes)
    }

    pub(super) async fn write_file_rows(
        &self,
        tx: &mut dyn crate::ports::MetaTx,
        actor: &Actor,
        target: NodeId,
        files: &[IncomingFile],
    ) -> Result<Vec<Node>> {
        if files.is_empty() {
            return Err(Error::invalid("file", "no file was sent"));
        }
        let (target, access) = visible_node(tx, actor, target).await?;
        require(access, |a| a.write)?;
        if in_trash(tx, &target).await? {
            return Err(Error::invalid("target", "is in the trash"));
        }
        let now = self.now_ms();
        let owner = target.owner;
        let mut stored = Vec::with_capacity(files.len());
        if target.kind == NodeKind::File {
            let [file] = files else {
                return Err(Error::invalid(
                    "file",
                    "a new revision takes exactly one file",
                ));
            };
            stored.push(self.add_revision(tx, actor, target, file, now).await?);
        } else {
            for file in files {
                let name = validate_name(&file.name)?;
                let node = match tx.child_by_name(target.id, name).await? {
                    Some(existing) if existing.is_dir() => {
                        return Err(Error::AlreadyExists(format!("a folder named '{name}'")));
                    }
                    Some(existing) => existing,
                    None => {
                        let mut node = new_node(
                            target.owner,
                            target.id,
                            name.to_owned(),
                            NodeKind::File,
                            now,
                        )?;
                        node.file_id = tx.insert_node(&node).await?;
                        node
                    }
                };
                stored.push(self.add_revision(tx, actor, node, file, now).await?);
            }
        }
        check_quota(tx, owner, 0).await?;
        Ok(stored)
    }

    async fn add_revision(
        &self,
        tx: &mut dyn crate::ports::MetaTx,
        actor: &Actor,
        node: Node,
        file: &IncomingFile,
        now: i64,
    ) -> Result<Node> {
        let blob = BlobRef::of(file.staged.as_ref());
        add_version(tx, actor, node, blob, file.mtime_ms, now).await
    }
}

/// The content a new version names: staged, or already committed to the blob store.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BlobRef<'a> {
    pub content_hash: &'a str,
    pub size: u64,
}

impl<'a> BlobRef<'a> {
    pub fn of(staged: &'a dyn StagedBlob) -> Self {
        BlobRef {
            content_hash: staged.content_hash(),
            size: staged.size(),
        }
    }
}

/// Makes the staged content the node's next revision (rows only; the caller commits the
/// blob before the transaction).
pub(crate) async fn add_version(
    tx: &mut dyn crate::ports::MetaTx,
    actor: &Actor,
    mut node: Node,
    blob: BlobRef<'_>,
    mtime_ms: Option<i64>,
    now: i64,
) -> Result<Node> {
    let size = i64::try_from(blob.size).map_err(|_| Error::PayloadTooLarge)?;
    node.revision += 1;
    node.size = size;
    node.content_hash = Some(blob.content_hash.to_owned());
    node.updated_ms = mtime_ms.unwrap_or(now);
    node.etag = new_etag()?;
    tx.insert_version(&Version {
        node_id: node.id,
        number: node.revision,
        content_hash: blob.content_hash.to_owned(),
        size,
        author: actor.user_id(),
        created_ms: now,
    })
    .await?;
    tx.update_node(&node).await?;
    tx.propagate_etag(node.id, &node.etag).await?;
    Ok(node)
}

impl Ferry {
    /// A version of a file the caller may download: `None` or `LATEST_VERSION` for the
    /// current one, else by number.
    pub async fn content(
        &self,
        actor: &Actor,
        id: NodeId,
        version: Option<i64>,
    ) -> Result<Content> {
        let mut tx = self.meta.read().await?;
        let (node, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.download)?;
        if node.kind != NodeKind::File {
            return Err(Error::invalid("node", "is a folder"));
        }
        let number = match version {
            None | Some(LATEST_VERSION) => node.revision,
            Some(n) => n,
        };
        let version = tx.version(node.id, number).await?.ok_or(Error::NotFound)?;
        Ok(Content { node, version })
    }

    /// Streams a version's bytes, or a range of them (already checked against its size).
    pub async fn read_content(
        &self,
        content: &Content,
        range: Option<ByteRange>,
    ) -> Result<ByteStream> {
        self.blobs.read(&content.version.content_hash, range).await
    }

    /// Deletes blobs that no version names and that are older than `min_age_ms` (so a blob
    /// whose rows are still being committed is never taken). Returns how many went.
    pub async fn sweep_blobs(&self, min_age_ms: i64) -> Result<u64> {
        let cutoff = self.now_ms() - min_age_ms;
        let mut removed = 0;
        for blob in self.blobs.list().await? {
            if blob.modified_ms > cutoff {
                continue;
            }
            let mut tx = self.meta.read().await?;
            let referenced = tx.blob_is_referenced(&blob.content_hash).await?;
            drop(tx);
            if !referenced {
                self.blobs.delete(&blob.content_hash).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Removes staged writes a crash left behind. Call once on start, before serving.
    pub async fn clean_staging(&self) -> Result<u64> {
        self.blobs.clean_staging().await
    }
}
