//! Groups: one entity behind FileAgo groups, OCS groups, FulliO groups and FileOnion teams.
//!
//! Who may do what:
//! - administrators (`Actor::System`, users with `is_admin`) create and delete groups, set
//!   quotas and default levels, and manage any group and membership;
//! - a group's administrators (`Membership.permissions.is_admin`) update their group and its
//!   members;
//! - members read their group, its members and its tags;
//! - anyone else cannot tell the group exists (`NotFound`).
//!
//! What members may do with the group's files is decided in `files/access.rs` from their
//! node permissions; being an administrator of either kind adds nothing there.

use crate::accounts::require_admin;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::{GroupId, GroupTagId, MailId, UserId};
use crate::model::{
    Audience, Group, GroupMember, GroupTag, GroupWithMembership, MemberPermissions, Membership,
    NodePermission, OutgoingMail, Owner, PermissionLevel, SharePermission, TagPermission, User,
};
use crate::ports::MetaTx;
use crate::service::Ferry;

/// The tag classes used unless configured otherwise.
pub const DEFAULT_TAG_CLASSES: [&str; 7] =
    ["red", "orange", "yellow", "green", "blue", "purple", "grey"];

/// The most tags one listing returns (and the default).
pub const MAX_TAG_LIMIT: i64 = 1000;

/// Longest broadcast message, in characters.
pub const MAX_BROADCAST_CHARS: usize = 10_000;

/// A request to make a group.
#[derive(Clone, Debug)]
pub struct NewGroup {
    pub name: String,
    pub description: Option<String>,
    /// 0 means unlimited.
    pub quota_bytes: i64,
    pub default_permission: PermissionLevel,
}

impl NewGroup {
    pub fn named(name: impl Into<String>) -> Self {
        NewGroup {
            name: name.into(),
            description: None,
            quota_bytes: 0,
            default_permission: PermissionLevel::Edit,
        }
    }
}

/// Changes to a group; `None` leaves a field alone.
#[derive(Clone, Debug, Default)]
pub struct GroupUpdate {
    pub name: Option<String>,
    /// "" clears the description.
    pub description: Option<String>,
    /// As sent: a PNG/JPEG data URL, or "" for the default avatar.
    pub avatar: Option<String>,
    /// Mailed to every member (written to the outgoing-mail table).
    pub broadcast_message: Option<String>,
    pub accept_incoming: Option<Audience>,
    pub private_shares_notify: Option<Audience>,
    /// Administrators only.
    pub quota_bytes: Option<i64>,
    /// Administrators only.
    pub default_permission: Option<PermissionLevel>,
}

/// How a group goes away.
#[derive(Clone, Debug, Default)]
pub struct GroupDeletion {
    /// Deleting needs an explicit yes (FileAgo's `confirm_delete=yes`).
    pub confirmed: bool,
    /// A user or another group that gets the group's home contents, in a folder named
    /// after the group; without one, the files are deleted with the group.
    pub transfer_to: Option<uuid::Uuid>,
}

/// Permissions as a face received them: names not yet checked, `None` for "not given".
#[derive(Clone, Debug, Default)]
pub struct PermissionsInput {
    pub is_admin: Option<bool>,
    pub node: Option<Vec<String>>,
    pub tag: Option<Vec<String>>,
    pub share: Option<Vec<String>>,
}

/// A group as its members (and administrators) see it.
#[derive(Clone, Debug)]
pub struct GroupDetails {
    pub group: Group,
    /// The caller's membership, if they are a member.
    pub membership: Option<Membership>,
    pub used_bytes: i64,
    pub member_count: usize,
}

/// A group in a listing, with the caller's membership when there is one.
#[derive(Clone, Debug)]
pub struct GroupListing {
    pub group: Group,
    pub membership: Option<Membership>,
}

/// One page of a listing: skip `offset` entries, return at most `limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
}

