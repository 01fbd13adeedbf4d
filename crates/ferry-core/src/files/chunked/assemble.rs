//! Joining a session's parts into a file, under a claim that lets exactly one caller do it.

use super::{check_transfer_id, commit_both, order_parts, to_i64, uploader};
use crate::actor::Actor;
use crate::clock::EpochMillis;
use crate::error::{Error, Result};
use crate::files::Location;
use crate::files::content::IncomingFile;
use crate::files::locks::{Reach, check_locks, check_member_change};
use crate::files::put::check_checksum;
use crate::files::tree::{remaining_quota, writable_folder};
use crate::ids::NodeId;
use crate::model::{Node, UploadDestination, UploadSession};
use crate::names::validate_name;
use crate::ports::MetaTx;
use crate::service::Ferry;

/// What the request that finishes an upload (the MOVE, or the last legacy part) brings
/// besides the parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UploadFinish {
    /// The client's modification time (`X-OC-Mtime`).
    pub mtime_ms: Option<i64>,
    /// The whole file's checksum (`OC-Checksum`), kept with the new version as a PUT keeps it.
    pub checksum: Option<String>,
    /// Lock tokens the request submits (`If` header): the destination may be locked.
    pub lock_tokens: Vec<String>,
}

impl Ferry {
    /// [`Ferry::assemble_upload_with`] with only a modification time.
    pub async fn assemble_upload(
        &self,
        actor: &Actor,
        transfer_id: &str,
        dest_parent: NodeId,
        dest_name: &str,
        expected_total: Option<u64>,
        mtime_ms: Option<i64>,
    ) -> Result<(Node, bool)> {
        let finish = UploadFinish {
            mtime_ms,
            ..UploadFinish::default()
        };
        self.assemble_upload_with(
            actor,
            transfer_id,
            dest_parent,
            dest_name,
            expected_total,
            finish,
        )
        .await
    }

    /// Joins the parts into a file (MOVE of `…/.file`): a new file named `dest_name` in the
    /// folder `dest_parent`, or a new revision of the file already there. `expected_total`
    /// (the MOVE's `OC-Total-Length`) and the session's own total must match the parts'
    /// bytes, else `InvalidInput`. A v2 session must be moved to the destination it was
    /// begun with. Returns the file and whether it was created. On success the session is
    /// gone; on failure it stays, so the client may fix it up and try again. The
    /// destination's locks are checked against `finish.lock_tokens` (`Locked`).
    pub async fn assemble_upload_with(
        &self,
        actor: &Actor,
        transfer_id: &str,
        dest_parent: NodeId,
        dest_name: &str,
        expected_total: Option<u64>,
        finish: UploadFinish,
    ) -> Result<(Node, bool)> {
        let user = uploader(actor)?;
        check_checksum(finish.checksum.as_deref())?;
        let transfer_id = check_transfer_id(transfer_id)?;
        let dest = UploadDestination {
            parent: dest_parent,
            name: validate_name(dest_name)?.to_owned(),
        };
        let expected_total = expected_total.map(to_i64).transpose()?;
        let mut tx = self.meta.write().await?;
        let mut session = self.locked_session(tx.as_mut(), user, transfer_id).await?;
        if session
            .destination
            .as_ref()
            .is_some_and(|announced| *announced != dest)
        {
            return Err(Error::invalid(
                "destination",
                "differs from the one the upload was begun with",
            ));
        }
        self.claim(tx.as_mut(), &mut session).await?;
        tx.commit().await?;
        self.assemble_claimed(actor, session, dest, expected_total, &finish)
            .await
    }

    /// Marks the session as being assembled by this caller (rows only).
    pub(super) async fn claim(
        &self,
        tx: &mut dyn MetaTx,
        session: &mut UploadSession,
    ) -> Result<()> {
        let now = self.now_ms();
        tx.set_upload_assembling(session.id, Some(now)).await?;
        session.assembling_ms = Some(now);
        Ok(())
    }

    /// Joins a claimed session's parts and stores the file; on failure releases the claim.
    pub(super) async fn assemble_claimed(
        &self,
        actor: &Actor,
        session: UploadSession,
        dest: UploadDestination,
        expected_total: Option<i64>,
        finish: &UploadFinish,
    ) -> Result<(Node, bool)> {
        let result = self
            .join_and_store(actor, &session, dest, expected_total, finish)
            .await;
        if result.is_err() {
            self.release_claim(&session).await;
        }
        result
    }

