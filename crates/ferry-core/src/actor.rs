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
    /// The API key the request came with, if any: its scopes bound what the request may do.
    pub api_key: Option<KeyGrant>,
}

/// What an API key lets a request do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyGrant {
    pub id: crate::ids::ApiKeyId,
    pub scopes: Vec<crate::model::ApiScope>,
}

impl KeyGrant {
    pub fn allows(&self, scope: crate::model::ApiScope) -> bool {
        self.scopes.contains(&crate::model::ApiScope::FullAccess) || self.scopes.contains(&scope)
    }
}

impl Actor {
    /// Whether the request may change anything: always, unless it came with an API key
    /// that lacks the Write scope.
    pub fn may_write(&self) -> bool {
        match self {
            Actor::User(UserActor {
                api_key: Some(key), ..
            }) => key.allows(crate::model::ApiScope::Write),
            _ => true,
        }
    }

    /// `PermissionDenied` for a request whose credentials may not change anything.
    pub fn require_write(&self) -> crate::error::Result<()> {
        if self.may_write() {
            Ok(())
        } else {
            Err(crate::error::Error::PermissionDenied)
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::User(u) => Some(u.user_id),
            Actor::System => None,
        }
    }
}