/// What a new member gets when the request names no permissions.
pub fn level_permissions(level: PermissionLevel) -> MemberPermissions {
    match level {
        PermissionLevel::Read => MemberPermissions {
            is_admin: false,
            node: vec![NodePermission::Read, NodePermission::Download],
            tag: Vec::new(),
            share: Vec::new(),
        },
        PermissionLevel::Edit => MemberPermissions {
            is_admin: false,
            node: NodePermission::ALL.to_vec(),
            tag: TagPermission::ALL.to_vec(),
            share: vec![
                SharePermission::PrivateCreate,
                SharePermission::PrivateDelete,
            ],
        },
        PermissionLevel::Admin => MemberPermissions {
            is_admin: true,
            node: NodePermission::ALL.to_vec(),
            tag: TagPermission::ALL.to_vec(),
            share: SharePermission::ALL.to_vec(),
        },
    }
}

/// Parses a list of permission names into a set in the documented order; an unknown name is
/// `InvalidInput` naming the field.
fn parse_names<T: Copy + PartialEq>(
    field: &str,
    names: &[String],
    all: &[T],
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>> {
    let mut wanted = Vec::with_capacity(names.len());
    for name in names {
        let value = parse(name.trim())
            .ok_or_else(|| Error::invalid(field, format!("'{name}' is not a known permission")))?;
        wanted.push(value);
    }
    Ok(all.iter().copied().filter(|p| wanted.contains(p)).collect())
}

/// `base` with what `input` gives replaced.
/// What a new member of `group` gets: the permissions a face set exactly for its members
/// (FulliO's permission object), or else what the group's default level grants.
pub(crate) async fn new_member_permissions(
    tx: &mut dyn MetaTx,
    group: &Group,
) -> Result<MemberPermissions> {
    Ok(match tx.member_defaults(group.id).await? {
        Some(exact) => exact,
        None => level_permissions(group.default_permission),
    })
}

pub fn apply_permissions(
    base: MemberPermissions,
    input: &PermissionsInput,
) -> Result<MemberPermissions> {
    Ok(MemberPermissions {
        is_admin: input.is_admin.unwrap_or(base.is_admin),
        node: match &input.node {
            Some(names) => parse_names(
                "node_permissions",
                names,
                NodePermission::ALL,
                NodePermission::parse,
            )?,
            None => base.node,
        },
        tag: match &input.tag {
            Some(names) => parse_names(
                "tag_permissions",
                names,
                TagPermission::ALL,
                TagPermission::parse,
            )?,
            None => base.tag,
        },
        share: match &input.share {
            Some(names) => parse_names(
                "share_permissions",
                names,
                SharePermission::ALL,
                SharePermission::parse,
            )?,
            None => base.share,
        },
    })
}

/// The group's text id: lower-case ASCII letters and digits joined by single dashes. A name
/// with none of those gets an id-based slug so it still has a unique one.
pub fn slugify(name: &str, id: GroupId) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 64 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        format!("group-{}", &id.as_uuid().simple().to_string()[..12])
    } else {
        slug.to_owned()
    }
}

fn validate_group_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.chars().count() < 3 || name.len() > 255 || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "name",
            "must be 3 to 255 characters, no control characters",
        ));
    }
    Ok(name.to_owned())
}

/// `None` for "" (no description), else 3 to 1024 characters.
fn validate_description(text: &str) -> Result<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let n = text.chars().count();
    if !(3..=1024).contains(&n) {
        return Err(Error::invalid(
            "description",
            "must be between 3 and 1024 characters",
        ));
    }
    Ok(Some(text.to_owned()))
}

fn validate_quota(quota: i64) -> Result<i64> {
    if quota < 0 {
        return Err(Error::invalid("disk_quota", "must not be negative"));
    }
    Ok(quota)
}

/// For a face's administrator-only routes (FileAgo's `/api/admin/…`): `PermissionDenied`
/// unless the caller is an administrator, whatever group roles they hold.
pub fn require_administrator(actor: &Actor) -> Result<()> {
    require_admin(actor)
}

fn is_admin(actor: &Actor) -> bool {
    require_admin(actor).is_ok()
}

