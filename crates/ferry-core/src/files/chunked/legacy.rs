//! Legacy chunking: `PUT <dir>/<name>-chunking-<transfer>-<count>-<index>` on the files
//! endpoint (ownCloud's first protocol; the desktop client falls back to it when the server
//! does not advertise `dav.chunking`). Parts arrive in parallel and out of order; there is
//! no MKCOL and no MOVE, so the session is made by the first part to arrive and the file is
//! joined by whichever request brings the last one.

use super::assemble::UploadFinish;
use super::{commit_both, is_assembling, to_i64, uploader};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::files::Location;
use crate::files::put::check_checksum;
use crate::files::tree::writable_folder;
use crate::ids::{NodeId, UploadId, UserId};
use crate::model::{Node, UploadDestination, UploadSession, UploadVariant};
use crate::names::validate_name;
use crate::ports::{MetaTx, StagedBlob};
use crate::service::Ferry;

/// Most parts a legacy transfer may announce (at the clients' 10 MB this is ~1 TB).
pub const MAX_LEGACY_CHUNKS: u64 = 100_000;

/// The parts of a legacy chunk name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegacyChunkName<'a> {
    /// The name of the file being uploaded.
    pub base_name: &'a str,
    /// The client's transfer id (digits).
    pub transfer: &'a str,
    /// How many parts make the file.
    pub count: u64,
    /// This part's place, 0-based.
    pub index: u64,
}

/// What storing a legacy part led to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LegacyChunkOutcome {
    /// More parts are to come. (Faces must not send an ETag: the desktop client takes the
    /// first reply with one as the end of the upload.)
    Pending,
    /// This part was the last one in, and the file is stored: exactly one of a transfer's
    /// requests sees this.
    Completed { node: Node, created: bool },
}

/// Splits `<name>-chunking-<transfer>-<count>-<index>` as Nextcloud's `OC_FileChunking`
/// does (all three numbers are digits). `None` if the name is not one, or if it names no
/// base file.
pub fn parse_legacy_chunk_name(name: &str) -> Option<LegacyChunkName<'_>> {
    let mut fields = name.rsplitn(4, '-');
    let index = fields.next()?;
    let count = fields.next()?;
    let transfer = fields.next()?;
    let base_name = fields.next()?.strip_suffix("-chunking")?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if base_name.is_empty() || !digits(transfer) || !digits(count) || !digits(index) {
        return None;
    }
    Some(LegacyChunkName {
        base_name,
        transfer,
        count: count.parse().ok()?,
        index: index.parse().ok()?,
    })
}

/// The session key of a legacy transfer. The `/` keeps it apart from every upload-folder
/// name, which may not contain one.
fn legacy_key(transfer: &str) -> String {
    format!("legacy/{transfer}")
}

impl Ferry {
    /// [`Ferry::put_legacy_chunk_with`] with only a modification time.
    pub async fn put_legacy_chunk(
        &self,
        actor: &Actor,
        parent: NodeId,
        name: &str,
        staged: Box<dyn StagedBlob>,
        total_length: Option<u64>,
        mtime_ms: Option<i64>,
    ) -> Result<LegacyChunkOutcome> {
        let finish = UploadFinish {
            mtime_ms,
            ..UploadFinish::default()
        };
        self.put_legacy_chunk_with(actor, parent, name, staged, total_length, finish)
            .await
    }

    /// Stores one legacy part, PUT as `name` into the folder `parent`. The first part of a
    /// transfer starts its session; the request whose part completes the set joins the file
    /// (new file or new revision) and gets `Completed`. That decision is taken in the same
    /// write transaction as the part's row, so of parallel requests exactly one completes.
    /// `total_length` is the client's `OC-Total-Length`; `finish` (its `X-OC-Mtime`,
    /// `OC-Checksum` and lock tokens) is used for the file when this part completes it.
    pub async fn put_legacy_chunk_with(
        &self,
        actor: &Actor,
        parent: NodeId,
        name: &str,
        staged: Box<dyn StagedBlob>,
        total_length: Option<u64>,
        finish: UploadFinish,
    ) -> Result<LegacyChunkOutcome> {
        if let Err(e) = check_checksum(finish.checksum.as_deref()) {
            staged.abort().await;
            return Err(e);
        }
        let written = self
            .write_legacy_chunk(actor, parent, name, staged.as_ref(), total_length)
            .await;
        let claimed = match written {
            Ok((tx, claimed)) => {
                commit_both(staged, tx).await?;
                claimed
            }
            Err(e) => {
                staged.abort().await;
                return Err(e);
            }
        };
        let Some(session) = claimed else {
            return Ok(LegacyChunkOutcome::Pending);
        };
        let dest = session
            .destination
            .clone()
            .ok_or_else(|| Error::internal("legacy upload without a destination"))?;
        let (node, created) = self
            .assemble_claimed(actor, session, dest, None, &finish)
            .await?;
        Ok(LegacyChunkOutcome::Completed { node, created })
    }

