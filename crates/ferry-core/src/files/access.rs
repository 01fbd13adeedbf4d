//! Who may do what to whose nodes. The one place that decides it.

use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::model::{NodePermission, Owner};
use crate::ports::MetaTx;

/// What a caller may do with a node (FileAgo's node permissions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Access {
    pub read: bool,
    pub write: bool,
    pub delete: bool,
    pub download: bool,
}

impl Access {
    pub const ALL: Access = Access {
        read: true,
        write: true,
        delete: true,
        download: true,
    };
    pub const NONE: Access = Access {
        read: false,
        write: false,
        delete: false,
        download: false,
    };

    /// What is left when the request's credentials may not change anything (an API key
    /// without the Write scope): reading and downloading only.
    pub fn limited_to(self, actor: &Actor) -> Access {
        if actor.may_write() {
            self
        } else {
            Access {
                write: false,
                delete: false,
                ..self
            }
        }
    }

    /// What a group member's node permissions grant.
    pub fn from_permissions(granted: &[NodePermission]) -> Access {
        Access {
            read: granted.contains(&NodePermission::Read),
            write: granted.contains(&NodePermission::Write),
            delete: granted.contains(&NodePermission::Delete),
            download: granted.contains(&NodePermission::Download),
        }
    }

    /// The granted permissions as FileAgo names them, in its order.
    pub fn names(&self) -> Vec<&'static str> {
        [
            (self.read, "read"),
            (self.write, "write"),
            (self.delete, "delete"),
            (self.download, "download"),
        ]
        .into_iter()
        .filter_map(|(granted, name)| granted.then_some(name))
        .collect()
    }
}

/// The caller's access to everything an owner owns. Owners of their own tree may do
/// everything; in a group's workspace a member may do exactly what their membership's node
/// permissions say (being a group or system administrator adds nothing there); anything
/// else is invisible.
pub(crate) async fn access_to(tx: &mut dyn MetaTx, actor: &Actor, owner: Owner) -> Result<Access> {
    Ok(match (actor, owner) {
        (Actor::System, _) => Access::ALL,
        (Actor::User(u), Owner::User(id)) if u.user_id == id => Access::ALL,
        (Actor::User(u), Owner::Group(group)) => match tx.membership(group, u.user_id).await? {
            Some(m) => Access::from_permissions(&m.permissions.node),
            None => Access::NONE,
        },
        _ => Access::NONE,
    })
}

/// Fails with `NotFound` (existence must not leak) unless the caller can at least read,
/// and with `PermissionDenied` when it can read but lacks the wanted right.
pub(crate) fn require(access: Access, wanted: impl Fn(&Access) -> bool) -> Result<()> {
    if !access.read {
        return Err(Error::NotFound);
    }
    if !wanted(&access) {
        return Err(Error::PermissionDenied);
    }
    Ok(())
}