/// The group, if the caller may see it (a member or an administrator), with the caller's
/// membership. Anyone else gets `NotFound`, as for a missing group.
pub(crate) async fn visible_group(
    tx: &mut dyn MetaTx,
    actor: &Actor,
    id: GroupId,
) -> Result<(Group, Option<Membership>)> {
    let group = tx.group_by_id(id).await?.ok_or(Error::NotFound)?;
    let membership = match actor.user_id() {
        Some(me) => tx.membership(id, me).await?,
        None => None,
    };
    if membership.is_none() && !is_admin(actor) {
        return Err(Error::NotFound);
    }
    Ok((group, membership))
}

/// The group, if the caller may manage it (an administrator or one of the group's).
/// A member who may not manage it gets `PermissionDenied`; anyone else `NotFound`.
pub(crate) async fn managed_group(
    tx: &mut dyn MetaTx,
    actor: &Actor,
    id: GroupId,
) -> Result<(Group, Option<Membership>)> {
    let (group, membership) = visible_group(tx, actor, id).await?;
    let group_admin = membership.as_ref().is_some_and(|m| m.permissions.is_admin);
    if !group_admin && !is_admin(actor) {
        return Err(Error::PermissionDenied);
    }
    actor.require_write()?;
    Ok((group, membership))
}

async fn member_of(tx: &mut dyn MetaTx, group: GroupId, user: UserId) -> Result<GroupMember> {
    let membership = tx.membership(group, user).await?.ok_or(Error::NotFound)?;
    let user = tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
    Ok(GroupMember { user, membership })
}

/// The user a membership request names; an unknown one is bad input, not a missing page.
async fn named_user(tx: &mut dyn MetaTx, user: UserId) -> Result<User> {
    tx.user_by_id(user)
        .await?
        .ok_or_else(|| Error::invalid("user", format!("{user} is not a user")))
}

impl Ferry {
    /// Makes a group (administrators only) with its home and incoming folders.
    pub async fn create_group(&self, actor: &Actor, new: NewGroup) -> Result<Group> {
        self.create_group_with_slug(actor, new, None).await
    }

    /// Makes a group whose slug the client chose (FulliO's `id`), or derived from the name
    /// when `slug` is `None`. A chosen slug must already be in slug form (lower-case ASCII
    /// letters and digits joined by single dashes, at most 64), so it is never rewritten
    /// behind the client's back; a taken one is `AlreadyExists`.
    pub async fn create_group_with_slug(
        &self,
        actor: &Actor,
        new: NewGroup,
        slug: Option<&str>,
    ) -> Result<Group> {
        require_admin(actor)?;
        actor.require_write()?;
        let name = validate_group_name(&new.name)?;
        let description = match &new.description {
            Some(d) => validate_description(d)?,
            None => None,
        };
        let id = GroupId::generate();
        let slug = match slug {
            None => slugify(&name, id),
            Some(s) if s.len() <= 64 && slugify(s, id) == s => s.to_owned(),
            Some(_) => {
                return Err(Error::invalid(
                    "id",
                    "must be lower-case letters and digits joined by single dashes (at most 64)",
                ));
            }
        };
        let now = self.now_ms();
        let group = Group {
            id,
            slug,
            name,
            description,
            quota_bytes: validate_quota(new.quota_bytes)?,
            default_permission: new.default_permission,
            avatar: None,
            accept_incoming: Audience::Members,
            private_shares_notify: Audience::Members,
            created_ms: now,
        };
        let mut tx = self.meta.write().await?;
        tx.insert_group(&group).await?;
        crate::accounts::ensure_roots(tx.as_mut(), Owner::Group(group.id), now).await?;
        tx.commit().await?;
        Ok(group)
    }

    /// Every group (administrators only).
    pub async fn list_groups(&self, actor: &Actor) -> Result<Vec<Group>> {
        require_admin(actor)?;
        let mut tx = self.meta.read().await?;
        tx.list_groups().await
    }

