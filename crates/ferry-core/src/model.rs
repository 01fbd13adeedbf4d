//! The domain records every face sees. Wire shapes live in the faces; these are the facts.

use crate::clock::EpochMillis;
use crate::ids::{GroupId, NodeId, SessionId, UserId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    /// The login name; the built-in administrator is `admin`.
    pub username: String,
    /// Unique (compared case-insensitively) when present; FileAgo logs in with it.
    pub email: Option<String>,
    pub display_name: String,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub is_admin: bool,
    pub is_active: bool,
    /// Disk quota in bytes; 0 means unlimited (as in FileAgo).
    pub quota_bytes: i64,
    pub created_ms: EpochMillis,
    pub last_login_ms: Option<EpochMillis>,
}

/// Who owns a tree of nodes: a user or a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    User(UserId),
    Group(GroupId),
}

impl Owner {
    pub fn kind_str(&self) -> &'static str {
        match self {
            Owner::User(_) => "user",
            Owner::Group(_) => "group",
        }
    }
    pub fn uuid(&self) -> uuid::Uuid {
        match self {
            Owner::User(id) => id.as_uuid(),
            Owner::Group(id) => id.as_uuid(),
        }
    }
    pub fn from_parts(kind: &str, id: uuid::Uuid) -> Option<Owner> {
        match kind {
            "user" => Some(Owner::User(UserId::from_uuid(id))),
            "group" => Some(Owner::Group(GroupId::from_uuid(id))),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    File,
    Dir,
}

impl NodeKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            NodeKind::File => "file",
            NodeKind::Dir => "dir",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "file" => Some(NodeKind::File),
            "dir" => Some(NodeKind::Dir),
            _ => None,
        }
    }
}

/// The real folders every owner has. The other FileAgo roots (trash, favorites, …) are views.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RootKind {
    Home,
    Incoming,
}

impl RootKind {
    pub const ALL: [RootKind; 2] = [RootKind::Home, RootKind::Incoming];

    pub fn as_str(&self) -> &'static str {
        match self {
            RootKind::Home => "home",
            RootKind::Incoming => "incoming",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "home" => Some(RootKind::Home),
            "incoming" => Some(RootKind::Incoming),
            _ => None,
        }
    }
}

/// A file or a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub id: NodeId,
    /// Nextcloud's numeric file id; assigned by the store on insert, unique and never reused.
    pub file_id: i64,
    pub owner: Owner,
    /// `None` only for an owner's root folders.
    pub parent: Option<NodeId>,
    /// `Some` only for an owner's root folders.
    pub root: Option<RootKind>,
    pub name: String,
    pub kind: NodeKind,
    /// Bytes of the current version (0 for folders).
    pub size: i64,
    /// Changes whenever this node or anything below it changes.
    pub etag: String,
    /// Current version number; 0 for folders.
    pub revision: i64,
    /// SHA-256 (lower-case hex) of the current version's content; `None` for folders.
    pub content_hash: Option<String>,
    pub created_ms: EpochMillis,
    /// Content or name last changed (a client may set it, as Nextcloud's X-OC-MTime does).
    pub updated_ms: EpochMillis,
    /// When the node was moved to the trash. Its `parent` is kept so it can be restored there.
    pub trashed_ms: Option<EpochMillis>,
}

impl Node {
    pub fn is_dir(&self) -> bool {
        self.kind == NodeKind::Dir
    }
}

/// A node as a listing shows it to one viewer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeEntry {
    pub node: Node,
    /// Items directly inside (not trashed); 0 for files.
    pub child_count: i64,
    /// Whether the viewer starred it.
    pub starred: bool,
}

/// One revision of a file's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub node_id: NodeId,
    /// 1, 2, 3, … per file.
    pub number: i64,
    /// SHA-256 (lower-case hex) naming the blob.
    pub content_hash: String,
    pub size: i64,
    pub author: Option<UserId>,
    pub created_ms: EpochMillis,
}

/// A login. Tokens are stored only as SHA-256 hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub token_hash: String,
    pub file_key_hash: String,
    pub created_ms: EpochMillis,
    pub expires_ms: EpochMillis,
}

/// A device's own password for Basic auth (Nextcloud app passwords). Stored only hashed;
/// revoking it leaves the account password and other devices alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppPassword {
    pub id: crate::ids::AppPasswordId,
    pub user_id: UserId,
    /// What the device called itself (the client's User-Agent or a chosen name).
    pub name: String,
    pub token_hash: String,
    pub created_ms: EpochMillis,
    pub last_used_ms: Option<EpochMillis>,
}

