//! The user account as the faces show it: profile, avatar, notification settings, admin
//! changes (enable/disable, quota, role), the user directory, and deleting an account
//! with its data handed to someone else.
//!
//! Credentials and sessions live in `accounts` and `security`; this module holds what an
//! account looks like and who may change which part of it.

use crate::accounts::{ADMIN_USERNAME, NewUser, require_admin};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::model::{NotificationSettings, Owner, User, UserDetails};
use crate::password;
use crate::ports::MetaTx;
use crate::service::Ferry;

/// Ferry has one organization. FileAgo lets its built-in admin pick one with `org_id`;
/// this is the only id it accepts.
pub const DEFAULT_ORGANIZATION: &str = "default";
/// Longest profile text (phone, address, website, twitter, comment) in characters.
const MAX_PROFILE_TEXT: usize = 1024;

/// An account with its details and the bytes it uses.
#[derive(Clone, Debug)]
pub struct Account {
    pub user: User,
    pub details: UserDetails,
    pub used_bytes: i64,
}

/// What a user may change about themself; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct ProfileChange {
    pub display_name: Option<String>,
    pub password: Option<String>,
    /// `Some("")` resets to the default avatar.
    pub avatar: Option<String>,
    pub language: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub twitter: Option<String>,
}

/// What an administrator may change about an account; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct AccountChange {
    pub profile: ProfileChange,
    /// `Some(None)` removes the email.
    pub email: Option<Option<String>>,
    pub quota_bytes: Option<i64>,
    pub is_active: Option<bool>,
    pub is_admin: Option<bool>,
    /// `Some(false)` turns 2FA off; an administrator cannot turn it on for someone.
    pub twofa: Option<bool>,
    pub comment: Option<String>,
}

/// A new account as an administrator makes it through an API.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub user: NewUser,
    pub is_active: bool,
    pub comment: String,
}

/// The eight notification switches; `None` leaves one as it is.
#[derive(Clone, Copy, Debug, Default)]
pub struct NotificationChange {
    pub email_alert_owned: Option<bool>,
    pub email_alert_group_owned: Option<bool>,
    pub email_alert_shared_with_me: Option<bool>,
    pub email_alert_shared_with_my_groups: Option<bool>,
    pub realtime_alert_owned: Option<bool>,
    pub realtime_alert_group_owned: Option<bool>,
    pub realtime_alert_shared_with_me: Option<bool>,
    pub realtime_alert_shared_with_my_groups: Option<bool>,
}

impl NotificationChange {
    fn apply(self, n: &mut NotificationSettings) {
        let set = |field: &mut bool, value: Option<bool>| {
            if let Some(v) = value {
                *field = v;
            }
        };
        set(&mut n.email_alert_owned, self.email_alert_owned);
        set(&mut n.email_alert_group_owned, self.email_alert_group_owned);
        set(
            &mut n.email_alert_shared_with_me,
            self.email_alert_shared_with_me,
        );
        set(
            &mut n.email_alert_shared_with_my_groups,
            self.email_alert_shared_with_my_groups,
        );
        set(&mut n.realtime_alert_owned, self.realtime_alert_owned);
        set(
            &mut n.realtime_alert_group_owned,
            self.realtime_alert_group_owned,
        );
        set(
            &mut n.realtime_alert_shared_with_me,
            self.realtime_alert_shared_with_me,
        );
        set(
            &mut n.realtime_alert_shared_with_my_groups,
            self.realtime_alert_shared_with_my_groups,
        );
    }
}

