//! FileAgo's WebDrive endpoints: a short name under `/webdrive/` that serves one user's or
//! one group's home folder over WebDAV, through the same engine as Nextcloud's mounts.
//!
//! A user manages their own endpoint; a group's is managed by its administrators (and the
//! server's). Members see a group's endpoint only when `show_to_members` is on. Who may
//! do what inside the mounted folder is the usual file access, decided per request.

use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::groups::{managed_group, visible_group};
use crate::ids::{GroupId, NodeId};
use crate::model::{Owner, RootKind};
use crate::service::Ferry;

/// One endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebDrive {
    /// 3–10 lower-case ASCII letters and digits.
    pub endpoint: String,
    pub owner: Owner,
    /// Whether plain members of the owning group may see the endpoint (groups only).
    pub show_to_members: bool,
    pub created_ms: i64,
}

/// FileAgo's rule for endpoint names: 3–10 lower-case alphanumeric characters.
pub fn validate_endpoint(name: &str) -> Result<&str> {
    let ok = (3..=10).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if ok {
        Ok(name)
    } else {
        Err(Error::invalid(
            "endpoint",
            "must be 3-10 lower-case letters and digits",
        ))
    }
}

impl Ferry {
    /// The caller's own endpoint, if any.
    pub async fn my_webdrive(&self, actor: &Actor) -> Result<Option<WebDrive>> {
        let me = actor.user_id().ok_or(Error::Unauthenticated)?;
        let mut tx = self.meta.read().await?;
        tx.webdrive_of(Owner::User(me)).await
    }

    /// Gives the caller the endpoint `name`, replacing theirs. `AlreadyExists` when someone
    /// else holds the name.
    pub async fn set_my_webdrive(&self, actor: &Actor, name: &str) -> Result<WebDrive> {
        let me = actor.user_id().ok_or(Error::Unauthenticated)?;
        actor.require_write()?;
        self.put_webdrive(Owner::User(me), name, false).await
    }

    /// Removes the caller's endpoint; `NotFound` when they had none.
    pub async fn delete_my_webdrive(&self, actor: &Actor) -> Result<()> {
        let me = actor.user_id().ok_or(Error::Unauthenticated)?;
        actor.require_write()?;
        self.delete_webdrive(Owner::User(me)).await
    }

    /// A group's endpoint: for its administrators (and the server's) always, for plain
    /// members when it is shown to them (`PermissionDenied` otherwise), for anyone else
    /// `NotFound`.
    pub async fn group_webdrive(&self, actor: &Actor, id: GroupId) -> Result<Option<WebDrive>> {
        let mut tx = self.meta.read().await?;
        let (_, membership) = visible_group(tx.as_mut(), actor, id).await?;
        let drive = tx.webdrive_of(Owner::Group(id)).await?;
        let manages = crate::accounts::require_admin(actor).is_ok()
            || membership.as_ref().is_some_and(|m| m.permissions.is_admin);
        match drive {
            Some(d) if !manages && !d.show_to_members => Err(Error::PermissionDenied),
            drive => Ok(drive),
        }
    }

    /// Gives a group the endpoint `name` (group administrators and the server's only).
    pub async fn set_group_webdrive(
        &self,
        actor: &Actor,
        id: GroupId,
        name: &str,
        show_to_members: bool,
    ) -> Result<WebDrive> {
        {
            let mut tx = self.meta.read().await?;
            managed_group(tx.as_mut(), actor, id).await?;
        }
        self.put_webdrive(Owner::Group(id), name, show_to_members)
            .await
    }

    /// Removes a group's endpoint (group administrators and the server's only).
    pub async fn delete_group_webdrive(&self, actor: &Actor, id: GroupId) -> Result<()> {
        {
            let mut tx = self.meta.read().await?;
            managed_group(tx.as_mut(), actor, id).await?;
        }
        self.delete_webdrive(Owner::Group(id)).await
    }

    /// The folder an endpoint serves, for the caller: a user's endpoint serves only that
    /// user; a group's serves its members (their access inside is the usual one). Anyone
    /// else, and an unknown endpoint, get `NotFound`.
    pub async fn webdrive_root(&self, actor: &Actor, endpoint: &str) -> Result<NodeId> {
        let mut tx = self.meta.read().await?;
        let drive = tx
            .webdrive_by_endpoint(endpoint)
            .await?
            .ok_or(Error::NotFound)?;
        if let Owner::User(owner) = drive.owner
            && actor.user_id() != Some(owner)
        {
            return Err(Error::NotFound);
        }
        let root = tx
            .root_node(drive.owner, RootKind::Home)
            .await?
            .ok_or(Error::NotFound)?;
        Ok(root.id)
    }

    async fn put_webdrive(&self, owner: Owner, name: &str, show: bool) -> Result<WebDrive> {
        let drive = WebDrive {
            endpoint: validate_endpoint(name)?.to_owned(),
            owner,
            show_to_members: show && matches!(owner, Owner::Group(_)),
            created_ms: self.now_ms(),
        };
        let mut tx = self.meta.write().await?;
        if let Some(held) = tx.webdrive_by_endpoint(&drive.endpoint).await?
            && held.owner != owner
        {
            return Err(Error::AlreadyExists(format!(
                "the WebDrive endpoint '{}'",
                drive.endpoint
            )));
        }
        tx.put_webdrive(&drive).await?;
        tx.commit().await?;
        Ok(drive)
    }

    async fn delete_webdrive(&self, owner: Owner) -> Result<()> {
        let mut tx = self.meta.write().await?;
        if !tx.delete_webdrive_of(owner).await? {
            return Err(Error::NotFound);
        }
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_names() {
        for good in ["abc", "johnhome", "sales2024", "0123456789"] {
            assert!(validate_endpoint(good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "elevenchars",
            "John",
            "a-b-c",
            "a/b",
            "..x",
            "héllo",
            "a b c",
            "",
        ] {
            assert!(validate_endpoint(bad).is_err(), "{bad}");
        }
    }
}
