//! FileAgo's wire shapes. They live here and only here; core types never reach the wire.

use ferry_core::Actor;
use ferry_core::accounts::Login;
use ferry_core::files::{PathItem, Place, PlaceInfo};
use ferry_core::model::{NodeEntry, NodeKind, Owner};
use serde::{Deserialize, Serialize};

use crate::location::{path_target_ref, view_ref};

pub const DEFAULT_AVATAR: &str = "/images/default_avatar.png";

#[derive(Debug, Deserialize)]
pub struct AuthRequest {
    pub username: String,
    pub password: String,
    /// A Ferry addition: the TOTP code, required once the account has 2FA on.
    #[serde(default)]
    pub otp: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AuthResponse {
    pub uuid: String,
    pub token: String,
    pub status: &'static str,
    pub msg: &'static str,
    pub is_admin: bool,
    pub fullname: String,
    pub fileaccesskey: String,
    pub avatar: &'static str,
}

impl From<Login> for AuthResponse {
    fn from(login: Login) -> Self {
        Self {
            uuid: login.user.id.to_string(),
            token: login.token,
            status: "success",
            msg: "Login successful.",
            is_admin: login.user.is_admin,
            fullname: login.user.display_name,
            fileaccesskey: login.file_access_key,
            avatar: DEFAULT_AVATAR,
        }
    }
}

fn type_name(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Dir => "Dir",
        NodeKind::File => "File",
    }
}

fn owner_type(owner: Owner) -> &'static str {
    match owner {
        Owner::User(_) => "User",
        Owner::Group(_) => "Group",
    }
}

/// `GET /api/nodes/{uuid}`
#[derive(Debug, Serialize)]
pub struct NodeDetails {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub uuid: String,
    pub owner_type: &'static str,
    pub owner_uuid: String,
    pub owner_fullname: String,
    pub created: i64,
    pub updated: i64,
    pub size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
}

impl NodeDetails {
    pub fn new(info: PlaceInfo, actor: &Actor) -> Self {
        let (name, kind, uuid, size, revision) = match &info.place {
            Place::Node(n) => {
                let name = match n.root {
                    Some(_) => match n.kind {
                        _ if n.root == Some(ferry_core::model::RootKind::Incoming) => {
                            "Incoming".to_owned()
                        }
                        _ => "Home".to_owned(),
                    },
                    None => n.name.clone(),
                };
                let file = n.kind == NodeKind::File;
                (
                    name,
                    type_name(n.kind),
                    n.id.to_string(),
                    n.size,
                    file.then_some(n.revision),
                )
            }
            Place::View { view, owner } => (
                view.title().to_owned(),
                "Dir",
                view_ref(*view, *owner, actor),
                0,
                None,
            ),
        };
        Self {
            name,
            kind,
            uuid,
            owner_type: owner_type(info.owner),
            owner_uuid: info.owner.uuid().to_string(),
            owner_fullname: info.owner_name,
            created: info.created_ms,
            updated: info.updated_ms,
            size,
            revision,
        }
    }
}