/// The owner a deleted account's or group's files go to: the user or group `target`
/// names (FileAgo's `transfer_data_to` is "the UUID of the user or group"), never the one
/// being deleted. Anything else is bad input.
pub(crate) async fn transfer_owner(
    tx: &mut dyn MetaTx,
    target: uuid::Uuid,
    deleting: Owner,
    now: i64,
) -> Result<Owner> {
    let to = if tx.user_by_id(UserId::from_uuid(target)).await?.is_some() {
        Owner::User(UserId::from_uuid(target))
    } else if tx
        .group_by_id(crate::ids::GroupId::from_uuid(target))
        .await?
        .is_some()
    {
        Owner::Group(crate::ids::GroupId::from_uuid(target))
    } else {
        return Err(Error::invalid(
            "transfer_data_to",
            "names no other user or group",
        ));
    };
    if to == deleting {
        return Err(Error::invalid(
            "transfer_data_to",
            "must not be the one being deleted",
        ));
    }
    crate::accounts::ensure_roots(tx, to, now).await?;
    Ok(to)
}

/// FileAgo's password rule: at least 8 characters with a lower-case letter, an
/// upper-case letter and a digit.
pub fn validate_strong_password(password: &str) -> Result<()> {
    crate::accounts::validate_password(password)?;
    let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
    if !(has(char::is_ascii_lowercase) || has(|c| c.is_lowercase()))
        || !has(|c| c.is_uppercase())
        || !has(char::is_ascii_digit)
    {
        return Err(Error::invalid(
            "password",
            "must be at least 8 characters and include lowercase, uppercase and numeric characters",
        ));
    }
    Ok(())
}

/// FileAgo's full-name rule: at least 3 characters and no digits.
pub fn validate_full_name(name: &str) -> Result<()> {
    let name = name.trim();
    if name.chars().count() < 3 || name.chars().any(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(
            "fullname",
            "must be at least 3 characters and must not contain numbers",
        ));
    }
    Ok(())
}

/// The only organization there is, for callers that name one: the built-in admin may name
/// it; other administrators work in their own (the same one) and may not pick.
pub fn check_organization(actor: &Actor, org_id: Option<&str>) -> Result<()> {
    let Some(org) = org_id.map(str::trim).filter(|o| !o.is_empty()) else {
        return Ok(());
    };
    let built_in = matches!(actor, Actor::System)
        || matches!(actor, Actor::User(u) if u.username == ADMIN_USERNAME);
    if !built_in {
        return Err(Error::PermissionDenied);
    }
    if org != DEFAULT_ORGANIZATION {
        return Err(Error::invalid(
            "org_id",
            format!("no such organization (the only one is '{DEFAULT_ORGANIZATION}')"),
        ));
    }
    Ok(())
}

/// Whether the caller may manage accounts at all, for faces that must answer 403 before
/// they look at a request's body (each use case checks again).
pub fn require_user_admin(actor: &Actor) -> Result<()> {
    require_admin(actor)
}

fn profile_text(field: &str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.chars().count() > MAX_PROFILE_TEXT || value.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            "must be at most 1024 characters, no control characters",
        ));
    }
    Ok(value.to_owned())
}

fn language_tag(value: &str) -> Result<String> {
    let value = value.trim();
    let ok = !value.is_empty()
        && value.len() <= 35
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(Error::invalid(
            "language",
            "must be a language tag such as 'en' or 'pt-BR'",
        ));
    }
    Ok(value.to_owned())
}

/// Checks a language tag such as `en` or `pt-BR`, for faces that must refuse a bad one
/// before they make anything.
pub fn validate_language(value: &str) -> Result<()> {
    language_tag(value).map(|_| ())
}

/// Checks a profile change and applies it to the records (the password is hashed
/// separately, as it takes time). Nothing is written here.
fn apply_profile(change: &ProfileChange, user: &mut User, details: &mut UserDetails) -> Result<()> {
    if let Some(name) = &change.display_name {
        crate::accounts::validate_display_name(name)?;
        user.display_name = name.trim().to_owned();
    }
    if let Some(avatar) = &change.avatar {
        details.avatar = crate::avatar::parse_avatar(avatar)?;
    }
    if let Some(language) = &change.language {
        details.language = language_tag(language)?;
    }
    if let Some(v) = &change.phone {
        details.phone = profile_text("phone", v)?;
    }
    if let Some(v) = &change.address {
        details.address = profile_text("address", v)?;
    }
    if let Some(v) = &change.website {
        details.website = profile_text("website", v)?;
    }
    if let Some(v) = &change.twitter {
        details.twitter = profile_text("twitter", v)?;
    }
    Ok(())
}

