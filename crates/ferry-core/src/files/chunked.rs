//! Chunked uploads: one assembler behind every Nextcloud chunking variant.
//!
//! A client sends a big file as parts, then asks for them to be joined:
//!
//! - **v1 / "NG"** (nextcloudcmd, rclone, nc-py-api v1): `MKCOL /uploads/{user}/{transfer}`,
//!   parts under any names, `MOVE …/.file` to the destination. Joined in byte-wise name
//!   order, which is right for nextcloudcmd's 16-digit indexes and for the `%015d-%015d`
//!   byte ranges of rclone and nc-py-api.
//! - **v2** (Nextcloud ≥ 26 clients): the same, but MKCOL already names the destination and
//!   parts are numbered 1..=10000, joined in numeric order.
//! - **legacy** (`PUT <name>-chunking-<transfer>-<count>-<index>`, see [`legacy`]): no
//!   MKCOL and no MOVE; the file is joined as soon as all `count` parts are in.
//!
//! Each part is staged, hashed and committed as a blob of its own, named by an
//! `upload_parts` row (so the blob sweep keeps it). Sessions and parts live in the database,
//! so any instance can take the next part. Joining streams the parts' blobs into one new
//! staged blob ([`crate::ports::BlobStore::concat`]) and stores it through the same rows as
//! every other upload. While that runs, the session is *claimed* (`assembling_ms`): the claim
//! is taken in a write transaction, so exactly one caller assembles, and parts can neither
//! change nor be joined a second time meanwhile (`Locked`). Sessions idle for a day expire.
//!
//! This file holds sessions and parts; [`assemble`] the joining; [`legacy`] the `-chunking-`
//! PUTs.

mod assemble;
mod legacy;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use assemble::UploadFinish;
pub use legacy::{LegacyChunkName, LegacyChunkOutcome, parse_legacy_chunk_name};

use super::Location;
use super::tree::{remaining_quota, writable_folder};
use crate::actor::Actor;
use crate::clock::EpochMillis;
use crate::error::{Error, Result};
use crate::ids::{UploadId, UserId};
use crate::model::{Owner, UploadDestination, UploadPart, UploadSession, UploadVariant};
use crate::names::validate_name;
use crate::ports::{MetaTx, StagedBlob};
use crate::service::Ferry;

/// A session nobody touched for this long is gone (as in Nextcloud, whose upload folders
/// are cleaned up after a day).
pub const UPLOAD_IDLE_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// A claim this old is taken to belong to an instance that died while assembling; the next
/// MOVE (or legacy part) may take it over.
const ASSEMBLY_STALE_MS: i64 = 60 * 60 * 1000;

/// Highest v2 part number: S3's limit on the parts of a multipart upload.
pub const MAX_V2_PART: u64 = 10_000;

/// The name clients MOVE to assemble an upload folder; it never names a part.
pub const ASSEMBLE_NAME: &str = ".file";

/// A stored part as a listing (PROPFIND of the upload folder) shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkInfo {
    pub name: String,
    pub size: u64,
    /// SHA-256 of the part's bytes (a face may use it as the part's ETag).
    pub content_hash: String,
    pub created_ms: EpochMillis,
}

impl From<&UploadPart> for ChunkInfo {
    fn from(part: &UploadPart) -> Self {
        ChunkInfo {
            name: part.name.clone(),
            size: u64::try_from(part.size).unwrap_or(0),
            content_hash: part.content_hash.clone(),
            created_ms: part.created_ms,
        }
    }
}

/// Only users have upload sessions: they are keyed by the user.
fn uploader(actor: &Actor) -> Result<UserId> {
    actor
        .user_id()
        .ok_or_else(|| Error::invalid("actor", "only users upload"))
}

/// A transfer id is the name of a folder under the user's uploads, so the name rule applies
/// (which also keeps `/`, and with it the internal `legacy/…` keys, out).
fn check_transfer_id(transfer_id: &str) -> Result<&str> {
    validate_name(transfer_id).map_err(|e| renamed_field(e, "transfer_id"))
}

