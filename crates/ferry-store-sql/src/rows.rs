//! Rows as the tables hold them, and their conversion into domain records.
//!
//! The columns are decoded by name, so one row type serves both backends: sqlx encodes a
//! `Uuid` as a 16-byte BLOB in SQLite and as `uuid` in PostgreSQL, and decodes a bool from
//! SQLite's 0/1 integers.

use ferry_core::clock::EpochMillis;
use ferry_core::ids::{NodeId, SessionId, UserId};
use ferry_core::model::{
    DavLock, DeadProp, Node, NodeEntry, NodeKind, NodeStats, Owner, RootKind, Session, UploadToken,
    User, Version,
};
use ferry_core::{Error, Result};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub email: Option<String>,
    pub display_name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub is_active: bool,
    pub quota_bytes: i64,
    pub created_ms: EpochMillis,
    pub last_login_ms: Option<EpochMillis>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: UserId::from_uuid(row.id),
            username: row.username,
            email: row.email,
            display_name: row.display_name,
            password_hash: row.password_hash,
            is_admin: row.is_admin,
            is_active: row.is_active,
            quota_bytes: row.quota_bytes,
            created_ms: row.created_ms,
            last_login_ms: row.last_login_ms,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub token_hash: String,
    /// Comma-separated scope names (`read,write`).
    pub scopes: String,
    pub status: String,
    pub created_ms: EpochMillis,
    pub last_used_ms: Option<EpochMillis>,
    pub expires_ms: Option<EpochMillis>,
    pub revoked_ms: Option<EpochMillis>,
}