impl Ferry {
    /// An account with its details and usage (the user themself or an administrator;
    /// anyone else gets `NotFound`).
    pub async fn account(&self, actor: &Actor, user: UserId) -> Result<Account> {
        if actor.user_id() != Some(user) {
            require_admin(actor).map_err(|_| Error::NotFound)?;
        }
        let mut tx = self.meta.read().await?;
        let record = tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
        let details = tx.user_details(user).await?.ok_or(Error::NotFound)?;
        let used_bytes = tx.used_bytes(Owner::User(user)).await?;
        Ok(Account {
            user: record,
            details,
            used_bytes,
        })
    }

    /// An account as an administrator sees it: `PermissionDenied` for anyone else.
    pub async fn admin_account(&self, actor: &Actor, user: UserId) -> Result<Account> {
        require_admin(actor)?;
        self.account(actor, user).await
    }

    /// Every account with its details and usage (administrators only).
    pub async fn accounts(&self, actor: &Actor) -> Result<Vec<Account>> {
        require_admin(actor)?;
        let mut tx = self.meta.read().await?;
        let users = tx.list_users().await?;
        let mut out = Vec::with_capacity(users.len());
        for user in users {
            let Some(details) = tx.user_details(user.id).await? else {
                continue;
            };
            let used_bytes = tx.used_bytes(Owner::User(user.id)).await?;
            out.push(Account {
                user,
                details,
                used_bytes,
            });
        }
        Ok(out)
    }