/// One item of `GET /api/nodes/{uuid}/dirlist`.
#[derive(Debug, Serialize)]
pub struct DirEntry {
    pub is_starred: bool,
    pub public_shares: i64,
    pub name: String,
    /// Bytes for a file; items inside for a folder (as in FileAgo's example).
    pub size: i64,
    pub comment_count: i64,
    pub uuid: String,
    pub private_shares: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    pub updated: i64,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl From<NodeEntry> for DirEntry {
    fn from(entry: NodeEntry) -> Self {
        let node = entry.node;
        let file = node.kind == NodeKind::File;
        Self {
            is_starred: entry.starred,
            // Shares and comments are not built yet, so there are truly none to count.
            public_shares: 0,
            name: node.name,
            size: if file { node.size } else { entry.child_count },
            comment_count: 0,
            uuid: node.id.to_string(),
            private_shares: 0,
            revision: file.then_some(node.revision),
            updated: node.updated_ms,
            kind: type_name(node.kind),
        }
    }
}

/// One step of `GET /api/nodes/{uuid}/path`.
#[derive(Debug, Serialize)]
pub struct PathEntry {
    pub name: String,
    pub uuid: String,
}

impl PathEntry {
    pub fn new(item: PathItem, actor: &Actor) -> Self {
        Self {
            uuid: path_target_ref(item.target, actor),
            name: item.name,
        }
    }
}

/// `GET /api/nodes/{uuid}/upload`
#[derive(Debug, Serialize)]
pub struct UploadTokenResponse {
    pub token: String,
    pub status: &'static str,
    pub msg: String,
}

/// One stored file in the `/upload/{token}` answer (a Ferry addition: FileAgo sends none).
#[derive(Debug, Serialize)]
pub struct UploadedFile {
    pub uuid: String,
    pub name: String,
    pub size: i64,
    pub revision: i64,
}

// --- groups ---

/// What FileAgo shows for a group without an avatar of its own.
pub const DEFAULT_GROUP_AVATAR: &str = "/images/group_avatar.png";

fn group_avatar(group: &ferry_core::model::Group) -> String {
    group
        .avatar
        .clone()
        .unwrap_or_else(|| DEFAULT_GROUP_AVATAR.to_owned())
}

/// A membership's permissions as FileAgo lists them (all empty for a non-member).
#[derive(Debug, Serialize)]
pub struct PermissionLists {
    pub is_admin: bool,
    pub node_permissions: Vec<&'static str>,
    pub tag_permissions: Vec<&'static str>,
    pub share_permissions: Vec<&'static str>,
}

impl PermissionLists {
    pub fn new(membership: Option<&ferry_core::model::Membership>) -> Self {
        let Some(m) = membership else {
            return Self {
                is_admin: false,
                node_permissions: Vec::new(),
                tag_permissions: Vec::new(),
                share_permissions: Vec::new(),
            };
        };
        let p = &m.permissions;
        Self {
            is_admin: p.is_admin,
            node_permissions: p.node.iter().map(|x| x.as_str()).collect(),
            tag_permissions: p.tag.iter().map(|x| x.as_str()).collect(),
            share_permissions: p.share.iter().map(|x| x.as_str()).collect(),
        }
    }
}

/// One item of `GET /api/groups` and `GET /api/admin/users/{u}/groups`.
#[derive(Debug, Serialize)]
pub struct GroupEntry {
    pub group_uuid: String,
    pub group_name: String,
    #[serde(flatten)]
    pub permissions: PermissionLists,
    pub avatar: String,
}

impl GroupEntry {
    pub fn new(
        group: &ferry_core::model::Group,
        membership: Option<&ferry_core::model::Membership>,
    ) -> Self {
        Self {
            group_uuid: group.id.to_string(),
            group_name: group.name.clone(),
            permissions: PermissionLists::new(membership),
            avatar: group_avatar(group),
        }
    }
}

/// `GET /api/groups/{g}`, `GET /api/admin/groups/{g}` and the answers of their updates.
/// FileAgo documents no fields for it; these are the group's facts under the names its
/// other group answers use, plus the caller's own permissions.
#[derive(Debug, Serialize)]
pub struct GroupInfo {
    pub group_uuid: String,
    pub group_name: String,
    /// Ferry's stable text id of the group (the OCS group id).
    pub slug: String,
    pub description: String,
    pub avatar: String,
    pub disk_quota: i64,
    pub disk_used: i64,
    pub default_permission: &'static str,
    pub accept_incoming: &'static str,
    pub private_shares_notify: &'static str,
    pub members: usize,
    pub created: i64,
    #[serde(flatten)]
    pub permissions: PermissionLists,
}

impl From<ferry_core::groups::GroupDetails> for GroupInfo {
    fn from(d: ferry_core::groups::GroupDetails) -> Self {
        let g = &d.group;
        Self {
            group_uuid: g.id.to_string(),
            group_name: g.name.clone(),
            slug: g.slug.clone(),
            description: g.description.clone().unwrap_or_default(),
            avatar: group_avatar(g),
            disk_quota: g.quota_bytes,
            disk_used: d.used_bytes,
            default_permission: g.default_permission.as_str(),
            accept_incoming: g.accept_incoming.as_str(),
            private_shares_notify: g.private_shares_notify.as_str(),
            members: d.member_count,
            created: g.created_ms,
            permissions: PermissionLists::new(d.membership.as_ref()),
        }
    }
}

/// One item of `GET /api/admin/groups` (no per-group usage: that would cost a query each).
#[derive(Debug, Serialize)]
pub struct AdminGroupEntry {
    pub group_uuid: String,
    pub group_name: String,
    pub slug: String,
    pub description: String,
    pub avatar: String,
    pub disk_quota: i64,
    pub default_permission: &'static str,
    pub created: i64,
}

impl From<ferry_core::model::Group> for AdminGroupEntry {
    fn from(g: ferry_core::model::Group) -> Self {
        Self {
            group_uuid: g.id.to_string(),
            avatar: group_avatar(&g),
            group_name: g.name,
            slug: g.slug,
            description: g.description.unwrap_or_default(),
            disk_quota: g.quota_bytes,
            default_permission: g.default_permission.as_str(),
            created: g.created_ms,
        }
    }
}

/// One member in `GET /api/groups/{g}/users` and the member answers.
#[derive(Debug, Serialize)]
pub struct MemberEntry {
    pub uuid: String,
    pub fullname: String,
    pub email: String,
    pub is_active: bool,
    #[serde(flatten)]
    pub permissions: PermissionLists,
    pub avatar: &'static str,
    pub joined: i64,
}

impl From<ferry_core::model::GroupMember> for MemberEntry {
    fn from(m: ferry_core::model::GroupMember) -> Self {
        Self {
            uuid: m.user.id.to_string(),
            fullname: m.user.display_name,
            email: m.user.email.unwrap_or_default(),
            is_active: m.user.is_active,
            permissions: PermissionLists::new(Some(&m.membership)),
            avatar: DEFAULT_AVATAR,
            joined: m.membership.created_ms,
        }
    }
}

/// One tag of `GET /api/groups/{g}/tags`.
#[derive(Debug, Serialize)]
pub struct TagEntry {
    pub uuid: String,
    pub name: String,
    pub class: String,
    pub created: i64,
}

impl From<ferry_core::model::GroupTag> for TagEntry {
    fn from(t: ferry_core::model::GroupTag) -> Self {
        Self {
            uuid: t.id.to_string(),
            name: t.name,
            class: t.class,
            created: t.created_ms,
        }
    }
}

/// A membership's permission object as clients send it.
#[derive(Debug, Default, Deserialize)]
pub struct PermissionsBody {
    pub is_admin: Option<bool>,
    pub node_permissions: Option<Vec<String>>,
    pub tag_permissions: Option<Vec<String>>,
    pub share_permissions: Option<Vec<String>>,
}

impl From<PermissionsBody> for ferry_core::groups::PermissionsInput {
    fn from(b: PermissionsBody) -> Self {
        Self {
            is_admin: b.is_admin,
            node: b.node_permissions,
            tag: b.tag_permissions,
            share: b.share_permissions,
        }
    }
}

/// `POST /api/groups/{g}/users` and `/api/admin/groups/{g}/users`.
#[derive(Debug, Deserialize)]
pub struct AddMemberBody {
    pub user: String,
    pub permissions: Option<PermissionsBody>,
}

/// `POST /api/admin/users/{u}/groups`: permissions keyed by group UUID.
#[derive(Debug, Deserialize)]
pub struct UserGroupsBody {
    pub groups: std::collections::BTreeMap<String, PermissionsBody>,
}

/// `PUT /api/groups/{g}` and `/api/admin/groups/{g}`.
#[derive(Debug, Default, Deserialize)]
pub struct GroupUpdateBody {
    pub name: Option<String>,
    pub description: Option<String>,
    pub avatar: Option<String>,
    pub broadcast_message: Option<String>,
    pub accept_incoming: Option<String>,
    pub private_shares_notify: Option<String>,
    /// Bytes, or a size such as "5GB".
    pub disk_quota: Option<serde_json::Value>,
    pub default_permission: Option<String>,
}

/// `POST /api/admin/groups`.
#[derive(Debug, Deserialize)]
pub struct NewGroupBody {
    pub name: String,
    pub description: Option<String>,
    pub disk_quota: Option<serde_json::Value>,
    pub default_permission: Option<String>,
}

/// `POST /api/groups/{g}/tags`.
#[derive(Debug, Deserialize)]
pub struct NewTagBody {
    pub name: String,
    pub class: String,
}

// --- users: /api/user…, /api/users, /api/admin/users… ---

/// A quota as bytes (FileAgo) or as text such as "5GB" (a Ferry addition).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum QuotaValue {
    Bytes(i64),
    Text(String),
}

