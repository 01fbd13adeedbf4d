//! Who is calling. Every use case takes the caller first; faces only authenticate.

use crate::ids::{SessionId, UserId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in user.
    User(UserActor),
    /// Ferry itself (admin CLI, background work): may do anything.
    System,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserActor {
    pub user_id: UserId,
    /// The login name (Nextcloud clients use it as the DAV user in URLs).
    pub username: String,
    pub is_admin: bool,
    /// The session the request came with, if any (a logout ends exactly this one).
    pub session_id: Option<SessionId>,
    /// The app password the request came with, if any (revoking "this device" ends it).
    pub app_password_id: Option<crate::ids::AppPasswordId>,
}

impl Actor {
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::User(u) => Some(u.user_id),
            Actor::System => None,
        }
    }
}