fn renamed_field(err: Error, field: &str) -> Error {
    match err {
        Error::InvalidInput { reason, .. } => Error::invalid(field, reason),
        other => other,
    }
}

/// Part names: any file name but `.file` for v1; a number in 1..=10000 for v2.
fn check_part_name(variant: UploadVariant, name: &str) -> Result<()> {
    validate_name(name).map_err(|e| renamed_field(e, "chunk"))?;
    if name == ASSEMBLE_NAME {
        return Err(Error::invalid("chunk", "'.file' names the assembled file"));
    }
    if variant == UploadVariant::V2
        && !part_number(name).is_some_and(|n| (1..=MAX_V2_PART).contains(&n))
    {
        return Err(Error::invalid("chunk", "must be a number from 1 to 10000"));
    }
    Ok(())
}

/// The number a part name spells (`"00042"` → 42), if it is all ASCII digits.
fn part_number(name: &str) -> Option<u64> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    name.parse().ok()
}

/// Puts parts in the order they are joined: byte-wise by name for v1, by number for v2 and
/// legacy sessions (`"2"` before `"10"`). Names that are equal numbers (`"1"`, `"01"`) keep
/// byte order between them.
fn order_parts(variant: UploadVariant, parts: &mut [UploadPart]) {
    match variant {
        UploadVariant::V1 => parts.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes())),
        UploadVariant::V2 | UploadVariant::Legacy => parts.sort_by(|a, b| {
            let key = |p: &UploadPart| part_number(&p.name).unwrap_or(u64::MAX);
            key(a)
                .cmp(&key(b))
                .then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
        }),
    }
}

/// Whether someone is joining the session's parts right now.
fn is_assembling(session: &UploadSession, now: EpochMillis) -> bool {
    session
        .assembling_ms
        .is_some_and(|since| now - since < ASSEMBLY_STALE_MS)
}

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| Error::PayloadTooLarge)
}

/// Blob first, then rows: a crash in between leaves only an unreferenced blob, which the
/// sweep collects.
async fn commit_both(staged: Box<dyn StagedBlob>, tx: Box<dyn MetaTx>) -> Result<()> {
    staged.commit().await?;
    tx.commit().await
}

/// Whose quota a session's bytes count against: the destination's owner when it is known,
/// else the uploader.
async fn session_owner(tx: &mut dyn MetaTx, session: &UploadSession) -> Result<Owner> {
    match &session.destination {
        Some(dest) => Ok(tx
            .node_by_id(dest.parent)
            .await?
            .ok_or(Error::NotFound)?
            .owner),
        None => Ok(Owner::User(session.user_id)),
    }
}

impl Ferry {
    fn upload_cutoff(&self) -> EpochMillis {
        self.now_ms() - UPLOAD_IDLE_TTL_MS
    }