/// What an API key may do (FileOnion's scopes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiScope {
    Read,
    Write,
    ManageClients,
    ManageWebhooks,
    FullAccess,
}

impl ApiScope {
    pub const ALL: [ApiScope; 5] = [
        ApiScope::Read,
        ApiScope::Write,
        ApiScope::ManageClients,
        ApiScope::ManageWebhooks,
        ApiScope::FullAccess,
    ];

    /// The stored and wire form: `read`, `write`, `manage_clients`, …
    pub fn as_str(&self) -> &'static str {
        match self {
            ApiScope::Read => "read",
            ApiScope::Write => "write",
            ApiScope::ManageClients => "manage_clients",
            ApiScope::ManageWebhooks => "manage_webhooks",
            ApiScope::FullAccess => "full_access",
        }
    }

    /// Accepts the stored form and the names FileOnion's settings page shows
    /// ("Manage Clients", "Full Access"), in any case.
    pub fn parse(text: &str) -> Option<ApiScope> {
        let key: String = text
            .trim()
            .chars()
            .map(|c| {
                if c == ' ' || c == '-' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        ApiScope::ALL.into_iter().find(|s| s.as_str() == key)
    }
}

/// Whether an API key works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyStatus {
    Active,
    /// Turned off by an update; can be turned on again.
    Disabled,
    /// Stopped for good, kept for audit.
    Revoked,
}

impl ApiKeyStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ApiKeyStatus::Active => "active",
            ApiKeyStatus::Disabled => "disabled",
            ApiKeyStatus::Revoked => "revoked",
        }
    }
    pub fn parse(text: &str) -> Option<ApiKeyStatus> {
        match text.trim().to_ascii_lowercase().as_str() {
            "active" => Some(ApiKeyStatus::Active),
            "disabled" => Some(ApiKeyStatus::Disabled),
            "revoked" => Some(ApiKeyStatus::Revoked),
            _ => None,
        }
    }
}

/// An API key (`fo_live_…`), usable as a bearer token on every face. Stored only hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    pub id: crate::ids::ApiKeyId,
    /// The user the key acts as.
    pub user_id: UserId,
    pub name: String,
    /// The first characters of the key, shown masked in listings (`fo_live_AbCd…`).
    pub prefix: String,
    pub token_hash: String,
    pub scopes: Vec<ApiScope>,
    pub status: ApiKeyStatus,
    pub created_ms: EpochMillis,
    pub last_used_ms: Option<EpochMillis>,
    /// `None` never expires.
    pub expires_ms: Option<EpochMillis>,
    pub revoked_ms: Option<EpochMillis>,
}

/// A Nextcloud login flow v2: a client polls with one token while its user signs in in a
/// browser with the other. Both tokens are stored hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginFlow {
    pub id: crate::ids::LoginFlowId,
    pub poll_token_hash: String,
    pub login_token_hash: String,
    pub created_ms: EpochMillis,
    pub expires_ms: EpochMillis,
    /// The app password the flow will hand out, made when the flow starts and sealed with
    /// the poll token (which only the client holds), so the database alone never reveals
    /// it. Hex.
    pub sealed_app_password: String,
    /// The stored form of that app password, for the `app_passwords` row made on grant.
    pub app_password_hash: String,
    /// Set once the user has signed in and granted access.
    pub grant: Option<LoginGrant>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginGrant {
    pub user_id: UserId,
    pub login_name: String,
}

/// A short-lived, single-use permission to upload into a folder or onto a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadToken {
    pub token_hash: String,
    pub user_id: UserId,
    pub node_id: NodeId,
    pub expires_ms: EpochMillis,
}

// --- dav: dead properties, locks, folder statistics ---

/// A property a client stored on a node that Ferry keeps without interpreting
/// (a WebDAV "dead" property). `value` is an XML fragment; core never parses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadProp {
    pub node_id: NodeId,
    pub namespace: String,
    pub name: String,
    pub value: String,
}

/// A WebDAV write lock on a node (and, when `deep`, everything below it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DavLock {
    /// `opaquelocktoken:<uuid>`.
    pub token: String,
    pub node_id: NodeId,
    /// Who took it: only they may use its token.
    pub user_id: UserId,
    pub exclusive: bool,
    pub deep: bool,
    /// The client's `<owner>` content, kept verbatim.
    pub owner_xml: String,
    pub timeout_secs: i64,
    pub created_ms: EpochMillis,
    pub expires_ms: EpochMillis,
}

