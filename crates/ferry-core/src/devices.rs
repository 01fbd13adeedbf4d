//! Device credentials: app passwords (a device's own revocable password for HTTP Basic)
//! and the Nextcloud login flow v2 that hands one to a desktop or mobile client after its
//! user signs in in a browser.

use sha2::{Digest, Sha256};

use crate::actor::{Actor, UserActor};
use crate::error::{Error, Result};
use crate::ids::{AppPasswordId, LoginFlowId};
use crate::model::{AppPassword, LoginFlow, LoginGrant, User};
use crate::secret;
use crate::service::Ferry;

/// How long a login flow waits for its user (Nextcloud: 20 minutes).
pub const LOGIN_FLOW_TTL_MS: i64 = 20 * 60 * 1000;
/// Last-use times are written at most this often, so Basic auth stays a read.
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;
/// The longest device name kept.
const MAX_DEVICE_NAME: usize = 200;

/// A started login flow: the client polls with `poll_token` while its user opens the login
/// page with `login_token`.
#[derive(Clone, Debug)]
pub struct StartedLoginFlow {
    pub poll_token: String,
    pub login_token: String,
    pub expires_ms: i64,
}

/// What a granted flow gives its client, once.
#[derive(Clone, Debug)]
pub struct LoginFlowResult {
    pub login_name: String,
    pub app_password: String,
}

fn device_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_DEVICE_NAME)
        .collect();
    if clean.trim().is_empty() {
        "Unnamed device".to_owned()
    } else {
        clean
    }
}

