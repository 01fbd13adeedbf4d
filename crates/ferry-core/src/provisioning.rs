//! Delegated account administration, as Nextcloud's provisioning API defines it: besides
//! administrators, a group's administrators ("subadmins") manage the accounts of their
//! group's members.
//!
//! Who may do what here:
//! - administrators manage every account;
//! - a group administrator manages the members of the groups they administer, except
//!   administrators and themself (Nextcloud's "user accessible" rule), and may make accounts
//!   only inside those groups;
//! - a user reads their own account and changes their own profile, never their quota or
//!   whether they are enabled;
//! - anyone else gets `PermissionDenied` before any lookup, so the answer does not tell
//!   whether an account exists.
//!
//! Appointing group administrators stays with administrators, as in Nextcloud.

use crate::accounts::{NewUser, ensure_roots, require_admin};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::groups::{Page, new_member_permissions};
use crate::ids::{GroupId, UserId};
use crate::model::{GroupWithMembership, Membership, Owner, User};
use crate::ports::MetaTx;
use crate::service::Ferry;
use crate::users::{Account, AccountChange};

/// An account with the groups the caller may see it in (all of them for administrators and
/// the user themself; for a group administrator, the groups they administer).
#[derive(Clone, Debug)]
pub struct ProvisionedAccount {
    pub account: Account,
    pub groups: Vec<GroupWithMembership>,
}

/// A new account made through the provisioning API.
#[derive(Clone, Debug)]
pub struct NewProvisionedAccount {
    pub user: NewUser,
    pub language: Option<String>,
    /// Groups the account joins, with the group's default permissions.
    pub groups: Vec<GroupId>,
    /// Groups the account administers (it joins them too). Administrators only.
    pub subadmin_of: Vec<GroupId>,
}

/// How the caller stands towards an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Admin,
    /// The caller administers a group the account is in.
    GroupAdmin,
    Myself,
}

/// The groups the caller administers (as a group administrator).
async fn administered_groups(tx: &mut dyn MetaTx, actor: &Actor) -> Result<Vec<GroupId>> {
    let Some(me) = actor.user_id() else {
        return Ok(Vec::new());
    };
    Ok(tx
        .groups_of_user(me)
        .await?
        .into_iter()
        .filter(|g| g.membership.permissions.is_admin)
        .map(|g| g.group.id)
        .collect())
}

/// How the caller may act on `user`, or `PermissionDenied`. Anyone who is neither an
/// administrator nor a group administrator is refused before the account is looked up;
/// a group administrator gets `PermissionDenied` for a missing account too, so neither
/// learns which accounts exist.
async fn role_towards(tx: &mut dyn MetaTx, actor: &Actor, user: UserId) -> Result<Role> {
    if require_admin(actor).is_ok() {
        tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
        return Ok(Role::Admin);
    }
    if actor.user_id() == Some(user) {
        return Ok(Role::Myself);
    }
    let mine = administered_groups(tx, actor).await?;
    if mine.is_empty() {
        return Err(Error::PermissionDenied);
    }
    let Some(record) = tx.user_by_id(user).await? else {
        return Err(Error::PermissionDenied);
    };
    // Administrators are out of a group administrator's reach (Nextcloud's rule).
    if record.is_admin {
        return Err(Error::PermissionDenied);
    }
    let theirs = tx.groups_of_user(user).await?;
    if theirs.iter().any(|g| mine.contains(&g.group.id)) {
        Ok(Role::GroupAdmin)
    } else {
        Err(Error::PermissionDenied)
    }
}

impl Ferry {
    /// The account a provisioning request names by login name: administrators and group
    /// administrators may name anyone (a group administrator adds existing users to their
    /// group); other users only themself. What the caller may then do with the account
    /// is decided by each use case.
    pub async fn provisioning_user_id(&self, actor: &Actor, username: &str) -> Result<UserId> {
        let mut tx = self.meta.read().await?;
        let may_look_up = require_admin(actor).is_ok()
            || !administered_groups(tx.as_mut(), actor).await?.is_empty();
        if !may_look_up {
            return match actor {
                Actor::User(u) if u.username == username => Ok(u.user_id),
                _ => Err(Error::PermissionDenied),
            };
        }
        // Only administrators learn that a name is free: a group administrator gets the
        // same refusal as for an account outside their groups.
        let missing = if require_admin(actor).is_ok() {
            Error::NotFound
        } else {
            Error::PermissionDenied
        };
        let user = tx.user_by_login(username).await?.ok_or(missing)?;
        Ok(user.id)
    }