    /// Finds a group by id, slug or exact name (administrators only; for the CLI).
    pub async fn find_group(&self, actor: &Actor, who: &str) -> Result<Group> {
        require_admin(actor)?;
        let mut tx = self.meta.read().await?;
        if let Ok(id) = who.parse::<GroupId>()
            && let Some(group) = tx.group_by_id(id).await?
        {
            return Ok(group);
        }
        if let Some(group) = tx.group_by_slug(who).await? {
            return Ok(group);
        }
        let groups = tx.list_groups().await?;
        groups
            .into_iter()
            .find(|g| g.name == who)
            .ok_or(Error::NotFound)
    }

    /// The caller's groups with their membership. With `all`, administrators also get the
    /// groups they are not in (FileAgo's `show=all`); for anyone else `all` changes nothing,
    /// as Ferry has no "share with every group" setting.
    pub async fn my_groups(&self, actor: &Actor, all: bool) -> Result<Vec<GroupListing>> {
        let mut tx = self.meta.read().await?;
        let mine = match actor.user_id() {
            Some(me) => tx.groups_of_user(me).await?,
            None => Vec::new(),
        };
        if !(all && is_admin(actor)) {
            return Ok(mine
                .into_iter()
                .map(|g| GroupListing {
                    group: g.group,
                    membership: Some(g.membership),
                })
                .collect());
        }
        let everything = tx.list_groups().await?;
        Ok(everything
            .into_iter()
            .map(|group| {
                let membership = mine
                    .iter()
                    .find(|m| m.group.id == group.id)
                    .map(|m| m.membership.clone());
                GroupListing { group, membership }
            })
            .collect())
    }

    /// A user's groups with their membership in each (administrators, or the user).
    pub async fn user_groups(
        &self,
        actor: &Actor,
        user: UserId,
    ) -> Result<Vec<GroupWithMembership>> {
        if actor.user_id() != Some(user) {
            require_admin(actor)?;
        }
        let mut tx = self.meta.read().await?;
        tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
        tx.groups_of_user(user).await
    }

    /// A group's details (members and administrators).
    pub async fn group_details(&self, actor: &Actor, id: GroupId) -> Result<GroupDetails> {
        let mut tx = self.meta.read().await?;
        let (group, membership) = visible_group(tx.as_mut(), actor, id).await?;
        details(tx.as_mut(), group, membership).await
    }

    /// Changes a group (its administrators or an administrator; quota and default level
    /// administrators only). A broadcast message is written to the outgoing-mail table, one
    /// row per member, in the same transaction.
    pub async fn update_group(
        &self,
        actor: &Actor,
        id: GroupId,
        update: GroupUpdate,
    ) -> Result<GroupDetails> {
        if (update.quota_bytes.is_some() || update.default_permission.is_some()) && !is_admin(actor)
        {
            // Checked after visibility below, so a non-member still learns nothing.
            let mut tx = self.meta.read().await?;
            visible_group(tx.as_mut(), actor, id).await?;
            return Err(Error::PermissionDenied);
        }
        // Everything is checked before the write transaction starts.
        let name = update
            .name
            .as_deref()
            .map(validate_group_name)
            .transpose()?;
        let description = update
            .description
            .as_deref()
            .map(validate_description)
            .transpose()?;
        let avatar = update
            .avatar
            .as_deref()
            .map(crate::avatar::parse_avatar)
            .transpose()?;
        let broadcast = match update.broadcast_message.as_deref().map(str::trim) {
            Some("") => {
                return Err(Error::invalid("broadcast_message", "must not be empty"));
            }
            Some(m) if m.chars().count() > MAX_BROADCAST_CHARS => {
                return Err(Error::invalid(
                    "broadcast_message",
                    "must be at most 10000 characters",
                ));
            }
            other => other.map(str::to_owned),
        };
        let quota = update.quota_bytes.map(validate_quota).transpose()?;
        let mut tx = self.meta.write().await?;
        let (mut group, membership) = managed_group(tx.as_mut(), actor, id).await?;
        if let Some(name) = name {
            // The slug stays: OCS and FulliO clients hold on to it as the group's id.
            group.name = name;
        }
        if let Some(description) = description {
            group.description = description;
        }
        if let Some(avatar) = avatar {
            group.avatar = avatar;
        }
        if let Some(audience) = update.accept_incoming {
            group.accept_incoming = audience;
        }
        if let Some(audience) = update.private_shares_notify {
            group.private_shares_notify = audience;
        }
        if let Some(level) = update.default_permission {
            group.default_permission = level;
            // A level set now is what new members get, replacing exact permissions
            // another face set earlier.
            tx.set_member_defaults(id, None).await?;
        }
        if let Some(quota) = quota {
            if quota > 0 && quota < tx.used_bytes(Owner::Group(id)).await? {
                return Err(Error::invalid(
                    "disk_quota",
                    "must not be below the group's current disk usage (or 0 for unlimited)",
                ));
            }
            group.quota_bytes = quota;
        }
        tx.update_group(&group).await?;
        if let Some(message) = broadcast {
            let now = self.now_ms();
            for member in tx.group_members(id).await? {
                tx.insert_outgoing_mail(&OutgoingMail {
                    id: MailId::generate(),
                    user_id: member.user.id,
                    address: member.user.email.clone(),
                    subject: format!("A message to the members of {}", group.name),
                    body: message.clone(),
                    created_ms: now,
                })
                .await?;
            }
        }
        let result = details(tx.as_mut(), group, membership).await?;
        tx.commit().await?;
        Ok(result)
    }