    /// One page of accounts by login name (administrators only). `search` matches the
    /// login name, display name or email case-insensitively; `group` keeps only that
    /// group's members. Returns the page and how many accounts matched in all.
    pub async fn search_accounts(
        &self,
        actor: &Actor,
        search: Option<&str>,
        group: Option<crate::ids::GroupId>,
        page: crate::groups::Page,
    ) -> Result<(Vec<Account>, usize)> {
        require_admin(actor)?;
        let mut tx = self.meta.read().await?;
        let mut users = match group {
            Some(g) => {
                tx.group_by_id(g).await?.ok_or(Error::NotFound)?;
                tx.group_members(g)
                    .await?
                    .into_iter()
                    .map(|m| m.user)
                    .collect()
            }
            None => tx.list_users().await?,
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
        let total = users.len();
        let mut out = Vec::new();
        for user in users.into_iter().skip(page.offset).take(page.limit) {
            // A user deleted meanwhile has no details; leave it out.
            let Some(details) = tx.user_details(user.id).await? else {
                continue;
            };
            let used_bytes = tx.used_bytes(Owner::User(user.id)).await?;
            out.push(Account {
                user,
                details,
                used_bytes,
            });
        }
        Ok((out, total))
    }

    /// The people a signed-in user may see (everyone in the one organization), by name.
    pub async fn user_directory(&self, actor: &Actor, active_only: bool) -> Result<Vec<User>> {
        if actor.user_id().is_none() && !matches!(actor, Actor::System) {
            return Err(Error::Unauthenticated);
        }
        let mut tx = self.meta.read().await?;
        let mut users = tx.list_users().await?;
        if active_only {
            users.retain(|u| u.is_active);
        }
        users.sort_by(|a, b| {
            a.display_name
                .to_lowercase()
                .cmp(&b.display_name.to_lowercase())
                .then_with(|| a.username.cmp(&b.username))
        });
        Ok(users)
    }

    /// The caller changes their own profile. A new password ends every session, the
    /// caller's included. All or nothing: a bad field changes nothing.
    pub async fn update_own_profile(
        &self,
        actor: &Actor,
        change: ProfileChange,
    ) -> Result<Account> {
        let me = actor.user_id().ok_or(Error::NotFound)?;
        self.change_account(
            actor,
            me,
            AccountChange {
                profile: change,
                ..AccountChange::default()
            },
        )
        .await
    }

    /// An administrator changes an account (the built-in admin stays an active
    /// administrator). All or nothing.
    pub async fn update_account(
        &self,
        actor: &Actor,
        user: UserId,
        change: AccountChange,
    ) -> Result<Account> {
        require_admin(actor)?;
        self.change_account(actor, user, change).await
    }

    /// Applies a change with no role check: callers (`update_account`,
    /// `update_own_profile`, `provisioning`) decide who may make it first.
    pub(crate) async fn change_account(
        &self,
        actor: &Actor,
        user: UserId,
        change: AccountChange,
    ) -> Result<Account> {
        actor.require_write()?;
        if change.profile.password.is_some() || change.twofa.is_some() {
            crate::security::require_login_session(actor)?;
        }
        if let Some(password) = &change.profile.password {
            crate::accounts::validate_password(password)?;
        }
        if let Some(Some(email)) = &change.email {
            crate::accounts::validate_email(email)?;
        }
        if change.quota_bytes.is_some_and(|q| q < 0) {
            return Err(Error::invalid("disk_quota", "must not be negative"));
        }
        if change.twofa == Some(true) {
            return Err(Error::invalid(
                "twofa",
                "only the user can turn 2FA on (POST /api/user/2fa)",
            ));
        }
        let comment = change
            .comment
            .as_deref()
            .map(|c| profile_text("comment", c))
            .transpose()?;
        // Hashed before the transaction: argon2 takes a while and must not hold the lock.
        let new_hash = match &change.profile.password {
            Some(p) => Some(password::hash(p.clone()).await?),
            None => None,
        };
        let mut tx = self.meta.write().await?;
        let mut record = tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
        let mut details = tx.user_details(user).await?.ok_or(Error::NotFound)?;
        apply_profile(&change.profile, &mut record, &mut details)?;
        if let Some(email) = change.email {
            record.email = email.map(|e| e.trim().to_owned());
        }
        if let Some(quota) = change.quota_bytes {
            let used = tx.used_bytes(Owner::User(user)).await?;
            if quota > 0 && quota < used {
                return Err(Error::invalid(
                    "disk_quota",
                    format!("must be 0 (unlimited) or at least the {used} bytes in use"),
                ));
            }
            record.quota_bytes = quota;
        }
        let built_in = record.username == ADMIN_USERNAME;
        if let Some(active) = change.is_active {
            if built_in && !active {
                return Err(Error::invalid(
                    "is_active",
                    "the built-in admin cannot be disabled",
                ));
            }
            record.is_active = active;
        }
        if let Some(admin) = change.is_admin {
            if built_in && !admin {
                return Err(Error::invalid(
                    "is_admin",
                    "the built-in admin stays an administrator",
                ));
            }
            record.is_admin = admin;
        }
        if let Some(comment) = comment {
            details.admin_comment = comment;
        }
        if let Some(hash) = new_hash {
            record.password_hash = hash;
            // A new password ends every earlier session.
            tx.delete_sessions_of(user).await?;
        }
        if !record.is_active {
            // A disabled account's sessions end at once (they would be refused anyway).
            tx.delete_sessions_of(user).await?;
        }
        if change.twofa == Some(false) {
            tx.set_user_totp(user, None).await?;
        }
        tx.update_user(&record).await?;
        tx.set_user_details(user, &details).await?;
        let details = tx.user_details(user).await?.ok_or(Error::NotFound)?;
        let used_bytes = tx.used_bytes(Owner::User(user)).await?;
        tx.commit().await?;
        Ok(Account {
            user: record,
            details,
            used_bytes,
        })
    }

    /// The caller's notification settings, changed as asked, returned whole.
    pub async fn update_notifications(
        &self,
        actor: &Actor,
        change: NotificationChange,
    ) -> Result<NotificationSettings> {
        let me = actor.user_id().ok_or(Error::NotFound)?;
        actor.require_write()?;
        let mut tx = self.meta.write().await?;
        let mut details = tx.user_details(me).await?.ok_or(Error::NotFound)?;
        change.apply(&mut details.notifications);
        tx.set_user_details(me, &details).await?;
        tx.commit().await?;
        Ok(details.notifications)
    }

    /// Makes an account through an admin API: the account, its roots, whether it is
    /// active and the admin's comment, in one transaction.
    pub async fn create_account(&self, actor: &Actor, new: NewAccount) -> Result<Account> {
        require_admin(actor)?;
        actor.require_write()?;
        let comment = profile_text("comment", &new.comment)?;
        let user = self.prepare_user(new.user).await?;
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let user = User {
            is_active: new.is_active,
            ..user
        };
        tx.insert_user(&user).await?;
        crate::accounts::ensure_roots(tx.as_mut(), Owner::User(user.id), now).await?;
        let mut details = tx.user_details(user.id).await?.ok_or(Error::NotFound)?;
        details.admin_comment = comment;
        tx.set_user_details(user.id, &details).await?;
        tx.commit().await?;
        Ok(Account {
            user,
            details,
            used_bytes: 0,
        })
    }

    /// Removes an account (administrators only; not the built-in admin, not oneself).
    /// With a target (a user or a group), the account's home folder contents first move
    /// into the target's home, inside a folder named after the account (numbered if the
    /// name is taken), within the target's quota. Everything else the account owned goes
    /// with it. All or nothing: a bad target deletes nothing.
    pub async fn delete_account(
        &self,
        actor: &Actor,
        user: UserId,
        transfer_to: Option<uuid::Uuid>,
    ) -> Result<()> {
        require_admin(actor)?;
        actor.require_write()?;
        if actor.user_id() == Some(user) {
            return Err(Error::invalid(
                "user",
                "an administrator cannot delete themself",
            ));
        }
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let record = tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
        if record.username == ADMIN_USERNAME {
            return Err(Error::PermissionDenied);
        }
        if let Some(target) = transfer_to {
            let to = transfer_owner(tx.as_mut(), target, Owner::User(user), now).await?;
            // The same hand-over groups use: a folder named after the account, numbered
            // if taken, owned by the target from then on, within the target's quota.
            crate::files::move_home_contents(
                tx.as_mut(),
                Owner::User(user),
                to,
                &record.username,
                now,
            )
            .await?;
        }
        tx.delete_user(user).await?;
        tx.commit().await
    }

    /// Enables or disables an account (administrators only). Disabling ends its sessions.
    pub async fn set_account_active(
        &self,
        actor: &Actor,
        user: UserId,
        active: bool,
    ) -> Result<()> {
        self.update_account(
            actor,
            user,
            AccountChange {
                is_active: Some(active),
                ..AccountChange::default()
            },
        )
        .await
        .map(|_| ())
    }

    /// Sets an account's quota in bytes, 0 for unlimited (administrators only).
    pub async fn set_account_quota(
        &self,
        actor: &Actor,
        user: UserId,
        quota_bytes: i64,
    ) -> Result<()> {
        self.update_account(
            actor,
            user,
            AccountChange {
                quota_bytes: Some(quota_bytes),
                ..AccountChange::default()
            },
        )
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fileago_password_rule() {
        assert!(validate_strong_password("Passw0rd123").is_ok());
        for bad in ["short1A", "alllower123", "ALLUPPER123", "NoDigitsHere"] {
            assert!(validate_strong_password(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fileago_name_rule() {
        assert!(validate_full_name("John Doe").is_ok());
        assert!(validate_full_name("Jo").is_err());
        assert!(validate_full_name("R2D2 Unit").is_err());
    }

    #[test]
    fn only_the_built_in_admin_picks_the_default_organization() {
        assert!(check_organization(&Actor::System, Some("default")).is_ok());
        assert!(check_organization(&Actor::System, Some("other")).is_err());
        assert!(check_organization(&Actor::System, None).is_ok());
    }
}
