//! Rows of the chunked-upload tables, and their conversion into domain records.

use ferry_core::clock::EpochMillis;
use ferry_core::ids::{NodeId, UploadId, UserId};
use ferry_core::model::{UploadDestination, UploadPart, UploadSession, UploadVariant};
use ferry_core::{Error, Result};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UploadSessionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub transfer_id: String,
    pub variant: String,
    pub dest_parent_id: Option<Uuid>,
    pub dest_name: Option<String>,
    pub total_length: Option<i64>,
    pub chunk_count: Option<i64>,
    pub created_ms: EpochMillis,
    pub touched_ms: EpochMillis,
    pub assembling_ms: Option<EpochMillis>,
}

impl TryFrom<UploadSessionRow> for UploadSession {
    type Error = Error;

    fn try_from(row: UploadSessionRow) -> Result<Self> {
        // An unknown variant was written by something else: a fault, not a missing session.
        let variant = UploadVariant::parse(&row.variant).ok_or_else(|| {
            Error::internal(format_args!(
                "upload session {}: unknown variant {:?} in the database",
                row.id, row.variant
            ))
        })?;
        let destination = match (row.dest_parent_id, row.dest_name) {
            (Some(parent), Some(name)) => Some(UploadDestination {
                parent: NodeId::from_uuid(parent),
                name,
            }),
            _ => None,
        };
        Ok(UploadSession {
            id: UploadId::from_uuid(row.id),
            user_id: UserId::from_uuid(row.user_id),
            transfer_id: row.transfer_id,
            variant,
            destination,
            total_length: row.total_length,
            chunk_count: row.chunk_count,
            created_ms: row.created_ms,
            touched_ms: row.touched_ms,
            assembling_ms: row.assembling_ms,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UploadPartRow {
    pub upload_id: Uuid,
    pub name: String,
    pub content_hash: String,
    pub size: i64,
    pub created_ms: EpochMillis,
}

impl From<UploadPartRow> for UploadPart {
    fn from(row: UploadPartRow) -> Self {
        UploadPart {
            upload_id: UploadId::from_uuid(row.upload_id),
            name: row.name,
            content_hash: row.content_hash,
            size: row.size,
            created_ms: row.created_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn an_unknown_variant_is_internal_not_missing() {
        let row = UploadSessionRow {
            id: Uuid::now_v7(),
            user_id: Uuid::now_v7(),
            transfer_id: "t".into(),
            variant: "v3".into(),
            dest_parent_id: None,
            dest_name: None,
            total_length: None,
            chunk_count: None,
            created_ms: 1,
            touched_ms: 1,
            assembling_ms: None,
        };
        let err = UploadSession::try_from(row).unwrap_err();
        assert_eq!(err.code(), "internal");
    }
}