    /// Deletes a group with its memberships and tags (administrators only). Its home
    /// contents go to `transfer_to` when given, else they are deleted with it.
    pub async fn delete_group(
        &self,
        actor: &Actor,
        id: GroupId,
        deletion: GroupDeletion,
    ) -> Result<()> {
        require_admin(actor)?;
        actor.require_write()?;
        if !deletion.confirmed {
            return Err(Error::invalid(
                "confirm_delete",
                "must be 'yes' to delete a group",
            ));
        }
        let mut tx = self.meta.write().await?;
        let group = tx.group_by_id(id).await?.ok_or(Error::NotFound)?;
        if let Some(target) = deletion.transfer_to {
            let now = self.now_ms();
            let to =
                crate::users::transfer_owner(tx.as_mut(), target, Owner::Group(id), now).await?;
            crate::files::move_home_contents(
                tx.as_mut(),
                Owner::Group(id),
                to,
                &group.name,
                self.now_ms(),
            )
            .await?;
        }
        tx.delete_group(id).await?;
        tx.commit().await
    }

    /// A group's members (members and administrators).
    pub async fn group_members(&self, actor: &Actor, id: GroupId) -> Result<Vec<GroupMember>> {
        let mut tx = self.meta.read().await?;
        visible_group(tx.as_mut(), actor, id).await?;
        tx.group_members(id).await
    }

    /// One member's permissions (members and administrators). Not a member: `NotFound`.
    pub async fn group_member(
        &self,
        actor: &Actor,
        id: GroupId,
        user: UserId,
    ) -> Result<GroupMember> {
        let mut tx = self.meta.read().await?;
        visible_group(tx.as_mut(), actor, id).await?;
        member_of(tx.as_mut(), id, user).await
    }

    /// Adds a member (group administrators and administrators). Permissions not given come
    /// from the group's default level.
    pub async fn add_group_member(
        &self,
        actor: &Actor,
        id: GroupId,
        user: UserId,
        permissions: PermissionsInput,
    ) -> Result<GroupMember> {
        let mut tx = self.meta.write().await?;
        let (group, _) = managed_group(tx.as_mut(), actor, id).await?;
        let user = named_user(tx.as_mut(), user).await?;
        let base = new_member_permissions(tx.as_mut(), &group).await?;
        let permissions = apply_permissions(base, &permissions)?;
        let membership = Membership {
            group_id: id,
            user_id: user.id,
            permissions,
            created_ms: self.now_ms(),
        };
        tx.insert_membership(&membership).await?;
        tx.commit().await?;
        Ok(GroupMember { user, membership })
    }