/// Facts about a node that are computed over its subtree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeStats {
    pub node_id: NodeId,
    /// Bytes of the live files at and below the node (a file: its own size).
    pub tree_size: i64,
    /// Live files and folders directly inside.
    pub files: i64,
    pub folders: i64,
    /// The checksum the client sent with the current version (e.g. `SHA1:…`), if any.
    pub checksum: Option<String>,
}

// --- chunked uploads ---

/// Which of the Nextcloud chunked-upload protocols a session follows; it decides how part
/// names are checked and in which order the parts are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UploadVariant {
    /// An upload folder made without a destination (nextcloudcmd's "NG" chunking, rclone,
    /// nc-py-api v1): any part names, joined in byte-wise name order.
    V1,
    /// An upload folder made with a destination (Nextcloud ≥ 26, S3-multipart friendly):
    /// parts are numbered 1..=10000 and joined in numeric order.
    V2,
    /// Legacy `<name>-chunking-<transfer>-<count>-<index>` PUTs on the files endpoint:
    /// parts are indexes 0..count, joined in numeric order once all have arrived.
    Legacy,
}

impl UploadVariant {
    pub fn as_str(&self) -> &'static str {
        match self {
            UploadVariant::V1 => "v1",
            UploadVariant::V2 => "v2",
            UploadVariant::Legacy => "legacy",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "v1" => Some(UploadVariant::V1),
            "v2" => Some(UploadVariant::V2),
            "legacy" => Some(UploadVariant::Legacy),
            _ => None,
        }
    }
}

/// Where an upload's file will be stored: a name in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadDestination {
    pub parent: NodeId,
    pub name: String,
}

/// A chunked upload in progress: its parts wait in the blob store until they are joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadSession {
    pub id: crate::ids::UploadId,
    /// Only this user sees the session.
    pub user_id: UserId,
    /// The client's name for the upload (its upload folder), unique per user. Legacy
    /// transfers are kept as `legacy/<transfer>`, which no folder name can spell.
    pub transfer_id: String,
    pub variant: UploadVariant,
    /// Known up front for v2 and legacy sessions.
    pub destination: Option<UploadDestination>,
    /// The client's `OC-Total-Length`, when it sent one.
    pub total_length: Option<i64>,
    /// Legacy sessions: how many parts make the file.
    pub chunk_count: Option<i64>,
    pub created_ms: EpochMillis,
    /// Last activity; a session idle for a day expires.
    pub touched_ms: EpochMillis,
    /// Set while one caller joins the parts; it also names that caller's claim.
    pub assembling_ms: Option<EpochMillis>,
}

/// One stored part of an upload session, kept as a committed blob of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadPart {
    pub upload_id: crate::ids::UploadId,
    pub name: String,
    pub content_hash: String,
    pub size: i64,
    pub created_ms: EpochMillis,
}

// --- groups ---

/// Implements the text forms of a closed set of permission names.
macro_rules! names_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// Every value, in the order FileAgo's documentation lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

names_enum!(
    /// What a member may do with the group's files (FileAgo `node_permissions`).
    NodePermission {
        Read => "read",
        Write => "write",
        Delete => "delete",
        Download => "download",
    }
);

names_enum!(
    /// What a member may do with the group's tags (FileAgo `tag_permissions`).
    TagPermission {
        Create => "create",
        Delete => "delete",
    }
);

names_enum!(
    /// What a member may do with shares of the group's files (FileAgo `share_permissions`).
    SharePermission {
        PublicCreate => "public_create",
        PublicDelete => "public_delete",
        PrivateCreate => "private_create",
        PrivateDelete => "private_delete",
        UploadLinkCreate => "upload_link_create",
        UploadLinkDelete => "upload_link_delete",
    }
);

names_enum!(
    /// The permissions a new member gets when none are given (FulliO's and FileOnion's
    /// coarse levels map onto the fine-grained ones through this).
    PermissionLevel {
        Read => "read",
        Edit => "edit",
        Admin => "admin",
    }
);

names_enum!(
    /// Who a group setting concerns: every member or only the group's administrators.
    Audience {
        Members => "members",
        Admins => "admins",
    }
);

/// A team of users with a workspace of its own (home, incoming, trash, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    /// A stable text id derived from the name at creation (OCS and FulliO name groups by
    /// it); unique, and kept when the group is renamed.
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// Disk quota in bytes; 0 means unlimited.
    pub quota_bytes: i64,
    pub default_permission: PermissionLevel,
    /// A `data:image/png;base64,…` or `data:image/jpeg;base64,…` URL; `None` is the default.
    pub avatar: Option<String>,
    /// Who may accept incoming shares for the group.
    pub accept_incoming: Audience,
    /// Who is told about private shares with the group.
    pub private_shares_notify: Audience,
    pub created_ms: EpochMillis,
}

