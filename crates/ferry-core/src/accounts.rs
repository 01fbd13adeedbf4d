//! Accounts and credentials: users, login sessions, file access keys.

use std::net::IpAddr;

use crate::actor::{Actor, UserActor};
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::model::{Node, NodeKind, Owner, RootKind, Session, User};
use crate::ports::MetaTx;
use crate::service::Ferry;
use crate::{password, secret};

/// What a successful login hands back. The two secrets are shown here once and stored hashed.
#[derive(Clone, Debug)]
pub struct Login {
    pub user: User,
    pub token: String,
    pub file_access_key: String,
    pub expires_ms: i64,
}

/// A request to make an account.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub email: Option<String>,
    pub display_name: String,
    pub password: String,
    pub is_admin: bool,
    pub quota_bytes: i64,
}

/// A user with the bytes they use.
#[derive(Clone, Debug)]
pub struct UserProfile {
    pub user: User,
    pub used_bytes: i64,
}

/// The built-in administrator's login name.
pub const ADMIN_USERNAME: &str = "admin";

pub(crate) fn require_admin(actor: &Actor) -> Result<()> {
    match actor {
        Actor::System => Ok(()),
        Actor::User(u) if u.is_admin => Ok(()),
        Actor::User(_) => Err(Error::PermissionDenied),
    }
}

fn validate_username(name: &str) -> Result<()> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "._@-".contains(c);
    if name.is_empty() || name.len() > 64 || !name.chars().all(ok_char) {
        return Err(Error::invalid(
            "username",
            "must be 1 to 64 letters, digits, '.', '_', '@' or '-'",
        ));
    }
    Ok(())
}

pub(crate) fn validate_email(email: &str) -> Result<()> {
    let mut parts = email.splitn(2, '@');
    let local = parts.next().unwrap_or_default();
    let domain = parts.next().unwrap_or_default();
    if local.is_empty()
        || domain.is_empty()
        || domain.contains('@')
        || email.len() > 254
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::invalid("email", "is not an email address"));
    }
    Ok(())
}

pub(crate) fn validate_display_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.len() > 255 || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "display name",
            "must be 1 to 255 characters, no control characters",
        ));
    }
    Ok(())
}

/// Ferry's baseline password rule for every face: at least 8 characters.
pub fn validate_password(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        return Err(Error::invalid("password", "must be at least 8 characters"));
    }
    if password.len() > 1024 {
        return Err(Error::invalid("password", "must be at most 1024 bytes"));
    }
    Ok(())
}

/// Makes the owner's real root folders (home, incoming) if they are missing.
pub(crate) async fn ensure_roots(tx: &mut dyn MetaTx, owner: Owner, now: i64) -> Result<()> {
    for root in RootKind::ALL {
        if tx.root_node(owner, root).await?.is_none() {
            let node = Node {
                id: crate::ids::NodeId::generate(),
                file_id: 0,
                owner,
                parent: None,
                root: Some(root),
                name: root.as_str().to_owned(),
                kind: NodeKind::Dir,
                size: 0,
                etag: secret::random_hex::<8>()?,
                revision: 0,
                content_hash: None,
                created_ms: now,
                updated_ms: now,
                trashed_ms: None,
            };
            tx.insert_node(&node).await?;
        }
    }
    Ok(())
}

impl Ferry {
    /// Logs in with a username or email and a password, opening a session. An account with
    /// 2FA on cannot log in this way (see [`Ferry::login_attempt`], which takes the code).
    pub async fn login(&self, login: &str, password: &str) -> Result<Login> {
        let attempt = crate::security::LoginAttempt {
            login,
            password,
            otp: None,
            client_ip: None,
        };
        match self.login_attempt(attempt).await? {
            crate::security::LoginOutcome::LoggedIn(login) => Ok(*login),
            crate::security::LoginOutcome::SecondFactorRequired => Err(Error::Unauthenticated),
        }
    }

    /// The caller behind a username (or email) and password, with no client address (the
    /// CLI, tests). See [`Ferry::authenticate_basic`].
    pub async fn authenticate_password(&self, login: &str, password: &str) -> Result<Actor> {
        self.authenticate_basic(login, password, None).await
    }