impl QuotaValue {
    pub fn bytes(&self) -> Result<i64, ferry_core::Error> {
        match self {
            QuotaValue::Bytes(b) if *b >= 0 => Ok(*b),
            QuotaValue::Bytes(_) => Err(ferry_core::Error::invalid(
                "disk_quota",
                "must be 0 (unlimited) or a positive number of bytes",
            )),
            QuotaValue::Text(t) => ferry_core::names::parse_quota(t),
        }
    }
}

/// `GET /api/user`, `GET /api/admin/users[/{uuid}]`: the documented fields, then Ferry's
/// additions (`last_login`, the profile fields, `org_id`, the admin `comment`).
#[derive(Debug, Serialize)]
pub struct UserDetailsResponse {
    pub uuid: String,
    pub fullname: String,
    pub email: Option<String>,
    pub is_active: bool,
    pub is_admin: bool,
    pub avatar: String,
    pub disk_quota: i64,
    pub disk_used: i64,
    pub twofa: bool,
    pub created: i64,
    pub last_login: Option<i64>,
    pub language: String,
    pub phone: String,
    pub address: String,
    pub website: String,
    pub twitter: String,
    pub org_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The admin views list the user's group memberships.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupEntry>>,
}

impl UserDetailsResponse {
    pub fn with_groups(self, groups: &[ferry_core::model::GroupWithMembership]) -> Self {
        Self {
            groups: Some(
                groups
                    .iter()
                    .map(|g| GroupEntry::new(&g.group, Some(&g.membership)))
                    .collect(),
            ),
            ..self
        }
    }