/// What one membership allows. The lists are sets, kept in the documented order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberPermissions {
    /// A group administrator (OCS subadmin): manages the group and its members.
    pub is_admin: bool,
    pub node: Vec<NodePermission>,
    pub tag: Vec<TagPermission>,
    pub share: Vec<SharePermission>,
}

/// A user's place in a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub group_id: GroupId,
    pub user_id: UserId,
    pub permissions: MemberPermissions,
    pub created_ms: EpochMillis,
}

/// A group with the caller's (or a listed user's) membership in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupWithMembership {
    pub group: Group,
    pub membership: Membership,
}

/// A member with their account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupMember {
    pub user: User,
    pub membership: Membership,
}

/// A tag a group owns; `class` is one of the configured tag classes (a colour).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupTag {
    pub id: crate::ids::GroupTagId,
    pub group_id: GroupId,
    pub name: String,
    pub class: String,
    pub created_ms: EpochMillis,
}

/// A message to a user that waits for a mail server (none is wired yet; the table is the
/// outbox a sender will drain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    pub id: crate::ids::MailId,
    pub user_id: UserId,
    /// The address at the time of writing; `None` when the user had none.
    pub address: Option<String>,
    pub subject: String,
    pub body: String,
    pub created_ms: EpochMillis,
}

/// What an account holds beyond its credentials: the profile FileAgo (and later FulliO and
/// OCS) show, the avatar, the notification settings and whether 2FA is on. Read and written
/// apart from [`User`] so that authenticating a request never loads an avatar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserDetails {
    /// A language tag such as `en` or `pt-BR`.
    pub language: String,
    pub phone: String,
    pub address: String,
    pub website: String,
    pub twitter: String,
    /// A `data:image/png;base64,…` or `data:image/jpeg;base64,…` URL; `None` is the default.
    pub avatar: Option<String>,
    /// An administrator's note about the account (FileAgo's `comment`).
    pub admin_comment: String,
    pub notifications: NotificationSettings,
    /// Whether TOTP 2FA is on. Read-only here: the secret has its own methods.
    pub twofa: bool,
}

impl Default for UserDetails {
    fn default() -> Self {
        Self {
            language: "en".to_owned(),
            phone: String::new(),
            address: String::new(),
            website: String::new(),
            twitter: String::new(),
            avatar: None,
            admin_comment: String::new(),
            notifications: NotificationSettings::default(),
            twofa: false,
        }
    }
}

/// FileAgo's eight notification switches; all on for a new account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotificationSettings {
    pub email_alert_owned: bool,
    pub email_alert_group_owned: bool,
    pub email_alert_shared_with_me: bool,
    pub email_alert_shared_with_my_groups: bool,
    pub realtime_alert_owned: bool,
    pub realtime_alert_group_owned: bool,
    pub realtime_alert_shared_with_me: bool,
    pub realtime_alert_shared_with_my_groups: bool,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            email_alert_owned: true,
            email_alert_group_owned: true,
            email_alert_shared_with_me: true,
            email_alert_shared_with_my_groups: true,
            realtime_alert_owned: true,
            realtime_alert_group_owned: true,
            realtime_alert_shared_with_me: true,
            realtime_alert_shared_with_my_groups: true,
        }
    }
}

/// A user's TOTP secret (base32) and the last time step a code was accepted for.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpState {
    pub secret: String,
    pub last_step: Option<i64>,
}

impl std::fmt::Debug for TotpState {
    // The secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpState")
            .field("secret", &"<hidden>")
            .field("last_step", &self.last_step)
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginAction {
    Login,
    Logout,
}

impl LoginAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            LoginAction::Login => "login",
            LoginAction::Logout => "logout",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "login" => Some(LoginAction::Login),
            "logout" => Some(LoginAction::Logout),
            _ => None,
        }
    }
}

/// One line of a user's login history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginEvent {
    pub id: uuid::Uuid,
    pub user_id: UserId,
    pub action: LoginAction,
    /// `success`, or why it failed (`failure`, `2fa-required`, `2fa-failure`, `disabled`,
    /// `rate-limited`).
    pub status: String,
    /// The client's address as the server saw it; empty when unknown.
    pub ip_address: String,
    /// Free text: which credential kind, what failed.
    pub details: String,
    pub at_ms: EpochMillis,
}