    /// Changes a member's permissions; what is not given stays (group administrators and
    /// administrators).
    pub async fn update_group_member(
        &self,
        actor: &Actor,
        id: GroupId,
        user: UserId,
        permissions: PermissionsInput,
    ) -> Result<GroupMember> {
        let mut tx = self.meta.write().await?;
        managed_group(tx.as_mut(), actor, id).await?;
        let mut member = member_of(tx.as_mut(), id, user).await?;
        member.membership.permissions =
            apply_permissions(member.membership.permissions, &permissions)?;
        tx.update_membership(&member.membership).await?;
        tx.commit().await?;
        Ok(member)
    }

    /// Removes a member (group administrators and administrators).
    pub async fn remove_group_member(
        &self,
        actor: &Actor,
        id: GroupId,
        user: UserId,
    ) -> Result<()> {
        let mut tx = self.meta.write().await?;
        managed_group(tx.as_mut(), actor, id).await?;
        if !tx.delete_membership(id, user).await? {
            return Err(Error::NotFound);
        }
        tx.commit().await
    }

    /// Sets exactly which groups a user is in, with the permissions for each
    /// (administrators only): listed memberships are made or updated, the user's other
    /// memberships end. All or nothing.
    pub async fn set_user_groups(
        &self,
        actor: &Actor,
        user: UserId,
        groups: Vec<(GroupId, PermissionsInput)>,
    ) -> Result<Vec<GroupWithMembership>> {
        require_admin(actor)?;
        actor.require_write()?;
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
        let current = tx.groups_of_user(user).await?;
        for (group_id, input) in &groups {
            let group = tx
                .group_by_id(*group_id)
                .await?
                .ok_or_else(|| Error::invalid("groups", format!("{group_id} is not a group")))?;
            match current.iter().find(|c| c.group.id == *group_id) {
                Some(existing) => {
                    let mut membership = existing.membership.clone();
                    membership.permissions = apply_permissions(membership.permissions, input)?;
                    tx.update_membership(&membership).await?;
                }
                None => {
                    let base = new_member_permissions(tx.as_mut(), &group).await?;
                    let permissions = apply_permissions(base, input)?;
                    tx.insert_membership(&Membership {
                        group_id: *group_id,
                        user_id: user,
                        permissions,
                        created_ms: now,
                    })
                    .await?;
                }
            }
        }
        for old in &current {
            if !groups.iter().any(|(g, _)| *g == old.group.id) {
                tx.delete_membership(old.group.id, user).await?;
            }
        }
        let result = tx.groups_of_user(user).await?;
        tx.commit().await?;
        Ok(result)
    }

    /// A group's tags by name (members and administrators). `limit` 0 or absent means the
    /// default, [`MAX_TAG_LIMIT`].
    pub async fn group_tags(
        &self,
        actor: &Actor,
        id: GroupId,
        limit: Option<i64>,
    ) -> Result<Vec<GroupTag>> {
        let limit = match limit {
            None | Some(0) => MAX_TAG_LIMIT,
            Some(n) if n < 0 => return Err(Error::invalid("limit", "must not be negative")),
            Some(n) => n.min(MAX_TAG_LIMIT),
        };
        let mut tx = self.meta.read().await?;
        visible_group(tx.as_mut(), actor, id).await?;
        tx.list_group_tags(id, Some(limit)).await
    }