    /// `with_comment`: the admin's note is shown to administrators only.
    pub fn new(account: ferry_core::users::Account, with_comment: bool) -> Self {
        let ferry_core::users::Account {
            user,
            details,
            used_bytes,
        } = account;
        Self {
            uuid: user.id.to_string(),
            fullname: user.display_name,
            email: user.email,
            is_active: user.is_active,
            is_admin: user.is_admin,
            avatar: details.avatar.unwrap_or_else(|| DEFAULT_AVATAR.to_owned()),
            disk_quota: user.quota_bytes,
            disk_used: used_bytes,
            twofa: details.twofa,
            created: user.created_ms,
            last_login: user.last_login_ms,
            language: details.language,
            phone: details.phone,
            address: details.address,
            website: details.website,
            twitter: details.twitter,
            org_id: ferry_core::users::DEFAULT_ORGANIZATION,
            comment: with_comment.then_some(details.admin_comment),
            groups: None,
        }
    }
}

/// `PUT /api/user`
#[derive(Debug, Deserialize)]
pub struct UpdateProfileRequest {
    pub fullname: Option<String>,
    pub password: Option<String>,
    pub avatar: Option<String>,
    pub language: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub twitter: Option<String>,
}

/// `GET /api/user/notifications`
#[derive(Debug, Serialize)]
pub struct NotificationsResponse {
    pub email_alert_owned: bool,
    pub email_alert_group_owned: bool,
    pub email_alert_shared_with_me: bool,
    pub email_alert_shared_with_my_groups: bool,
    pub realtime_alert_owned: bool,
    pub realtime_alert_group_owned: bool,
    pub realtime_alert_shared_with_me: bool,
    pub realtime_alert_shared_with_my_groups: bool,
}

impl From<ferry_core::model::NotificationSettings> for NotificationsResponse {
    fn from(n: ferry_core::model::NotificationSettings) -> Self {
        Self {
            email_alert_owned: n.email_alert_owned,
            email_alert_group_owned: n.email_alert_group_owned,
            email_alert_shared_with_me: n.email_alert_shared_with_me,
            email_alert_shared_with_my_groups: n.email_alert_shared_with_my_groups,
            realtime_alert_owned: n.realtime_alert_owned,
            realtime_alert_group_owned: n.realtime_alert_group_owned,
            realtime_alert_shared_with_me: n.realtime_alert_shared_with_me,
            realtime_alert_shared_with_my_groups: n.realtime_alert_shared_with_my_groups,
        }
    }
}

/// `PUT /api/user/notifications`: any of the eight switches.
#[derive(Debug, Deserialize)]
pub struct NotificationsRequest {
    pub email_alert_owned: Option<bool>,
    pub email_alert_group_owned: Option<bool>,
    pub email_alert_shared_with_me: Option<bool>,
    pub email_alert_shared_with_my_groups: Option<bool>,
    pub realtime_alert_owned: Option<bool>,
    pub realtime_alert_group_owned: Option<bool>,
    pub realtime_alert_shared_with_me: Option<bool>,
    pub realtime_alert_shared_with_my_groups: Option<bool>,
}

impl From<NotificationsRequest> for ferry_core::users::NotificationChange {
    fn from(r: NotificationsRequest) -> Self {
        Self {
            email_alert_owned: r.email_alert_owned,
            email_alert_group_owned: r.email_alert_group_owned,
            email_alert_shared_with_me: r.email_alert_shared_with_me,
            email_alert_shared_with_my_groups: r.email_alert_shared_with_my_groups,
            realtime_alert_owned: r.realtime_alert_owned,
            realtime_alert_group_owned: r.realtime_alert_group_owned,
            realtime_alert_shared_with_me: r.realtime_alert_shared_with_me,
            realtime_alert_shared_with_my_groups: r.realtime_alert_shared_with_my_groups,
        }
    }
}