/// The stored form of a key's scopes.
pub fn scopes_text(scopes: &[ferry_core::model::ApiScope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

impl TryFrom<ApiKeyRow> for ferry_core::model::ApiKey {
    type Error = Error;
    fn try_from(row: ApiKeyRow) -> Result<Self> {
        let scopes = row
            .scopes
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                ferry_core::model::ApiScope::parse(s).ok_or_else(|| {
                    Error::internal(format!("api key {} has an unknown scope '{s}'", row.id))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let status = ferry_core::model::ApiKeyStatus::parse(&row.status).ok_or_else(|| {
            Error::internal(format!(
                "api key {} has an unknown status '{}'",
                row.id, row.status
            ))
        })?;
        Ok(ferry_core::model::ApiKey {
            id: ferry_core::ids::ApiKeyId::from_uuid(row.id),
            user_id: UserId::from_uuid(row.user_id),
            name: row.name,
            prefix: row.prefix,
            token_hash: row.token_hash,
            scopes,
            status,
            created_ms: row.created_ms,
            last_used_ms: row.last_used_ms,
            expires_ms: row.expires_ms,
            revoked_ms: row.revoked_ms,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AppPasswordRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub token_hash: String,
    pub created_ms: EpochMillis,
    pub last_used_ms: Option<EpochMillis>,
}

impl From<AppPasswordRow> for ferry_core::model::AppPassword {
    fn from(row: AppPasswordRow) -> Self {
        ferry_core::model::AppPassword {
            id: ferry_core::ids::AppPasswordId::from_uuid(row.id),
            user_id: UserId::from_uuid(row.user_id),
            name: row.name,
            token_hash: row.token_hash,
            created_ms: row.created_ms,
            last_used_ms: row.last_used_ms,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginFlowRow {
    pub id: Uuid,
    pub poll_token_hash: String,
    pub login_token_hash: String,
    pub created_ms: EpochMillis,
    pub expires_ms: EpochMillis,
    pub sealed_app_password: String,
    pub app_password_hash: String,
    pub user_id: Option<Uuid>,
    pub login_name: Option<String>,
}

impl From<LoginFlowRow> for ferry_core::model::LoginFlow {
    fn from(row: LoginFlowRow) -> Self {
        let grant = match (row.user_id, row.login_name) {
            (Some(user_id), Some(login_name)) => Some(ferry_core::model::LoginGrant {
                user_id: UserId::from_uuid(user_id),
                login_name,
            }),
            _ => None,
        };
        ferry_core::model::LoginFlow {
            id: ferry_core::ids::LoginFlowId::from_uuid(row.id),
            poll_token_hash: row.poll_token_hash,
            login_token_hash: row.login_token_hash,
            created_ms: row.created_ms,
            expires_ms: row.expires_ms,
            sealed_app_password: row.sealed_app_password,
            app_password_hash: row.app_password_hash,
            grant,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NodeRow {
    pub id: Uuid,
    pub file_id: i64,
    pub owner_kind: String,
    pub owner_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub root_kind: Option<String>,
    pub name: String,
    pub kind: String,
    pub size: i64,
    pub etag: String,
    pub revision: i64,
    pub content_hash: Option<String>,
    pub created_ms: EpochMillis,
    pub updated_ms: EpochMillis,
    pub trashed_ms: Option<EpochMillis>,
}

/// The enum columns are text; a value the code does not know means the row was written by
/// something else (or a newer version), which is a fault, not a missing node.
fn corrupt(node: Uuid, column: &str, value: &str) -> Error {
    Error::internal(format_args!(
        "node {node}: unknown {column} {value:?} in the database"
    ))
}

impl TryFrom<NodeRow> for Node {
    type Error = Error;

    fn try_from(row: NodeRow) -> Result<Self> {
        let owner = Owner::from_parts(&row.owner_kind, row.owner_id)
            .ok_or_else(|| corrupt(row.id, "owner_kind", &row.owner_kind))?;
        let kind = NodeKind::parse(&row.kind).ok_or_else(|| corrupt(row.id, "kind", &row.kind))?;
        let root = match row.root_kind.as_deref() {
            None => None,
            Some(text) => {
                Some(RootKind::parse(text).ok_or_else(|| corrupt(row.id, "root_kind", text))?)
            }
        };
        Ok(Node {
            id: NodeId::from_uuid(row.id),
            file_id: row.file_id,
            owner,
            parent: row.parent_id.map(NodeId::from_uuid),
            root,
            name: row.name,
            kind,
            size: row.size,
            etag: row.etag,
            revision: row.revision,
            content_hash: row.content_hash,
            created_ms: row.created_ms,
            updated_ms: row.updated_ms,
            trashed_ms: row.trashed_ms,
        })
    }
}

/// A node with the two columns a listing computes in the same query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NodeEntryRow {
    #[sqlx(flatten)]
    pub node: NodeRow,
    pub child_count: i64,
    pub starred: bool,
}

impl TryFrom<NodeEntryRow> for NodeEntry {
    type Error = Error;

    fn try_from(row: NodeEntryRow) -> Result<Self> {
        Ok(NodeEntry {
            node: Node::try_from(row.node)?,
            child_count: row.child_count,
            starred: row.starred,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub node_id: Uuid,
    pub number: i64,
    pub content_hash: String,
    pub size: i64,
    pub author: Option<Uuid>,
    pub created_ms: EpochMillis,
}

impl From<VersionRow> for Version {
    fn from(row: VersionRow) -> Self {
        Version {
            node_id: NodeId::from_uuid(row.node_id),
            number: row.number,
            content_hash: row.content_hash,
            size: row.size,
            author: row.author.map(UserId::from_uuid),
            created_ms: row.created_ms,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub token_hash: String,
    pub file_key_hash: String,
    pub created_ms: EpochMillis,
    pub expires_ms: EpochMillis,
}

impl From<SessionRow> for Session {
    fn from(row: SessionRow) -> Self {
        Session {
            id: SessionId::from_uuid(row.id),
            user_id: UserId::from_uuid(row.user_id),
            token_hash: row.token_hash,
            file_key_hash: row.file_key_hash,
            created_ms: row.created_ms,
            expires_ms: row.expires_ms,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UploadTokenRow {
    pub token_hash: String,
    pub user_id: Uuid,
    pub node_id: Uuid,
    pub expires_ms: EpochMillis,
}

impl From<UploadTokenRow> for UploadToken {
    fn from(row: UploadTokenRow) -> Self {
        UploadToken {
            token_hash: row.token_hash,
            user_id: UserId::from_uuid(row.user_id),
            node_id: NodeId::from_uuid(row.node_id),
            expires_ms: row.expires_ms,
        }
    }
}

// --- dav: dead properties, statistics, locks ---

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeadPropRow {
    pub node_id: Uuid,
    pub namespace: String,
    pub name: String,
    pub value: String,
}

impl From<DeadPropRow> for DeadProp {
    fn from(row: DeadPropRow) -> Self {
        DeadProp {
            node_id: NodeId::from_uuid(row.node_id),
            namespace: row.namespace,
            name: row.name,
            value: row.value,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NodeStatsRow {
    pub node_id: Uuid,
    pub tree_size: i64,
    pub files: i64,
    pub folders: i64,
    pub checksum: Option<String>,
}

impl From<NodeStatsRow> for NodeStats {
    fn from(row: NodeStatsRow) -> Self {
        NodeStats {
            node_id: NodeId::from_uuid(row.node_id),
            tree_size: row.tree_size,
            files: row.files,
            folders: row.folders,
            checksum: row.checksum,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DavLockRow {
    pub token: String,
    pub node_id: Uuid,
    pub user_id: Uuid,
    pub exclusive: bool,
    pub deep: bool,
    pub owner_xml: String,
    pub timeout_secs: i64,
    pub created_ms: EpochMillis,
    pub expires_ms: EpochMillis,
}

impl From<DavLockRow> for DavLock {
    fn from(row: DavLockRow) -> Self {
        DavLock {
            token: row.token,
            node_id: NodeId::from_uuid(row.node_id),
            user_id: UserId::from_uuid(row.user_id),
            exclusive: row.exclusive,
            deep: row.deep,
            owner_xml: row.owner_xml,
            timeout_secs: row.timeout_secs,
            created_ms: row.created_ms,
            expires_ms: row.expires_ms,
        }
    }
}

/// Converts every row, failing on the first corrupt one.
pub fn convert_all<R, T>(rows: Vec<R>) -> Result<Vec<T>>
where
    T: TryFrom<R, Error = Error>,
{
    rows.into_iter().map(T::try_from).collect()
}

/// The key the `email_lower` column holds: unique emails are compared case-insensitively.
///
/// Lower-cased here rather than with SQL `lower()`, which folds only ASCII in SQLite but
/// follows the locale in PostgreSQL; this way both backends agree on every email.
pub fn email_key(email: Option<&str>) -> Option<String> {
    email.map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn row() -> NodeRow {
        NodeRow {
            id: Uuid::now_v7(),
            file_id: 7,
            owner_kind: "user".into(),
            owner_id: Uuid::now_v7(),
            parent_id: None,
            root_kind: Some("home".into()),
            name: "home".into(),
            kind: "dir".into(),
            size: 0,
            etag: "e".into(),
            revision: 0,
            content_hash: None,
            created_ms: 1,
            updated_ms: 2,
            trashed_ms: None,
        }
    }

    #[test]
    fn a_good_row_converts() {
        let node = Node::try_from(row()).unwrap();
        assert_eq!(node.root, Some(RootKind::Home));
        assert_eq!(node.kind, NodeKind::Dir);
        assert!(matches!(node.owner, Owner::User(_)));
    }

    #[test]
    fn corrupt_enum_text_is_internal_not_missing() {
        for mutate in [
            (|r: &mut NodeRow| r.owner_kind = "team".into()) as fn(&mut NodeRow),
            |r| r.kind = "symlink".into(),
            |r| r.root_kind = Some("trash".into()),
        ] {
            let mut bad = row();
            mutate(&mut bad);
            let err = Node::try_from(bad).unwrap_err();
            assert_eq!(err.code(), "internal", "{err}");
        }
    }

    #[test]
    fn email_keys_fold_unicode_case() {
        assert_eq!(
            email_key(Some("Ærø@Example.ORG")).as_deref(),
            Some("ærø@example.org")
        );
        assert_eq!(email_key(None), None);
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebDriveRow {
    pub endpoint: String,
    pub user_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
    pub show_to_members: bool,
    pub created_ms: EpochMillis,
}

impl TryFrom<WebDriveRow> for ferry_core::webdrive::WebDrive {
    type Error = Error;
    fn try_from(row: WebDriveRow) -> Result<Self> {
        let owner = match (row.user_id, row.group_id) {
            (Some(user), None) => Owner::User(UserId::from_uuid(user)),
            (None, Some(group)) => Owner::Group(ferry_core::GroupId::from_uuid(group)),
            _ => {
                return Err(Error::internal(format!(
                    "webdrive {} has no single owner",
                    row.endpoint
                )));
            }
        };
        Ok(ferry_core::webdrive::WebDrive {
            endpoint: row.endpoint,
            owner,
            show_to_members: row.show_to_members,
            created_ms: row.created_ms,
        })
    }
}

/// The `(user_id, group_id)` pair an owner is stored as.
pub fn owner_columns(owner: Owner) -> (Option<Uuid>, Option<Uuid>) {
    match owner {
        Owner::User(id) => (Some(id.as_uuid()), None),
        Owner::Group(id) => (None, Some(id.as_uuid())),
    }
}
