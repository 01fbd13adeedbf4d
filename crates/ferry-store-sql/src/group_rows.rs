//! Rows of the group tables, and their conversion into domain records.
//!
//! Permission sets are stored as comma-separated names in the documented order. A name the
//! code does not know was written by something else: a fault (`Internal`), never a silently
//! narrower permission.

use ferry_core::clock::EpochMillis;
use ferry_core::ids::{GroupId, GroupTagId, MailId, UserId};
use ferry_core::model::{
    Audience, Group, GroupMember, GroupTag, GroupWithMembership, MemberPermissions, Membership,
    NodePermission, OutgoingMail, PermissionLevel, SharePermission, TagPermission, User,
};
use ferry_core::{Error, Result};
use uuid::Uuid;

use crate::UserRow;

/// The stored form of a permission set: `read,write`.
pub fn permissions_text<T: Copy>(items: &[T], name: impl Fn(&T) -> &'static str) -> String {
    items.iter().map(name).collect::<Vec<_>>().join(",")
}

fn parse_set<T>(
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
    owner: impl std::fmt::Display,
) -> Result<Vec<T>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            parse(s).ok_or_else(|| {
                Error::internal(format!("{owner}: unknown {what} '{s}' in the database"))
            })
        })
        .collect()
}

fn unknown(what: &str, value: &str, id: Uuid) -> Error {
    Error::internal(format!(
        "group {id}: unknown {what} '{value}' in the database"
    ))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub quota_bytes: i64,
    pub default_permission: String,
    pub avatar: Option<String>,
    pub accept_incoming: String,
    pub private_shares_notify: String,
    pub created_ms: EpochMillis,
}

impl TryFrom<GroupRow> for Group {
    type Error = Error;

    fn try_from(row: GroupRow) -> Result<Self> {
        let default_permission = PermissionLevel::parse(&row.default_permission)
            .ok_or_else(|| unknown("permission level", &row.default_permission, row.id))?;
        let accept_incoming = Audience::parse(&row.accept_incoming)
            .ok_or_else(|| unknown("audience", &row.accept_incoming, row.id))?;
        let private_shares_notify = Audience::parse(&row.private_shares_notify)
            .ok_or_else(|| unknown("audience", &row.private_shares_notify, row.id))?;
        Ok(Group {
            id: GroupId::from_uuid(row.id),
            slug: row.slug,
            name: row.name,
            description: row.description,
            quota_bytes: row.quota_bytes,
            default_permission,
            avatar: row.avatar,
            accept_incoming,
            private_shares_notify,
            created_ms: row.created_ms,
        })
    }
}

/// A membership's columns as `membership_cols!` names them (`m_…`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipRow {
    pub m_group_id: Uuid,
    pub m_user_id: Uuid,
    pub m_is_admin: bool,
    pub m_node_permissions: String,
    pub m_tag_permissions: String,
    pub m_share_permissions: String,
    pub m_created_ms: EpochMillis,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = Error;

    fn try_from(row: MembershipRow) -> Result<Self> {
        let owner = format_args!("membership {}/{}", row.m_group_id, row.m_user_id).to_string();
        Ok(Membership {
            group_id: GroupId::from_uuid(row.m_group_id),
            user_id: UserId::from_uuid(row.m_user_id),
            permissions: MemberPermissions {
                is_admin: row.m_is_admin,
                node: parse_set(
                    &row.m_node_permissions,
                    NodePermission::parse,
                    "node permission",
                    &owner,
                )?,
                tag: parse_set(
                    &row.m_tag_permissions,
                    TagPermission::parse,
                    "tag permission",
                    &owner,
                )?,
                share: parse_set(
                    &row.m_share_permissions,
                    SharePermission::parse,
                    "share permission",
                    &owner,
                )?,
            },
            created_ms: row.m_created_ms,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupMemberRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    #[sqlx(flatten)]
    pub membership: MembershipRow,
}

impl TryFrom<GroupMemberRow> for GroupMember {
    type Error = Error;

    fn try_from(row: GroupMemberRow) -> Result<Self> {
        Ok(GroupMember {
            user: User::from(row.user),
            membership: row.membership.try_into()?,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupWithMembershipRow {
    #[sqlx(flatten)]
    pub group: GroupRow,
    #[sqlx(flatten)]
    pub membership: MembershipRow,
}

impl TryFrom<GroupWithMembershipRow> for GroupWithMembership {
    type Error = Error;

    fn try_from(row: GroupWithMembershipRow) -> Result<Self> {
        Ok(GroupWithMembership {
            group: row.group.try_into()?,
            membership: row.membership.try_into()?,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupTagRow {
    pub id: Uuid,
    pub group_id: Uuid,
    pub name: String,
    pub class: String,
    pub created_ms: EpochMillis,
}

impl From<GroupTagRow> for GroupTag {
    fn from(row: GroupTagRow) -> Self {
        GroupTag {
            id: GroupTagId::from_uuid(row.id),
            group_id: GroupId::from_uuid(row.group_id),
            name: row.name,
            class: row.class,
            created_ms: row.created_ms,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutgoingMailRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub address: Option<String>,
    pub subject: String,
    pub body: String,
    pub created_ms: EpochMillis,
}

impl From<OutgoingMailRow> for OutgoingMail {
    fn from(row: OutgoingMailRow) -> Self {
        OutgoingMail {
            id: MailId::from_uuid(row.id),
            user_id: UserId::from_uuid(row.user_id),
            address: row.address,
            subject: row.subject,
            body: row.body,
            created_ms: row.created_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn membership(node: &str) -> MembershipRow {
        MembershipRow {
            m_group_id: Uuid::now_v7(),
            m_user_id: Uuid::now_v7(),
            m_is_admin: false,
            m_node_permissions: node.into(),
            m_tag_permissions: String::new(),
            m_share_permissions: "private_create".into(),
            m_created_ms: 1,
        }
    }

    #[test]
    fn permission_sets_round_trip() {
        let m = Membership::try_from(membership("read,download")).unwrap();
        assert_eq!(
            m.permissions.node,
            vec![NodePermission::Read, NodePermission::Download]
        );
        assert!(m.permissions.tag.is_empty());
        assert_eq!(
            permissions_text(&m.permissions.node, NodePermission::as_str),
            "read,download"
        );
    }

    #[test]
    fn an_unknown_permission_is_internal_not_narrower() {
        let err = Membership::try_from(membership("read,fly")).unwrap_err();
        assert_eq!(err.code(), "internal");
    }
}