    /// Makes a tag the group owns: members with the `create` tag permission, group
    /// administrators and administrators. The class must be a configured one.
    pub async fn create_group_tag(
        &self,
        actor: &Actor,
        id: GroupId,
        name: &str,
        class: &str,
    ) -> Result<GroupTag> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(Error::invalid(
                "name",
                "must be 1 to 64 characters, no control characters",
            ));
        }
        let class = class.trim().to_ascii_lowercase();
        if !self.settings.tag_classes.contains(&class) {
            return Err(Error::invalid(
                "class",
                format!("must be one of {}", self.settings.tag_classes.join(", ")),
            ));
        }
        let mut tx = self.meta.write().await?;
        let (_, membership) = visible_group(tx.as_mut(), actor, id).await?;
        let allowed = is_admin(actor)
            || membership.as_ref().is_some_and(|m| {
                m.permissions.is_admin || m.permissions.tag.contains(&TagPermission::Create)
            });
        if !allowed {
            return Err(Error::PermissionDenied);
        }
        actor.require_write()?;
        let tag = GroupTag {
            id: GroupTagId::generate(),
            group_id: id,
            name: name.to_owned(),
            class,
            created_ms: self.now_ms(),
        };
        tx.insert_group_tag(&tag).await?;
        tx.commit().await?;
        Ok(tag)
    }

    /// A group named by its UUID or its slug (as OCS and FulliO name groups), if the caller
    /// may see it (a member or an administrator); anyone else gets `NotFound`.
    pub async fn group_by_key(&self, actor: &Actor, key: &str) -> Result<GroupId> {
        let mut tx = self.meta.read().await?;
        let group = match key.parse::<GroupId>() {
            Ok(id) => tx.group_by_id(id).await?,
            Err(_) => tx.group_by_slug(key).await?,
        }
        .ok_or(Error::NotFound)?;
        visible_group(tx.as_mut(), actor, group.id).await?;
        Ok(group.id)
    }

    /// One page of the groups the caller may see, by name: every group for administrators,
    /// their own for anyone else. `search` matches the name or slug, case-insensitively.
    /// Returns the page and how many groups matched in all.
    pub async fn search_groups(
        &self,
        actor: &Actor,
        search: Option<&str>,
        page: Page,
    ) -> Result<(Vec<GroupDetails>, usize)> {
        let mut tx = self.meta.read().await?;
        let mut groups = if is_admin(actor) {
            tx.list_groups().await?
        } else {
            match actor.user_id() {
                Some(me) => tx
                    .groups_of_user(me)
                    .await?
                    .into_iter()
                    .map(|g| g.group)
                    .collect(),
                None => Vec::new(),
            }
        };
        if let Some(needle) = search
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
        {
            groups.retain(|g| g.name.to_lowercase().contains(&needle) || g.slug.contains(&needle));
        }
        groups.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.slug.cmp(&b.slug))
        });
        let total = groups.len();
        let mut out = Vec::new();
        for group in groups.into_iter().skip(page.offset).take(page.limit) {
            let membership = match actor.user_id() {
                Some(me) => tx.membership(group.id, me).await?,
                None => None,
            };
            out.push(details(tx.as_mut(), group, membership).await?);
        }
        Ok((out, total))
    }

    /// Adds several users to a group in one transaction (group administrators and
    /// administrators): all are added or none. Users already in it keep their membership;
    /// new members get `permissions` over the group's default level. Returns the members
    /// the request named.
    pub async fn add_group_members(
        &self,
        actor: &Actor,
        id: GroupId,
        users: &[UserId],
        permissions: PermissionsInput,
    ) -> Result<Vec<GroupMember>> {
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let (group, _) = managed_group(tx.as_mut(), actor, id).await?;
        let base = new_member_permissions(tx.as_mut(), &group).await?;
        let base = apply_permissions(base, &permissions)?;
        let mut out: Vec<GroupMember> = Vec::with_capacity(users.len());
        for &user in users {
            if out.iter().any(|m| m.user.id == user) {
                continue;
            }
            let record = named_user(tx.as_mut(), user).await?;
            let membership = match tx.membership(id, user).await? {
                Some(existing) => existing,
                None => {
                    let membership = Membership {
                        group_id: id,
                        user_id: user,
                        permissions: base.clone(),
                        created_ms: now,
                    };
                    tx.insert_membership(&membership).await?;
                    membership
                }
            };
            out.push(GroupMember {
                user: record,
                membership,
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Gives every current member of a group the same permissions (what `input` gives
    /// replaces theirs, the rest stays), all in one transaction: FulliO's group-wide
    /// permission object. Group administrators and administrators.
    pub async fn set_members_permissions(
        &self,
        actor: &Actor,
        id: GroupId,
        input: PermissionsInput,
    ) -> Result<Vec<GroupMember>> {
        let mut tx = self.meta.write().await?;
        let (group, _) = managed_group(tx.as_mut(), actor, id).await?;
        let mut members = tx.group_members(id).await?;
        for member in &mut members {
            member.membership.permissions =
                apply_permissions(member.membership.permissions.clone(), &input)?;
            tx.update_membership(&member.membership).await?;
        }
        // New members get the same, so the group keeps one set of permissions even while
        // it has no members.
        let defaults =
            apply_permissions(new_member_permissions(tx.as_mut(), &group).await?, &input)?;
        tx.set_member_defaults(id, Some(&defaults)).await?;
        tx.commit().await?;
        Ok(members)
    }

    /// What a new member of the group would get (members and administrators may see it).
    pub async fn group_member_defaults(
        &self,
        actor: &Actor,
        id: GroupId,
    ) -> Result<MemberPermissions> {
        let mut tx = self.meta.read().await?;
        let (group, _) = visible_group(tx.as_mut(), actor, id).await?;
        new_member_permissions(tx.as_mut(), &group).await
    }

    /// The caller's own groups with their details, by name: only groups they are a member
    /// of, even for administrators (FileOnion's "my teams"; `search_groups` lists every
    /// group an administrator may see). Read in one transaction, so a group deleted
    /// meanwhile is either listed whole or not at all.
    pub async fn my_group_details(&self, actor: &Actor) -> Result<Vec<GroupDetails>> {
        let Some(me) = actor.user_id() else {
            return Ok(Vec::new());
        };
        let mut tx = self.meta.read().await?;
        let mut mine = tx.groups_of_user(me).await?;
        mine.sort_by(|a, b| {
            a.group
                .name
                .to_lowercase()
                .cmp(&b.group.name.to_lowercase())
                .then_with(|| a.group.slug.cmp(&b.group.slug))
        });
        let mut out = Vec::with_capacity(mine.len());
        for g in mine {
            out.push(details(tx.as_mut(), g.group, Some(g.membership)).await?);
        }
        Ok(out)
    }

    /// Messages waiting for a mail server (administrators only).
    pub async fn outgoing_mail(&self, actor: &Actor) -> Result<Vec<OutgoingMail>> {
        require_admin(actor)?;
        let mut tx = self.meta.read().await?;
        tx.list_outgoing_mail().await
    }
}

async fn details(
    tx: &mut dyn MetaTx,
    group: Group,
    membership: Option<Membership>,
) -> Result<GroupDetails> {
    let used_bytes = tx.used_bytes(Owner::Group(group.id)).await?;
    let member_count = tx.group_members(group.id).await?.len();
    Ok(GroupDetails {
        group,
        membership,
        used_bytes,
        member_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_dashes() {
        let id = GroupId::generate();
        assert_eq!(slugify("Sales Team", id), "sales-team");
        assert_eq!(slugify("  R&D / Ops!! ", id), "r-d-ops");
        assert!(slugify("日本語", id).starts_with("group-"));
    }

    #[test]
    fn permissions_parse_into_ordered_sets_and_refuse_unknown_names() {
        let input = PermissionsInput {
            node: Some(vec!["download".into(), "read".into(), "read".into()]),
            ..Default::default()
        };
        let p = apply_permissions(level_permissions(PermissionLevel::Read), &input).ok();
        assert_eq!(
            p.map(|p| p.node),
            Some(vec![NodePermission::Read, NodePermission::Download])
        );
        let bad = PermissionsInput {
            share: Some(vec!["public_create".into(), "everything".into()]),
            ..Default::default()
        };
        let err = apply_permissions(MemberPermissions::default(), &bad).err();
        assert!(matches!(err, Some(Error::InvalidInput { .. })));
    }

    #[test]
    fn names_and_descriptions_have_bounds() {
        assert!(validate_group_name("ab").is_err());
        assert!(validate_group_name(" Ops ").is_ok());
        assert!(validate_description("ab").is_err());
        assert_eq!(validate_description("").ok(), Some(None));
        assert!(validate_description(&"x".repeat(1025)).is_err());
    }
}