    /// One page of the login names the caller manages, by name: every account for
    /// administrators, their groups' members for group administrators. `search` matches
    /// the login name, display name or email case-insensitively. Anyone else:
    /// `PermissionDenied`.
    pub async fn managed_users(
        &self,
        actor: &Actor,
        search: Option<&str>,
        page: Page,
    ) -> Result<Vec<User>> {
        let mut tx = self.meta.read().await?;
        let mut users = if require_admin(actor).is_ok() {
            tx.list_users().await?
        } else {
            let mine = administered_groups(tx.as_mut(), actor).await?;
            if mine.is_empty() {
                return Err(Error::PermissionDenied);
            }
            let mut users: Vec<User> = Vec::new();
            for group in mine {
                for member in tx.group_members(group).await? {
                    if !member.user.is_admin && !users.iter().any(|u| u.id == member.user.id) {
                        users.push(member.user);
                    }
                }
            }
            users
        };
        if let Some(needle) = search
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
        {
            users.retain(|u| {
                u.username.to_lowercase().contains(&needle)
                    || u.display_name.to_lowercase().contains(&needle)
                    || u.email
                        .as_deref()
                        .is_some_and(|e| e.to_lowercase().contains(&needle))
            });
        }
        users.sort_by(|a, b| a.username.cmp(&b.username));
        Ok(users
            .into_iter()
            .skip(page.offset)
            .take(page.limit)
            .collect())
    }

    /// An account with its groups, for the caller (themself, an administrator, or a group
    /// administrator of one of its groups).
    pub async fn provisioned_account(
        &self,
        actor: &Actor,
        user: UserId,
    ) -> Result<ProvisionedAccount> {
        let mut tx = self.meta.read().await?;
        let role = role_towards(tx.as_mut(), actor, user).await?;
        let record = tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
        let details = tx.user_details(user).await?.ok_or(Error::NotFound)?;
        let used_bytes = tx.used_bytes(Owner::User(user)).await?;
        let mut groups = tx.groups_of_user(user).await?;
        if role == Role::GroupAdmin {
            let mine = administered_groups(tx.as_mut(), actor).await?;
            groups.retain(|g| mine.contains(&g.group.id));
        }
        groups.sort_by(|a, b| a.group.slug.cmp(&b.group.slug));
        Ok(ProvisionedAccount {
            account: Account {
                user: record,
                details,
                used_bytes,
            },
            groups,
        })
    }

    /// Makes an account in one transaction with its groups and the groups it administers.
    /// A group administrator must name at least one group, and only groups they
    /// administer; only administrators appoint group administrators.
    pub async fn create_provisioned_account(
        &self,
        actor: &Actor,
        new: NewProvisionedAccount,
    ) -> Result<Account> {
        actor.require_write()?;
        if let Some(language) = &new.language {
            crate::users::validate_language(language)?;
        }
        {
            let mut tx = self.meta.read().await?;
            if require_admin(actor).is_err() {
                let mine = administered_groups(tx.as_mut(), actor).await?;
                if mine.is_empty() || !new.subadmin_of.is_empty() {
                    return Err(Error::PermissionDenied);
                }
                if new.groups.is_empty() {
                    return Err(Error::invalid(
                        "groups",
                        "a group administrator must put the new account in one of their groups",
                    ));
                }
                if new.groups.iter().any(|g| !mine.contains(g)) {
                    return Err(Error::PermissionDenied);
                }
            }
            if new.user.is_admin {
                require_admin(actor)?;
            }
        }
        let user = self.prepare_user(new.user).await?;
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        tx.insert_user(&user).await?;
        ensure_roots(tx.as_mut(), Owner::User(user.id), now).await?;
        let mut details = tx.user_details(user.id).await?.ok_or(Error::NotFound)?;
        if let Some(language) = new.language {
            details.language = language.trim().to_owned();
            tx.set_user_details(user.id, &details).await?;
        }
        let mut joined: Vec<GroupId> = Vec::new();
        for (group_id, is_admin) in new
            .groups
            .iter()
            .map(|g| (*g, false))
            .chain(new.subadmin_of.iter().map(|g| (*g, true)))
        {
            let group = tx.group_by_id(group_id).await?.ok_or(Error::NotFound)?;
            let mut permissions = new_member_permissions(tx.as_mut(), &group).await?;
            permissions.is_admin |= is_admin;
            if joined.contains(&group_id) {
                if let Some(mut existing) = tx.membership(group_id, user.id).await? {
                    existing.permissions.is_admin |= is_admin;
                    tx.update_membership(&existing).await?;
                }
                continue;
            }
            tx.insert_membership(&Membership {
                group_id,
                user_id: user.id,
                permissions,
                created_ms: now,
            })
            .await?;
            joined.push(group_id);
        }
        tx.commit().await?;
        Ok(Account {
            user,
            details,
            used_bytes: 0,
        })
    }

