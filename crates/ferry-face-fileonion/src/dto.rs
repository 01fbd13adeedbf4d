//! FileOnion's wire shapes; they live only here.

use ferry_core::api_keys::{effective_status, masked};
use ferry_core::groups::GroupDetails;
use ferry_core::model::{ApiKey, GroupMember, Membership};
use serde::{Deserialize, Serialize};

/// An API key as listings show it: masked, never the secret.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyResponse {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<&'static str>,
    pub status: &'static str,
    pub user_id: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The raw key: present once, in the answer to its creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl ApiKeyResponse {
    pub fn new(key: &ApiKey, now: i64, raw: Option<String>) -> Self {
        Self {
            id: key.id.to_string(),
            name: key.name.clone(),
            prefix: masked(key),
            scopes: key.scopes.iter().map(|s| s.as_str()).collect(),
            status: effective_status(key, now),
            user_id: key.user_id.to_string(),
            created_at: key.created_ms,
            last_used_at: key.last_used_ms,
            expires_at: key.expires_ms,
            revoked_at: key.revoked_ms,
            key: raw,
        }
    }
}

/// A team's role name for a membership: group administrators are team admins.
pub fn role_name(membership: &Membership) -> &'static str {
    if membership.permissions.is_admin {
        "admin"
    } else {
        "member"
    }
}

/// A team (a Ferry group) as every teams endpoint shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamResponse {
    /// The group's UUID, which FileAgo also names it by.
    pub id: String,
    /// The group's stable text id (OCS and FulliO name it by this).
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub member_count: usize,
    /// The caller's role in the team, `null` when they are not a member (an administrator
    /// looking at someone else's team).
    pub role: Option<&'static str>,
    pub created_at: i64,
}

impl From<&GroupDetails> for TeamResponse {
    fn from(d: &GroupDetails) -> Self {
        Self {
            id: d.group.id.to_string(),
            slug: d.group.slug.clone(),
            name: d.group.name.clone(),
            description: d.group.description.clone(),
            member_count: d.member_count,
            role: d.membership.as_ref().map(role_name),
            created_at: d.group.created_ms,
        }
    }
}

/// One member of a team with their role in it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMemberResponse {
    pub user_id: String,
    pub team_id: String,
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub role: &'static str,
    pub is_active: bool,
    pub joined_at: i64,
}

impl From<&GroupMember> for TeamMemberResponse {
    fn from(m: &GroupMember) -> Self {
        Self {
            user_id: m.user.id.to_string(),
            team_id: m.membership.group_id.to_string(),
            username: m.user.username.clone(),
            name: m.user.display_name.clone(),
            email: m.user.email.clone(),
            role: role_name(&m.membership),
            is_active: m.user.is_active,
            joined_at: m.membership.created_ms,
        }
    }
}

/// `POST /api/v2/teams/`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewTeamBody {
    pub name: String,
    pub description: Option<String>,
}

/// `PUT /api/v2/teams/{id}`: what is absent stays; a `null` or "" description clears it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamUpdateBody {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
}

/// `POST /api/v2/teams/{id}/members`: `role` is "member" (the default) or "admin".
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewTeamMemberBody {
    pub user_id: String,
    pub role: Option<String>,
}

/// Query of `GET /api/v2/teams/`: an optional name filter and page.
#[derive(Debug, Deserialize)]
pub struct TeamListQuery {
    pub search: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// Query of `DELETE /api/v2/teams/{id}`: who gets the team's files (a user or another
/// team); without it they are deleted with the team.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamDeleteQuery {
    pub transfer_to: Option<String>,
}

/// A field that was sent (even as `null`) is `Some`, so `null` can mean "clear" while an
/// absent field means "leave alone".
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