    /// Records the part; returns the session claimed for assembly when this part was the
    /// last one missing.
    async fn write_legacy_chunk(
        &self,
        actor: &Actor,
        parent: NodeId,
        name: &str,
        staged: &dyn StagedBlob,
        total_length: Option<u64>,
    ) -> Result<(Box<dyn MetaTx>, Option<UploadSession>)> {
        let user = uploader(actor)?;
        let chunk = parse_legacy_chunk_name(name)
            .ok_or_else(|| Error::invalid("name", "is not a '-chunking-' part name"))?;
        let base_name = validate_name(chunk.base_name)?;
        if chunk.count == 0 || chunk.count > MAX_LEGACY_CHUNKS || chunk.index >= chunk.count {
            return Err(Error::invalid(
                "name",
                "the part index must be below a part count of at most 100000",
            ));
        }
        let wanted = UploadSession {
            id: UploadId::generate(),
            user_id: user,
            transfer_id: legacy_key(chunk.transfer),
            variant: UploadVariant::Legacy,
            destination: Some(UploadDestination {
                parent,
                name: base_name.to_owned(),
            }),
            total_length: total_length.map(to_i64).transpose()?,
            chunk_count: Some(to_i64(chunk.count)?),
            created_ms: self.now_ms(),
            touched_ms: self.now_ms(),
            assembling_ms: None,
        };
        let mut tx = self.meta.write().await?;
        writable_folder(tx.as_mut(), actor, Location::Node(parent)).await?;
        let mut session = self.legacy_session(tx.as_mut(), user, &wanted).await?;
        let now = self.now_ms();
        if is_assembling(&session, now) {
            return Err(Error::Locked);
        }
        let part_name = chunk.index.to_string();
        self.store_part(tx.as_mut(), &session, &part_name, staged, now)
            .await?;
        let parts = tx.list_upload_parts(session.id).await?;
        let complete = i64::try_from(parts.len()).ok() == session.chunk_count;
        if !complete {
            return Ok((tx, None));
        }
        self.claim(tx.as_mut(), &mut session).await?;
        Ok((tx, Some(session)))
    }

    /// The transfer's session, touched and locked, made from `wanted` if it does not exist
    /// yet. Every part must agree with it on the file and the part count.
    async fn legacy_session(
        &self,
        tx: &mut dyn MetaTx,
        user: UserId,
        wanted: &UploadSession,
    ) -> Result<UploadSession> {
        let key = &wanted.transfer_id;
        let now = self.now_ms();
        let cutoff = self.upload_cutoff();
        let session = match tx.touch_upload_session(user, key, cutoff, now).await? {
            Some(session) => session,
            None => {
                self.replace_expired(tx, user, key).await?;
                match tx.insert_upload_session(wanted).await {
                    Ok(()) => wanted.clone(),
                    // A parallel part made it first (on PostgreSQL the insert waited for
                    // that commit); take that session, locked.
                    Err(Error::AlreadyExists(_)) => tx
                        .touch_upload_session(user, key, cutoff, now)
                        .await?
                        .ok_or_else(|| {
                            Error::Conflict("the upload was removed meanwhile".into())
                        })?,
                    Err(e) => return Err(e),
                }
            }
        };
        if session.destination != wanted.destination || session.chunk_count != wanted.chunk_count {
            return Err(Error::invalid(
                "name",
                "another file is being uploaded with this transfer id",
            ));
        }
        if let (Some(had), Some(now_sent)) = (session.total_length, wanted.total_length)
            && had != now_sent
        {
            return Err(Error::invalid(
                "total_length",
                "differs from the one the first part announced",
            ));
        }
        Ok(session)
    }
}
