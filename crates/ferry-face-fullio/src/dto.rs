//! FulliO's wire shapes; they live only here. Field names are the document's (camelCase).

use ferry_core::groups::{GroupDetails, PermissionsInput};
use ferry_core::model::{MemberPermissions, NodePermission, SharePermission};
use ferry_core::users::Account;
use serde::{Deserialize, Serialize};

/// `quota`: bytes, and how full. An unlimited quota (Ferry's 0) has no `free` or `total`
/// and the definition `"none"`.
#[derive(Debug, Serialize)]
pub struct Quota {
    pub free: Option<i64>,
    pub used: i64,
    pub total: Option<i64>,
    /// Percent used, two decimals.
    pub relative: f64,
    pub definition: String,
}

impl Quota {
    pub fn new(quota_bytes: i64, used: i64) -> Self {
        if quota_bytes <= 0 {
            return Quota {
                free: None,
                used,
                total: None,
                relative: 0.0,
                definition: "none".into(),
            };
        }
        #[allow(clippy::cast_precision_loss)]
        let relative = (used as f64 * 10_000.0 / quota_bytes as f64).round() / 100.0;
        Quota {
            free: Some((quota_bytes - used).max(0)),
            used,
            total: Some(quota_bytes),
            relative,
            definition: size_text(quota_bytes),
        }
    }
}

/// "10 GB", "1.5 MB", "512 B": units are powers of 1024, as Ferry's quota parser reads them.
pub fn size_text(bytes: i64) -> String {
    const UNITS: [(&str, i64); 4] = [
        ("TB", 1 << 40),
        ("GB", 1 << 30),
        ("MB", 1 << 20),
        ("KB", 1 << 10),
    ];
    for (unit, size) in UNITS {
        if bytes >= size {
            #[allow(clippy::cast_precision_loss)]
            let value = bytes as f64 / size as f64;
            let text = format!("{value:.2}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            return format!("{text} {unit}");
        }
    }
    format!("{bytes} B")
}

/// Epoch milliseconds as RFC 3339 UTC (`2023-01-15T12:30:45Z`).
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A user as `GET /users/{userId}` shows it. `id` is the login name (FulliO's `userid`);
/// `uuid` is Ferry's id, the one FileAgo uses.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserResponse {
    pub id: String,
    pub uuid: String,
    pub display_name: String,
    pub email: Option<String>,
    pub enabled: bool,
    pub quota: Quota,
    /// Group ids (slugs).
    pub groups: Vec<String>,
    /// The groups the user administers.
    pub subadmin: Vec<String>,
    pub language: String,
    /// Epoch seconds.
    pub last_login: Option<i64>,
    pub backend: &'static str,
    pub phone: String,
    pub address: String,
    pub website: String,
    pub twitter: String,
    pub is_admin: bool,
    pub created_at: String,
}

impl UserResponse {
    /// `groups`: the user's groups with whether they administer each.
    pub fn new(account: Account, groups: &[(String, bool)]) -> Self {
        let Account {
            user,
            details,
            used_bytes,
        } = account;
        UserResponse {
            id: user.username,
            uuid: user.id.to_string(),
            display_name: user.display_name,
            email: user.email,
            enabled: user.is_active,
            quota: Quota::new(user.quota_bytes, used_bytes),
            groups: groups.iter().map(|(slug, _)| slug.clone()).collect(),
            subadmin: groups
                .iter()
                .filter(|(_, admin)| *admin)
                .map(|(slug, _)| slug.clone())
                .collect(),
            language: details.language,
            last_login: user.last_login_ms.map(|ms| ms.div_euclid(1000)),
            backend: "Database",
            phone: details.phone,
            address: details.address,
            website: details.website,
            twitter: details.twitter,
            is_admin: user.is_admin,
            created_at: rfc3339(user.created_ms),
        }
    }
}

/// `GET /users`: one page.
#[derive(Debug, Serialize)]
pub struct UserList {
    pub users: Vec<UserResponse>,
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
}

/// `GET /users/{userId}/groups`.
#[derive(Debug, Serialize)]
pub struct UserGroups {
    pub groups: Vec<String>,
}

/// `POST /users/{userId}/groups`: group ids (slugs or UUIDs).
#[derive(Debug, Deserialize)]
pub struct UserGroupsBody {
    pub groups: Vec<String>,
}

/// `GET /users/{userId}/capabilities`: what the user may do, as `area:action` names
/// (`group:<id>:files:create` for a group's workspace).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    pub id: String,
    pub capabilities: Vec<String>,
}

/// `POST /users`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserBody {
    pub userid: String,
    pub password: String,
    pub display_name: Option<String>,
    pub email: String,
    pub groups: Option<Vec<String>>,
    pub language: Option<String>,
    /// "5GB", or bytes as a number.
    pub quota: Option<serde_json::Value>,
}

/// `PUT /users/{userId}`: the creation fields (all optional; `userid` may only repeat the
/// current one) plus the profile fields.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateUserBody {
    pub userid: Option<String>,
    pub password: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub groups: Option<Vec<String>>,
    pub language: Option<String>,
    pub quota: Option<serde_json::Value>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub twitter: Option<String>,
    pub enabled: Option<bool>,
}

/// A group in listings and `GET /groups/{groupId}`. `id` is the slug; `permissions` the
/// default level new members get.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupResponse {
    pub id: String,
    pub uuid: String,
    pub display_name: String,
    pub description: Option<String>,
    pub user_count: usize,
    pub permissions: &'static str,
    pub quota: Quota,
    pub created_at: String,
}