/// XOR with a SHA-256 keystream of `key`: seals (and unseals) a short secret so that only
/// the holder of `key` can read it back. Used for one-time secrets of at most a few blocks.
fn seal(secret: &[u8], key: &str) -> Vec<u8> {
    secret
        .chunks(32)
        .enumerate()
        .flat_map(|(block, chunk)| {
            let mut hasher = Sha256::new();
            hasher.update(b"ferry-login-flow-seal");
            hasher.update(key.as_bytes());
            hasher.update((block as u32).to_be_bytes());
            let pad = hasher.finalize();
            chunk
                .iter()
                .zip(pad)
                .map(|(a, b)| a ^ b)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn actor_for(user: &User, app_password: AppPasswordId) -> Actor {
    Actor::User(UserActor {
        user_id: user.id,
        username: user.username.clone(),
        is_admin: user.is_admin,
        session_id: None,
        app_password_id: Some(app_password),
        api_key: None,
    })
}

impl Ferry {
    /// The caller behind an app password, if `password` is one of `login`'s app passwords.
    /// A cheap hash lookup: app passwords are random, so they need no argon2.
    pub(crate) async fn authenticate_app_password(
        &self,
        login: &str,
        password: &str,
    ) -> Result<Option<Actor>> {
        let mut tx = self.meta.read().await?;
        let Some(found) = tx
            .app_password_by_hash(&secret::token_hash(password))
            .await?
        else {
            return Ok(None);
        };
        let Some(user) = tx.user_by_id(found.user_id).await? else {
            return Ok(None);
        };
        drop(tx);
        let login = login.trim();
        let names_user = user.username == login
            || user
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(login));
        if !names_user {
            return Ok(None);
        }
        if !user.is_active {
            return Err(Error::Unauthenticated);
        }
        let now = self.now_ms();
        if found.last_used_ms.is_none_or(|t| now - t > TOUCH_EVERY_MS) {
            let mut tx = self.meta.write().await?;
            tx.touch_app_password(found.id, now).await?;
            tx.commit().await?;
        }
        Ok(Some(actor_for(&user, found.id)))
    }

    /// Makes an app password for the caller. Nextcloud refuses this to a caller that itself
    /// came with an app password, so one device cannot mint credentials for others.
    pub async fn create_app_password(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<(AppPassword, String)> {
        let Actor::User(user) = actor else {
            return Err(Error::invalid("actor", "only users have app passwords"));
        };
        if user.app_password_id.is_some() || user.api_key.is_some() {
            return Err(Error::PermissionDenied);
        }
        let raw = secret::new_token()?;
        let record = AppPassword {
            id: AppPasswordId::generate(),
            user_id: user.user_id,
            name: device_name(name),
            token_hash: secret::token_hash(&raw),
            created_ms: self.now_ms(),
            last_used_ms: None,
        };
        let mut tx = self.meta.write().await?;
        tx.insert_app_password(&record).await?;
        tx.commit().await?;
        Ok((record, raw))
    }

    pub async fn list_app_passwords(&self, actor: &Actor) -> Result<Vec<AppPassword>> {
        let me = actor.user_id().ok_or(Error::NotFound)?;
        let mut tx = self.meta.read().await?;
        tx.list_app_passwords(me).await
    }

    /// Revokes one of the caller's app passwords at once.
    pub async fn revoke_app_password(&self, actor: &Actor, id: AppPasswordId) -> Result<()> {
        let me = actor.user_id().ok_or(Error::NotFound)?;
        actor.require_write()?;
        let mut tx = self.meta.write().await?;
        let mine = tx.list_app_passwords(me).await?.iter().any(|p| p.id == id);
        if !mine {
            return Err(Error::NotFound);
        }
        tx.delete_app_password(id).await?;
        tx.commit().await
    }

    /// Starts a login flow v2 (no authentication: the user signs in on the login page).
    pub async fn start_login_flow(&self) -> Result<StartedLoginFlow> {
        let poll_token = secret::new_token()?;
        let login_token = secret::new_token()?;
        let app_password = secret::new_token()?;
        let now = self.now_ms();
        let flow = LoginFlow {
            id: LoginFlowId::generate(),
            poll_token_hash: secret::token_hash(&poll_token),
            login_token_hash: secret::token_hash(&login_token),
            created_ms: now,
            expires_ms: now + LOGIN_FLOW_TTL_MS,
            sealed_app_password: data_encoding::HEXLOWER
                .encode(&seal(app_password.as_bytes(), &poll_token)),
            app_password_hash: secret::token_hash(&app_password),
            grant: None,
        };
        let mut tx = self.meta.write().await?;
        tx.delete_expired(now).await?;
        tx.insert_login_flow(&flow).await?;
        tx.commit().await?;
        Ok(StartedLoginFlow {
            poll_token,
            login_token,
            expires_ms: flow.expires_ms,
        })
    }

    /// Whether a login page token belongs to a flow still waiting for its user.
    pub async fn login_flow_is_pending(&self, login_token: &str) -> Result<()> {
        let mut tx = self.meta.read().await?;
        let flow = tx
            .login_flow_by_login_hash(&secret::token_hash(login_token))
            .await?
            .filter(|f| f.expires_ms > self.now_ms() && f.grant.is_none());
        flow.map(|_| ()).ok_or(Error::NotFound)
    }

    /// The user signed in on the login page: their credentials are checked and the flow's
    /// app password becomes theirs, named after the device.
    pub async fn grant_login_flow(
        &self,
        login_token: &str,
        login: &str,
        password: &str,
        device: &str,
        client_ip: Option<std::net::IpAddr>,
    ) -> Result<()> {
        // The sign-in page is a password login like any other: through the guard.
        let actor = self.authenticate_basic(login, password, client_ip).await?;
        let Actor::User(user) = actor else {
            return Err(Error::Unauthenticated);
        };
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let flow = tx
            .login_flow_by_login_hash(&secret::token_hash(login_token))
            .await?
            .filter(|f| f.expires_ms > now && f.grant.is_none())
            .ok_or(Error::NotFound)?;
        tx.insert_app_password(&AppPassword {
            id: AppPasswordId::generate(),
            user_id: user.user_id,
            name: device_name(device),
            token_hash: flow.app_password_hash.clone(),
            created_ms: now,
            last_used_ms: None,
        })
        .await?;
        let granted = tx
            .grant_login_flow(
                flow.id,
                &LoginGrant {
                    user_id: user.user_id,
                    login_name: user.username.clone(),
                },
            )
            .await?;
        if !granted {
            return Err(Error::NotFound);
        }
        tx.commit().await
    }

    /// The client's poll: `NotFound` until the user grants access, then the login name and
    /// app password, once (the flow is gone afterwards).
    pub async fn poll_login_flow(&self, poll_token: &str) -> Result<LoginFlowResult> {
        let mut tx = self.meta.write().await?;
        let flow = tx
            .login_flow_by_poll_hash(&secret::token_hash(poll_token))
            .await?
            .filter(|f| f.expires_ms > self.now_ms())
            .ok_or(Error::NotFound)?;
        let grant = flow.grant.clone().ok_or(Error::NotFound)?;
        let sealed = data_encoding::HEXLOWER
            .decode(flow.sealed_app_password.as_bytes())
            .map_err(|e| Error::internal(format!("sealed app password: {e}")))?;
        let app_password = String::from_utf8(seal(&sealed, poll_token))
            .map_err(|e| Error::internal(format!("sealed app password: {e}")))?;
        tx.delete_login_flow(flow.id).await?;
        tx.commit().await?;
        Ok(LoginFlowResult {
            login_name: grant.login_name,
            app_password,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealing_twice_with_the_key_gives_the_secret_back() {
        let secret = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
        let sealed = seal(secret, "poll-token");
        assert_ne!(sealed.as_slice(), secret.as_slice());
        assert_eq!(seal(&sealed, "poll-token").as_slice(), secret.as_slice());
        assert_ne!(seal(&sealed, "other-token").as_slice(), secret.as_slice());
    }

    #[test]
    fn device_names_are_cleaned() {
        assert_eq!(device_name("  "), "Unnamed device");
        assert_eq!(device_name("Desk\ntop"), "Desktop");
        assert_eq!(device_name(&"x".repeat(500)).len(), MAX_DEVICE_NAME);
    }
}