    async fn join_and_store(
        &self,
        actor: &Actor,
        session: &UploadSession,
        dest: UploadDestination,
        expected_total: Option<i64>,
        finish: &UploadFinish,
    ) -> Result<(Node, bool)> {
        let mut tx = self.meta.read().await?;
        let mut parts = tx.list_upload_parts(session.id).await?;
        let (folder, _) = writable_folder(tx.as_mut(), actor, Location::Node(dest.parent)).await?;
        let remaining = remaining_quota(tx.as_mut(), folder.owner).await?;
        drop(tx);
        order_parts(session.variant, &mut parts);
        let total = parts
            .iter()
            .map(|p| p.size)
            .fold(0_i64, i64::saturating_add);
        for announced in [session.total_length, expected_total].into_iter().flatten() {
            if announced != total {
                return Err(Error::invalid(
                    "total_length",
                    format!("the parts hold {total} bytes, not the {announced} announced"),
                ));
            }
        }
        // Checked again when the rows are written; this only saves joining in vain.
        if remaining.is_some_and(|r| total > r) {
            return Err(Error::QuotaExceeded);
        }
        let hashes: Vec<String> = parts.into_iter().map(|p| p.content_hash).collect();
        // A part row whose blob is gone is a fault, not a missing upload.
        let staged = self.blobs.concat(&hashes).await.map_err(|e| match e {
            Error::NotFound => {
                Error::internal(format!("upload {}: a part's blob is missing", session.id))
            }
            other => other,
        })?;
        if to_i64(staged.size())? != total {
            staged.abort().await;
            return Err(Error::internal(format!(
                "upload {}: the part blobs hold other sizes than their rows",
                session.id
            )));
        }
        let file = IncomingFile {
            name: dest.name,
            staged,
            mtime_ms: finish.mtime_ms,
        };
        let node = self
            .store_assembled(actor, session, folder.id, file, finish)
            .await?;
        let created = node.revision == 1;
        Ok((node, created))
    }

    /// Writes the file's rows and removes the session in one transaction, if the claim is
    /// still this caller's (a stale claim may have been taken over).
    async fn store_assembled(
        &self,
        actor: &Actor,
        session: &UploadSession,
        folder: NodeId,
        file: IncomingFile,
        finish: &UploadFinish,
    ) -> Result<Node> {
        let mut tx = match self.meta.write().await {
            Ok(tx) => tx,
            Err(e) => {
                file.staged.abort().await;
                return Err(e);
            }
        };
        let files = [file];
        let written = async {
            let now = self.now_ms();
            let current = tx
                .touch_upload_session(session.user_id, &session.transfer_id, EpochMillis::MIN, now)
                .await?;
            if current.map(|c| (c.id, c.assembling_ms)) != Some((session.id, session.assembling_ms))
            {
                return Err(Error::Conflict(
                    "the upload was removed or taken over while it was assembled".to_owned(),
                ));
            }
            let [file] = &files;
            let tokens = &finish.lock_tokens;
            match tx.child_by_name(folder, &file.name).await? {
                Some(existing) => {
                    check_locks(tx.as_mut(), actor, existing.id, tokens, now, Reach::Node).await?
                }
                None => check_member_change(tx.as_mut(), actor, folder, tokens, now).await?,
            }
            let nodes = self
                .write_file_rows(tx.as_mut(), actor, folder, &files)
                .await?;
            tx.delete_upload_session(session.id).await?;
            let node = nodes
                .into_iter()
                .next()
                .ok_or_else(|| Error::internal("no file stored"))?;
            if let Some(sum) = &finish.checksum {
                tx.set_version_checksum(node.id, node.revision, Some(sum))
                    .await?;
            }
            Ok(node)
        }
        .await;
        let [file] = files;
        match written {
            Ok(node) => {
                commit_both(file.staged, tx).await?;
                Ok(node)
            }
            Err(e) => {
                file.staged.abort().await;
                Err(e)
            }
        }
    }

    /// Lets the session be assembled again after a failed attempt. Best effort: if this
    /// fails too, the claim goes stale within the hour.
    async fn release_claim(&self, session: &UploadSession) {
        let released = async {
            let mut tx = self.meta.write().await?;
            let current = tx
                .upload_session(session.user_id, &session.transfer_id, EpochMillis::MIN)
                .await?;
            if current
                .is_some_and(|c| c.id == session.id && c.assembling_ms == session.assembling_ms)
            {
                tx.set_upload_assembling(session.id, None).await?;
            }
            tx.commit().await
        }
        .await;
        if let Err(e) = released {
            tracing::warn!(upload = %session.id, error = %e, "could not release an upload claim");
        }
    }
}