    /// The caller behind a username (or email) and password sent with the request itself
    /// (HTTP Basic on WebDAV and OCS, the login-flow page). Verified logins are remembered
    /// briefly (see `login_cache`), always re-checked against the current password hash.
    ///
    /// Everything else goes through the brute-force guard of `POST /auth`: a failure counts
    /// against the account and the client address, and a key past the limit is refused
    /// (`RateLimited`) before any password is checked. A client whose login is remembered
    /// keeps working while someone else hammers the account: the guard stops guessing,
    /// not the owner's running sync.
    pub async fn authenticate_basic(
        &self,
        login: &str,
        password: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<Actor> {
        let now = self.now_ms();
        // The cache first: it holds only account passwords verified before, so a hit needs
        // no app-password lookup (one read less on every request of a syncing client).
        if let Some(hit) = self.login_cache.get(login, password, now) {
            let mut tx = self.meta.read().await?;
            if let Some(user) = tx.user_by_id(hit.user_id).await?
                && user.password_hash == hit.password_hash
                // 2FA may have been turned on since the login was remembered.
                && tx.user_totp(user.id).await?.is_none()
            {
                return user_actor(user, None);
            }
        }
        if let Some(actor) = self.authenticate_app_password(login, password).await? {
            return Ok(actor);
        }
        let mut tx = self.meta.read().await?;
        let user = self
            .guarded_user(tx.as_mut(), login.trim(), client_ip, now)
            .await?;
        drop(tx);
        let Some(user) = user else {
            let _ =
                password::verify(password.to_owned(), crate::security::dummy_hash().await?).await;
            self.record_failure(None, client_ip, "failure", "basic")
                .await?;
            return Err(Error::Unauthenticated);
        };
        if !password::verify(password.to_owned(), user.password_hash.clone()).await? {
            self.record_failure(Some(&user), client_ip, "failure", "basic")
                .await?;
            return Err(Error::Unauthenticated);
        }
        // With 2FA on, the account password alone is not enough: such users give their
        // devices app passwords (checked above).
        let mut tx = self.meta.read().await?;
        if tx.user_totp(user.id).await?.is_some() {
            return Err(Error::Unauthenticated);
        }
        drop(tx);
        self.login_cache
            .put(login, password, user.id, user.password_hash.clone(), now);
        user_actor(user, None)
    }

    /// The caller behind a session token (`Authorization: Bearer …`).
    pub async fn authenticate_token(&self, token: &str) -> Result<Actor> {
        let mut tx = self.meta.read().await?;
        let session = tx.session_by_token_hash(&secret::token_hash(token)).await?;
        self.session_actor(tx.as_mut(), session).await
    }

    /// The caller behind a file access key (download and view links).
    pub async fn authenticate_file_key(&self, key: &str) -> Result<Actor> {
        let mut tx = self.meta.read().await?;
        let session = tx
            .session_by_file_key_hash(&secret::token_hash(key))
            .await?;
        self.session_actor(tx.as_mut(), session).await
    }

    async fn session_actor(&self, tx: &mut dyn MetaTx, session: Option<Session>) -> Result<Actor> {
        let session = session.ok_or(Error::Unauthenticated)?;
        if session.expires_ms <= self.now_ms() {
            return Err(Error::Unauthenticated);
        }
        let user = tx
            .user_by_id(session.user_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        user_actor(user, Some(session.id))
    }

    /// Ends the caller's session at once.
    pub async fn logout(&self, actor: &Actor) -> Result<()> {
        self.logout_from(actor, None).await
    }

    /// Makes an account (administrators only) with its home and incoming folders.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User> {
        require_admin(actor)?;
        actor.require_write()?;
        let now = self.now_ms();
        let user = self.prepare_user(new).await?;
        let mut tx = self.meta.write().await?;
        tx.insert_user(&user).await?;
        ensure_roots(tx.as_mut(), Owner::User(user.id), now).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Checks a new account and hashes its password: the record `create_user` stores.
    pub(crate) async fn prepare_user(&self, new: NewUser) -> Result<User> {
        validate_username(&new.username)?;
        if let Some(email) = &new.email {
            validate_email(email)?;
        }
        validate_display_name(&new.display_name)?;
        validate_password(&new.password)?;
        if new.quota_bytes < 0 {
            return Err(Error::invalid("quota", "must not be negative"));
        }
        Ok(User {
            id: UserId::generate(),
            username: new.username,
            email: new.email,
            display_name: new.display_name.trim().to_owned(),
            password_hash: password::hash(new.password).await?,
            is_admin: new.is_admin,
            is_active: true,
            quota_bytes: new.quota_bytes,
            created_ms: self.now_ms(),
            last_login_ms: None,
        })
    }

    /// Makes sure the built-in `admin` exists. With a password, (re)sets it; without one,
    /// creates the account with a random password when it is missing. Returns the generated
    /// password, which the caller prints once.
    pub async fn ensure_admin(&self, password: Option<String>) -> Result<Option<String>> {
        let mut tx = self.meta.read().await?;
        let existing = tx.user_by_login(ADMIN_USERNAME).await?;
        drop(tx);
        match (existing, password) {
            (Some(admin), Some(password)) => {
                if !password::verify(password.clone(), admin.password_hash.clone()).await? {
                    self.set_password(&Actor::System, admin.id, password)
                        .await?;
                }
                Ok(None)
            }
            (Some(_), None) => Ok(None),
            (None, given) => {
                let generated = match given {
                    Some(_) => None,
                    None => Some(secret::new_password()?),
                };
                let password = given.or_else(|| generated.clone()).unwrap_or_default();
                self.create_user(
                    &Actor::System,
                    NewUser {
                        username: ADMIN_USERNAME.to_owned(),
                        email: None,
                        display_name: "Administrator".to_owned(),
                        password,
                        is_admin: true,
                        quota_bytes: 0,
                    },
                )
                .await?;
                Ok(generated)
            }
        }
    }

    /// Changes a password (the user themself or an administrator) and ends every session.
    pub async fn set_password(&self, actor: &Actor, user: UserId, password: String) -> Result<()> {
        if actor.user_id() != Some(user) {
            require_admin(actor)?;
        }
        actor.require_write()?;
        validate_password(&password)?;
        let hash = password::hash(password).await?;
        let mut tx = self.meta.write().await?;
        let mut record = tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
        record.password_hash = hash;
        tx.update_user(&record).await?;
        tx.delete_sessions_of(user).await?;
        tx.commit().await
    }

    /// Finds an account by id, username or email (administrators, or the user themself).
    pub async fn find_user(&self, actor: &Actor, who: &str) -> Result<User> {
        let mut tx = self.meta.read().await?;
        let user = match who.parse::<UserId>() {
            Ok(id) => tx.user_by_id(id).await?,
            Err(_) => tx.user_by_login(who).await?,
        }
        .ok_or(Error::NotFound)?;
        if actor.user_id() != Some(user.id) {
            require_admin(actor).map_err(|_| Error::NotFound)?;
        }
        Ok(user)
    }

    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<User>> {
        require_admin(actor)?;
        let mut tx = self.meta.read().await?;
        tx.list_users().await
    }

    /// Removes an account with everything it owns. The built-in admin cannot be removed.
    pub async fn delete_user(&self, actor: &Actor, user: UserId) -> Result<()> {
        require_admin(actor)?;
        actor.require_write()?;
        let mut tx = self.meta.write().await?;
        let record = tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
        if record.username == ADMIN_USERNAME {
            return Err(Error::PermissionDenied);
        }
        tx.delete_user(user).await?;
        tx.commit().await
    }

    /// A user's account with the bytes they use (themself or an administrator).
    pub async fn user_profile(&self, actor: &Actor, user: UserId) -> Result<UserProfile> {
        if actor.user_id() != Some(user) {
            require_admin(actor).map_err(|_| Error::NotFound)?;
        }
        let mut tx = self.meta.read().await?;
        let user = tx.user_by_id(user).await?.ok_or(Error::NotFound)?;
        let used_bytes = tx.used_bytes(Owner::User(user.id)).await?;
        Ok(UserProfile { user, used_bytes })
    }
}

/// The caller a user account acts as; a disabled account cannot act at all.
fn user_actor(user: User, session_id: Option<crate::ids::SessionId>) -> Result<Actor> {
    if !user.is_active {
        return Err(Error::Unauthenticated);
    }
    Ok(Actor::User(UserActor {
        user_id: user.id,
        username: user.username,
        is_admin: user.is_admin,
        session_id,
        app_password_id: None,
        api_key: None,
    }))
}