    /// Starts an upload session (MKCOL of `/uploads/{user}/{transfer}`). With a destination
    /// (which must be a name in a folder the caller may write to) the session follows v2,
    /// without one v1. A session of the same name the caller already has is
    /// `AlreadyExists` (as MKCOL on an existing folder); other users' sessions are
    /// separate. An announced `total_length` over the remaining quota is refused up front.
    pub async fn begin_upload(
        &self,
        actor: &Actor,
        transfer_id: &str,
        destination: Option<UploadDestination>,
        total_length: Option<u64>,
    ) -> Result<UploadSession> {
        let user = uploader(actor)?;
        let transfer_id = check_transfer_id(transfer_id)?;
        let total_length = total_length.map(to_i64).transpose()?;
        if let Some(dest) = &destination {
            validate_name(&dest.name)?;
        }
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        if let Some(dest) = &destination {
            writable_folder(tx.as_mut(), actor, Location::Node(dest.parent)).await?;
        }
        let session = UploadSession {
            id: UploadId::generate(),
            user_id: user,
            transfer_id: transfer_id.to_owned(),
            variant: match destination {
                Some(_) => UploadVariant::V2,
                None => UploadVariant::V1,
            },
            destination,
            total_length,
            chunk_count: None,
            created_ms: now,
            touched_ms: now,
            assembling_ms: None,
        };
        if let Some(total) = total_length {
            self.check_part_quota(tx.as_mut(), &session, total).await?;
        }
        self.replace_expired(tx.as_mut(), user, transfer_id).await?;
        tx.insert_upload_session(&session).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Removes an expired session the sweep has not reached yet, so its name can be reused.
    async fn replace_expired(
        &self,
        tx: &mut dyn MetaTx,
        user: UserId,
        transfer_id: &str,
    ) -> Result<()> {
        if let Some(old) = tx
            .upload_session(user, transfer_id, EpochMillis::MIN)
            .await?
            && old.touched_ms < self.upload_cutoff()
        {
            tx.delete_upload_session(old.id).await?;
        }
        Ok(())
    }

    /// The caller's upload session (PROPFIND of the upload folder itself).
    pub async fn upload_session(&self, actor: &Actor, transfer_id: &str) -> Result<UploadSession> {
        let user = uploader(actor)?;
        let transfer_id = check_transfer_id(transfer_id)?;
        let mut tx = self.meta.read().await?;
        tx.upload_session(user, transfer_id, self.upload_cutoff())
            .await?
            .ok_or(Error::NotFound)
    }

    /// Bytes the next part may hold before it passes the quota (`None`: no limit). Faces
    /// hand it to [`Ferry::stage`], so an over-quota part stops streaming early.
    pub async fn chunk_allowance(&self, actor: &Actor, transfer_id: &str) -> Result<Option<u64>> {
        let session = self.upload_session(actor, transfer_id).await?;
        let mut tx = self.meta.read().await?;
        let owner = session_owner(tx.as_mut(), &session).await?;
        let Some(remaining) = remaining_quota(tx.as_mut(), owner).await? else {
            return Ok(None);
        };
        let held = tx.upload_part_bytes(session.user_id).await?;
        Ok(Some(u64::try_from(remaining - held).unwrap_or(0)))
    }

    /// Stores one part (PUT into the upload folder), replacing a part of the same name.
    /// Parts may come in any order, in parallel, and in any sizes. Refused with
    /// `InvalidInput` when the parts would pass the session's total length, with
    /// `QuotaExceeded` when the user's waiting parts would pass the quota, and with `Locked`
    /// while the session is being assembled. The staged bytes are thrown away on any error.
    pub async fn put_chunk(
        &self,
        actor: &Actor,
        transfer_id: &str,
        chunk_name: &str,
        staged: Box<dyn StagedBlob>,
    ) -> Result<ChunkInfo> {
        let written = self
            .write_chunk(actor, transfer_id, chunk_name, staged.as_ref())
            .await;
        match written {
            Ok((tx, info)) => {
                commit_both(staged, tx).await?;
                Ok(info)
            }
            Err(e) => {
                staged.abort().await;
                Err(e)
            }
        }
    }

    async fn write_chunk(
        &self,
        actor: &Actor,
        transfer_id: &str,
        chunk_name: &str,
        staged: &dyn StagedBlob,
    ) -> Result<(Box<dyn MetaTx>, ChunkInfo)> {
        let user = uploader(actor)?;
        let transfer_id = check_transfer_id(transfer_id)?;
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let session = self.locked_session(tx.as_mut(), user, transfer_id).await?;
        check_part_name(session.variant, chunk_name)?;
        let info = self
            .store_part(tx.as_mut(), &session, chunk_name, staged, now)
            .await?;
        Ok((tx, info))
    }

    /// Touches and locks the caller's live session; `Locked` while it is being assembled.
    async fn locked_session(
        &self,
        tx: &mut dyn MetaTx,
        user: UserId,
        transfer_id: &str,
    ) -> Result<UploadSession> {
        let now = self.now_ms();
        let session = tx
            .touch_upload_session(user, transfer_id, self.upload_cutoff(), now)
            .await?
            .ok_or(Error::NotFound)?;
        if is_assembling(&session, now) {
            return Err(Error::Locked);
        }
        Ok(session)
    }

    /// Checks the total length and the quota, then records the part (rows only; the caller
    /// commits the blob, then the transaction).
    async fn store_part(
        &self,
        tx: &mut dyn MetaTx,
        session: &UploadSession,
        name: &str,
        staged: &dyn StagedBlob,
        now: EpochMillis,
    ) -> Result<ChunkInfo> {
        let size = to_i64(staged.size())?;
        let parts = tx.list_upload_parts(session.id).await?;
        let replaced = parts.iter().find(|p| p.name == name).map_or(0, |p| p.size);
        let others = parts
            .iter()
            .map(|p| p.size)
            .fold(0_i64, i64::saturating_add)
            - replaced;
        if let Some(total) = session.total_length
            && others.saturating_add(size) > total
        {
            return Err(Error::invalid(
                "chunk",
                format!("the parts would hold more than the {total} bytes announced"),
            ));
        }
        self.check_part_quota(tx, session, size - replaced).await?;
        let part = UploadPart {
            upload_id: session.id,
            name: name.to_owned(),
            content_hash: staged.content_hash().to_owned(),
            size,
            created_ms: now,
        };
        tx.put_upload_part(&part).await?;
        Ok(ChunkInfo::from(&part))
    }

    /// Refuses when the user's waiting parts plus `extra` bytes would pass what the
    /// session's owner may still store. Parts of all the user's sessions count, so parallel
    /// uploads cannot together hold more than the quota.
    async fn check_part_quota(
        &self,
        tx: &mut dyn MetaTx,
        session: &UploadSession,
        extra: i64,
    ) -> Result<()> {
        let owner = session_owner(tx, session).await?;
        let Some(remaining) = remaining_quota(tx, owner).await? else {
            return Ok(());
        };
        let held = tx.upload_part_bytes(session.user_id).await?;
        if held.saturating_add(extra) > remaining {
            return Err(Error::QuotaExceeded);
        }
        Ok(())
    }

    /// The session's parts in the order they will be joined (PROPFIND Depth 1 of the
    /// upload folder: clients resume from it).
    pub async fn list_chunks(&self, actor: &Actor, transfer_id: &str) -> Result<Vec<ChunkInfo>> {
        let session = self.upload_session(actor, transfer_id).await?;
        let mut tx = self.meta.read().await?;
        let mut parts = tx.list_upload_parts(session.id).await?;
        order_parts(session.variant, &mut parts);
        Ok(parts.iter().map(ChunkInfo::from).collect())
    }

    /// Removes one part; `NotFound` if the session or the part does not exist.
    pub async fn delete_chunk(
        &self,
        actor: &Actor,
        transfer_id: &str,
        chunk_name: &str,
    ) -> Result<()> {
        let user = uploader(actor)?;
        let transfer_id = check_transfer_id(transfer_id)?;
        let mut tx = self.meta.write().await?;
        let session = self.locked_session(tx.as_mut(), user, transfer_id).await?;
        if !tx.delete_upload_part(session.id, chunk_name).await? {
            return Err(Error::NotFound);
        }
        tx.commit().await
    }

    /// Removes the session and its parts (DELETE of the upload folder). `NotFound` when
    /// there is none, which faces answer with 404: nc-py-api deletes the folder after every
    /// upload, finished or not, and takes 404 as fine.
    pub async fn delete_upload(&self, actor: &Actor, transfer_id: &str) -> Result<()> {
        let user = uploader(actor)?;
        let transfer_id = check_transfer_id(transfer_id)?;
        let mut tx = self.meta.write().await?;
        let session = self.locked_session(tx.as_mut(), user, transfer_id).await?;
        tx.delete_upload_session(session.id).await?;
        tx.commit().await
    }

    /// Removes sessions idle for [`UPLOAD_IDLE_TTL_MS`] with their parts (the parts' blobs
    /// go with the next blob sweep). Returns how many sessions went.
    pub async fn sweep_uploads(&self) -> Result<u64> {
        let mut tx = self.meta.write().await?;
        let removed = tx.delete_idle_upload_sessions(self.upload_cutoff()).await?;
        tx.commit().await?;
        Ok(removed)
    }
}