impl From<GroupDetails> for GroupResponse {
    fn from(d: GroupDetails) -> Self {
        GroupResponse {
            id: d.group.slug,
            uuid: d.group.id.to_string(),
            display_name: d.group.name,
            description: d.group.description,
            user_count: d.member_count,
            permissions: d.group.default_permission.as_str(),
            quota: Quota::new(d.group.quota_bytes, d.used_bytes),
            created_at: rfc3339(d.group.created_ms),
        }
    }
}

/// `GET /groups`: one page.
#[derive(Debug, Serialize)]
pub struct GroupList {
    pub groups: Vec<GroupResponse>,
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
}

/// `POST /groups`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateGroupBody {
    pub id: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub permissions: Option<String>,
}

/// `PUT /groups/{groupId}`; `id` may only repeat the current one (ids are stable).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateGroupBody {
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub permissions: Option<String>,
}

/// `GET /groups/{groupId}/members` and the answer to `POST …/members`.
#[derive(Debug, Serialize)]
pub struct MemberList {
    pub members: Vec<MemberResponse>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberResponse {
    pub id: String,
    pub uuid: String,
    pub display_name: String,
    pub email: Option<String>,
    pub permissions: PermissionsObject,
}

/// `POST /groups/{groupId}/members`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddMembersBody {
    pub user_ids: Vec<String>,
}

/// `files` in the permission object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePermissions {
    pub create: bool,
    pub update: bool,
    pub delete: bool,
    pub share: bool,
}

/// `projects` in the permission object. Ferry has no projects: accepted and checked,
/// never stored, always reported false.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectPermissions {
    pub create: bool,
    pub update: bool,
    pub delete: bool,
}

/// FulliO's permission object, mapped onto a membership (see ARCHITECTURE.md, "FulliO
/// permissions"): `files.create`/`files.update` ↔ the `write` node permission (so they are
/// equal), `files.delete` ↔ `delete`, `files.share` ↔ the share permissions, `admin` ↔
/// group administrator. `read` and `download` are always granted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PermissionsObject {
    pub files: FilePermissions,
    pub projects: ProjectPermissions,
    pub admin: bool,
}

impl PermissionsObject {
    pub fn of(p: &MemberPermissions) -> Self {
        let write = p.node.contains(&NodePermission::Write);
        PermissionsObject {
            files: FilePermissions {
                create: write,
                update: write,
                delete: p.node.contains(&NodePermission::Delete),
                share: p.share.iter().any(|s| {
                    matches!(
                        s,
                        SharePermission::PublicCreate
                            | SharePermission::PrivateCreate
                            | SharePermission::UploadLinkCreate
                    )
                }),
            },
            projects: ProjectPermissions::default(),
            admin: p.is_admin,
        }
    }

    /// What every one of these memberships allows; with none, what a new member gets
    /// (`defaults`).
    pub fn common(defaults: &MemberPermissions, members: &[&MemberPermissions]) -> Self {
        let Some((first, rest)) = members.split_first() else {
            return Self::of(defaults);
        };
        rest.iter().fold(Self::of(first), |acc, p| {
            let o = Self::of(p);
            PermissionsObject {
                files: FilePermissions {
                    create: acc.files.create && o.files.create,
                    update: acc.files.update && o.files.update,
                    delete: acc.files.delete && o.files.delete,
                    share: acc.files.share && o.files.share,
                },
                projects: ProjectPermissions::default(),
                admin: acc.admin && o.admin,
            }
        })
    }

    /// The membership change this object stands for (tag permissions are left alone).
    pub fn input(&self) -> PermissionsInput {
        let mut node = vec!["read".to_owned(), "download".to_owned()];
        if self.files.create {
            node.push("write".into());
        }
        if self.files.delete {
            node.push("delete".into());
        }
        let share = if self.files.share {
            SharePermission::ALL
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect()
        } else {
            Vec::new()
        };
        PermissionsInput {
            is_admin: Some(self.admin),
            node: Some(node),
            tag: None,
            share: Some(share),
        }
    }
}

/// `GET /groups/{groupId}/permissions`.
#[derive(Debug, Serialize)]
pub struct GroupPermissions {
    pub id: String,
    pub permissions: PermissionsObject,
}

/// `PUT /groups/{groupId}/permissions`: `permissions` is required; a part left out
/// (`files`, `admin`) stays as it is.
#[derive(Debug, Deserialize)]
pub struct PermissionsBody {
    pub permissions: PermissionsUpdate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionsUpdate {
    pub files: Option<FilePermissions>,
    /// Read only so a malformed one is refused; Ferry has no projects to apply it to.
    #[allow(dead_code)]
    pub projects: Option<ProjectPermissions>,
    pub admin: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_dates_read_as_the_document_shows_them() {
        assert_eq!(size_text(10_737_418_240), "10 GB");
        assert_eq!(size_text(1_572_864), "1.5 MB");
        assert_eq!(size_text(512), "512 B");
        assert_eq!(rfc3339(1_673_785_845_000), "2023-01-15T12:30:45Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        let q = Quota::new(10_737_418_240, 2_147_483_648);
        assert_eq!((q.free, q.relative), (Some(8_589_934_592), 20.0));
    }
}