    /// Changes an account. The user themself may change their profile, email and password;
    /// administrators and the account's group administrators also quota and whether it is
    /// enabled; only administrators whether it is an administrator. All or nothing.
    pub async fn update_provisioned_account(
        &self,
        actor: &Actor,
        user: UserId,
        change: AccountChange,
    ) -> Result<Account> {
        let role = {
            let mut tx = self.meta.read().await?;
            role_towards(tx.as_mut(), actor, user).await?
        };
        let managing = change.quota_bytes.is_some() || change.is_active.is_some();
        let admin_only =
            change.is_admin.is_some() || change.twofa.is_some() || change.comment.is_some();
        match role {
            Role::Admin => {}
            Role::GroupAdmin if !admin_only => {}
            Role::Myself if !admin_only && !managing => {}
            _ => return Err(Error::PermissionDenied),
        }
        if role == Role::Myself && change.is_active == Some(false) {
            return Err(Error::invalid("enabled", "you cannot disable yourself"));
        }
        if role == Role::Admin && actor.user_id() == Some(user) && change.is_active == Some(false) {
            return Err(Error::invalid("enabled", "you cannot disable yourself"));
        }
        self.change_account(actor, user, change).await
    }

    /// Deletes an account with everything it owns (administrators, or a group administrator
    /// of one of its groups; never oneself, never the built-in admin).
    pub async fn delete_provisioned_account(&self, actor: &Actor, user: UserId) -> Result<()> {
        actor.require_write()?;
        let role = {
            let mut tx = self.meta.read().await?;
            role_towards(tx.as_mut(), actor, user).await?
        };
        match role {
            Role::Admin => self.delete_account(actor, user, None).await,
            Role::GroupAdmin => {
                // Checked above: the caller administers a group of this non-administrator.
                self.delete_account(&Actor::System, user, None).await
            }
            Role::Myself => Err(Error::PermissionDenied),
        }
    }

    /// Makes `user` an administrator of `group` (joining it if needed), or ends that role
    /// (the membership stays). Administrators only, as in Nextcloud. Ending a role the
    /// user does not hold is `InvalidInput`.
    pub async fn set_group_admin(
        &self,
        actor: &Actor,
        group: GroupId,
        user: UserId,
        is_admin: bool,
    ) -> Result<()> {
        require_admin(actor)?;
        actor.require_write()?;
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let record = tx.group_by_id(group).await?.ok_or(Error::NotFound)?;
        tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
        match tx.membership(group, user).await? {
            Some(mut membership) => {
                if !is_admin && !membership.permissions.is_admin {
                    return Err(Error::invalid(
                        "groupid",
                        "the user is not an administrator of this group",
                    ));
                }
                membership.permissions.is_admin = is_admin;
                tx.update_membership(&membership).await?;
            }
            None if is_admin => {
                let mut permissions = new_member_permissions(tx.as_mut(), &record).await?;
                permissions.is_admin = true;
                tx.insert_membership(&Membership {
                    group_id: group,
                    user_id: user,
                    permissions,
                    created_ms: now,
                })
                .await?;
            }
            None => {
                return Err(Error::invalid(
                    "groupid",
                    "the user is not an administrator of this group",
                ));
            }
        }
        tx.commit().await
    }
}