/// `POST /api/user/2fa`
#[derive(Debug, Deserialize)]
pub struct TwofaRequest {
    pub twofa: bool,
}

/// `GET`/`POST /api/user/2fa`; the secret only in the answer that turned 2FA on, with the
/// `otpauth://` URL for a QR code (a Ferry addition).
#[derive(Debug, Serialize)]
pub struct TwofaResponse {
    pub twofa: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_twofa: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otpauth_url: Option<String>,
}

/// One item of `GET /api/user/login_history`.
#[derive(Debug, Serialize)]
pub struct LoginHistoryEntry {
    pub action: &'static str,
    pub action_args: String,
    pub error_details: String,
    pub ip_address: String,
    pub status: String,
    pub timestamp: i64,
}

impl From<ferry_core::model::LoginEvent> for LoginHistoryEntry {
    fn from(e: ferry_core::model::LoginEvent) -> Self {
        let failed = e.status != "success";
        Self {
            action: e.action.as_str(),
            action_args: if failed {
                String::new()
            } else {
                e.details.clone()
            },
            error_details: if failed { e.details } else { String::new() },
            ip_address: e.ip_address,
            status: e.status,
            timestamp: e.at_ms,
        }
    }
}

/// One item of `GET /api/users?format=short|short_active`.
#[derive(Debug, Serialize)]
pub struct UserShort {
    pub uuid: String,
    pub fullname: String,
    pub email: Option<String>,
}

/// One item of `GET /api/users` without a format.
#[derive(Debug, Serialize)]
pub struct UserListItem {
    pub uuid: String,
    pub fullname: String,
    pub email: Option<String>,
    pub is_active: bool,
    pub is_admin: bool,
    pub created: i64,
    pub last_login: Option<i64>,
}

impl From<ferry_core::model::User> for UserShort {
    fn from(u: ferry_core::model::User) -> Self {
        Self {
            uuid: u.id.to_string(),
            fullname: u.display_name,
            email: u.email,
        }
    }
}

impl From<ferry_core::model::User> for UserListItem {
    fn from(u: ferry_core::model::User) -> Self {
        Self {
            uuid: u.id.to_string(),
            fullname: u.display_name,
            email: u.email,
            is_active: u.is_active,
            is_admin: u.is_admin,
            created: u.created_ms,
            last_login: u.last_login_ms,
        }
    }
}

/// `POST /api/admin/users`
#[derive(Debug, Deserialize)]
pub struct CreateUserRequest {
    pub fullname: String,
    pub email: String,
    pub password: String,
    pub disk_quota: Option<QuotaValue>,
    pub is_active: Option<bool>,
    pub is_admin: Option<bool>,
    pub comment: Option<String>,
}

/// `PUT /api/admin/users/{uuid}`
#[derive(Debug, Deserialize)]
pub struct UpdateUserRequest {
    pub fullname: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub disk_quota: Option<QuotaValue>,
    pub is_active: Option<bool>,
    pub is_admin: Option<bool>,
    pub twofa: Option<bool>,
    pub comment: Option<String>,
    pub avatar: Option<String>,
    pub language: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub twitter: Option<String>,
}

// --- WebDrive endpoints: /api/user/webdrive, /api/groups/{g}/webdrive ---

/// `POST /api/user/webdrive` and `POST /api/groups/{g}/webdrive`.
#[derive(Debug, Deserialize)]
pub struct WebDriveBody {
    pub endpoint: String,
    /// Groups only: whether plain members may see the endpoint's URL.
    #[serde(default)]
    pub show_url_to_group_members: Option<bool>,
}

/// An endpoint as the API shows it.
#[derive(Debug, Serialize)]
pub struct WebDriveInfo {
    pub endpoint: String,
    /// Where WebDAV clients mount it.
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_url_to_group_members: Option<bool>,
    pub created: i64,
}

impl WebDriveInfo {
    pub fn new(drive: &ferry_core::webdrive::WebDrive, public_url: &str) -> Self {
        WebDriveInfo {
            url: format!("{public_url}/webdrive/{}/", drive.endpoint),
            endpoint: drive.endpoint.clone(),
            show_url_to_group_members: matches!(drive.owner, ferry_core::model::Owner::Group(_))
                .then_some(drive.show_to_members),
            created: drive.created_ms,
        }
    }
}
