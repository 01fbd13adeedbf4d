//! Sessions security: logins with a second factor (TOTP), login history, and the
//! brute-force guard on logins.
//!
//! The guard counts failed logins per account and per client address in the database
//! (`login_failures`), so every instance sees the same counts and a restart forgets
//! nothing. After [`LOGIN_FAILURE_LIMIT`] failures within [`LOGIN_FAILURE_WINDOW_MS`] the
//! key is refused, without checking the password, until the oldest of those failures
//! leaves the window.

use std::net::IpAddr;

use crate::accounts::Login;
use crate::actor::{Actor, UserActor};
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::model::{LoginAction, LoginEvent, Session, User};
use crate::ports::MetaTx;
use crate::service::Ferry;
use crate::{password, secret};

/// Failed logins a key may have within the window before it is refused.
pub const LOGIN_FAILURE_LIMIT: usize = 10;
/// How far back failed logins count.
pub const LOGIN_FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// How many events a login history shows.
pub const LOGIN_HISTORY_LIMIT: i64 = 100;
/// How long login history is kept (pruned at each successful login of the account).
pub const LOGIN_HISTORY_KEEP_MS: i64 = 90 * 24 * 60 * 60 * 1000;
/// What the authenticator apps expect (RFC 6238 defaults): SHA-1, 6 digits, 30 s steps,
/// one step of clock skew either way.
const TOTP_STEP_SECS: u64 = 30;

/// One login attempt as a face received it.
#[derive(Clone, Copy, Debug)]
pub struct LoginAttempt<'a> {
    /// Username or email.
    pub login: &'a str,
    pub password: &'a str,
    /// The TOTP code, for accounts with 2FA on.
    pub otp: Option<&'a str>,
    /// The client's address, for the guard and the history.
    pub client_ip: Option<IpAddr>,
}

/// How a login with the right password ended.
#[derive(Clone, Debug)]
pub enum LoginOutcome {
    LoggedIn(Box<Login>),
    /// The account has 2FA on and the attempt carried no code. No session was made.
    SecondFactorRequired,
}

/// The secret a user's authenticator app needs, shown once when 2FA is turned on.
#[derive(Clone)]
pub struct TwoFactorSecret {
    /// Base32, as authenticator apps take it.
    pub secret: String,
    /// `otpauth://totp/…`, for a QR code.
    pub otpauth_url: String,
}

impl std::fmt::Debug for TwoFactorSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TwoFactorSecret(<hidden>)")
    }
}

fn account_key(user: UserId) -> String {
    format!("user:{user}")
}

fn address_key(ip: IpAddr) -> String {
    format!("ip:{ip}")
}

fn ip_text(ip: Option<IpAddr>) -> String {
    ip.map(|ip| ip.to_string()).unwrap_or_default()
}

fn totp_for(secret_b32: &str, account: &str) -> Result<totp_rs::Totp> {
    let secret = totp_rs::Secret::try_from_base32(secret_b32)
        .map_err(|_| Error::internal("stored TOTP secret is not base32"))?;
    totp_rs::Builder::new()
        .with_secret(secret)
        .with_step_duration(TOTP_STEP_SECS)
        .with_issuer(Some("Ferry"))
        .with_account_name(account.replace(':', "_"))
        .build()
        .map_err(|e| Error::internal(format!("TOTP setup: {e}")))
}

impl Ferry {
    /// `RateLimited` if `key` has had too many failures within the window.
    /// Refuses a client address, then an account, past the failure limit; returns the
    /// account `login` names, if any.
    pub(crate) async fn guarded_user(
        &self,
        tx: &mut dyn MetaTx,
        login: &str,
        ip: Option<IpAddr>,
        now: i64,
    ) -> Result<Option<User>> {
        if let Some(ip) = ip {
            self.check_guard(tx, &address_key(ip), now).await?;
        }
        let user = tx.user_by_login(login).await?;
        if let Some(user) = &user {
            self.check_guard(tx, &account_key(user.id), now).await?;
        }
        Ok(user)
    }

    async fn check_guard(&self, tx: &mut dyn MetaTx, key: &str, now: i64) -> Result<()> {
        let limit = i64::try_from(LOGIN_FAILURE_LIMIT).unwrap_or(i64::MAX);
        let recent = tx
            .recent_login_failures(key, now - LOGIN_FAILURE_WINDOW_MS, limit)
            .await?;
        if recent.len() < LOGIN_FAILURE_LIMIT {
            return Ok(());
        }
        // Free again once the oldest of the newest `limit` failures leaves the window.
        let oldest = recent.last().copied().unwrap_or(now);
        let wait_ms = (oldest + LOGIN_FAILURE_WINDOW_MS - now).max(1);
        Err(Error::RateLimited {
            retry_after_secs: u64::try_from((wait_ms + 999) / 1000).unwrap_or(1),
        })
    }

    /// Counts a failed login against the client address and (when known) the account, and
    /// writes it to the account's history.
    pub(crate) async fn record_failure(
        &self,
        user: Option<&User>,
        ip: Option<IpAddr>,
        status: &str,
        details: &str,
    ) -> Result<()> {
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        tx.forget_login_failures(now - LOGIN_FAILURE_WINDOW_MS)
            .await?;
        if let Some(ip) = ip {
            tx.add_login_failure(&address_key(ip), now).await?;
        }
        if let Some(user) = user {
            tx.add_login_failure(&account_key(user.id), now).await?;
            tx.insert_login_event(&event(
                user.id,
                LoginAction::Login,
                status,
                ip,
                details,
                now,
            ))
            .await?;
        }
        tx.commit().await
    }

    /// Logs in with a username or email, a password and (for accounts with 2FA on) a TOTP
    /// code, opening a session. Every failure that could tell an attacker whether the
    /// account exists is the same `Unauthenticated`; a key past the guard's limit is
    /// `RateLimited`; a disabled account is `PermissionDenied`.
    pub async fn login_attempt(&self, attempt: LoginAttempt<'_>) -> Result<LoginOutcome> {
        let now = self.now_ms();
        let ip = attempt.client_ip;
        let mut tx = self.meta.read().await?;
        let user = self
            .guarded_user(tx.as_mut(), attempt.login.trim(), ip, now)
            .await?;
        drop(tx);
        let Some(user) = user else {
            // Spend the same time as a real check so timing does not reveal the account.
            let _ = password::verify(attempt.password.to_owned(), dummy_hash().await?).await;
            self.record_failure(None, ip, "failure", "password").await?;
            return Err(Error::Unauthenticated);
        };
        if !password::verify(attempt.password.to_owned(), user.password_hash.clone()).await? {
            self.record_failure(Some(&user), ip, "failure", "password")
                .await?;
            return Err(Error::Unauthenticated);
        }
        if !user.is_active {
            let mut tx = self.meta.write().await?;
            tx.insert_login_event(&event(
                user.id,
                LoginAction::Login,
                "disabled",
                ip,
                "account disabled",
                now,
            ))
            .await?;
            tx.commit().await?;
            return Err(Error::PermissionDenied);
        }
        let mut tx = self.meta.write().await?;
        let mut details = "password";
        if let Some(totp) = tx.user_totp(user.id).await? {
            let Some(code) = attempt.otp.map(str::trim).filter(|c| !c.is_empty()) else {
                tx.insert_login_event(&event(
                    user.id,
                    LoginAction::Login,
                    "2fa-required",
                    ip,
                    "password right, no 2FA code",
                    now,
                ))
                .await?;
                tx.commit().await?;
                return Ok(LoginOutcome::SecondFactorRequired);
            };
            let secs = u64::try_from(now / 1000).unwrap_or(0);
            let step = totp_for(&totp.secret, &user.username)?
                .check(code, secs)
                .and_then(|s| i64::try_from(s).ok());
            // A code works once: the step is taken in the same transaction as the session.
            let accepted = match step {
                Some(step) => tx.accept_totp_step(user.id, step).await?,
                None => false,
            };
            if !accepted {
                drop(tx);
                let why = if step.is_some() {
                    "2FA code already used"
                } else {
                    "wrong 2FA code"
                };
                self.record_failure(Some(&user), ip, "2fa-failure", why)
                    .await?;
                return Err(Error::Unauthenticated);
            }
            details = "password and 2FA code";
        }
        let token = secret::new_token()?;
        let file_access_key = secret::new_token()?;
        let session = Session {
            id: crate::ids::SessionId::generate(),
            user_id: user.id,
            token_hash: secret::token_hash(&token),
            file_key_hash: secret::token_hash(&file_access_key),
            created_ms: now,
            expires_ms: now + self.settings.session_ttl_ms,
        };
        tx.delete_expired(now).await?;
        tx.insert_session(&session).await?;
        let mut user = user;
        user.last_login_ms = Some(now);
        tx.update_user(&user).await?;
        tx.insert_login_event(&event(
            user.id,
            LoginAction::Login,
            "success",
            ip,
            details,
            now,
        ))
        .await?;
        tx.forget_login_events(user.id, now - LOGIN_HISTORY_KEEP_MS)
            .await?;
        // A successful login forgives the account's earlier failures (not the address's).
        tx.clear_login_failures(&account_key(user.id)).await?;
        tx.commit().await?;
        Ok(LoginOutcome::LoggedIn(Box::new(Login {
            user,
            token,
            file_access_key,
            expires_ms: session.expires_ms,
        })))
    }

    /// Ends the caller's session at once and writes the logout to their history.
    pub async fn logout_from(&self, actor: &Actor, client_ip: Option<IpAddr>) -> Result<()> {
        let Actor::User(UserActor {
            user_id,
            session_id: Some(id),
            ..
        }) = actor
        else {
            return Ok(());
        };
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        tx.delete_session(*id).await?;
        tx.insert_login_event(&event(
            *user_id,
            LoginAction::Logout,
            "success",
            client_ip,
            "session ended",
            now,
        ))
        .await?;
        tx.commit().await
    }

    /// The caller's logins and logouts, newest first.
    pub async fn login_history(&self, actor: &Actor) -> Result<Vec<LoginEvent>> {
        let me = actor.user_id().ok_or(Error::NotFound)?;
        let mut tx = self.meta.read().await?;
        tx.list_login_events(me, LOGIN_HISTORY_LIMIT).await
    }

    /// Whether the caller has 2FA on.
    pub async fn twofa_enabled(&self, actor: &Actor) -> Result<bool> {
        let me = actor.user_id().ok_or(Error::NotFound)?;
        let mut tx = self.meta.read().await?;
        Ok(tx.user_totp(me).await?.is_some())
    }

    /// Turns 2FA on for the caller with a new secret (replacing any earlier one) and
    /// returns it, once. From now on a password login needs a code, and HTTP Basic takes
    /// only app passwords.
    pub async fn enable_twofa(&self, actor: &Actor) -> Result<TwoFactorSecret> {
        let me = actor.user_id().ok_or(Error::NotFound)?;
        actor.require_write()?;
        require_login_session(actor)?;
        let mut tx = self.meta.write().await?;
        let user = tx.user_by_id(me).await?.ok_or(Error::NotFound)?;
        let secret = totp_rs::Secret::generate().to_base32();
        let otpauth_url = totp_for(&secret, user.email.as_deref().unwrap_or(&user.username))?
            .to_url()
            .map_err(|e| Error::internal(format!("otpauth url: {e}")))?;
        tx.set_user_totp(me, Some(&secret)).await?;
        tx.commit().await?;
        Ok(TwoFactorSecret {
            secret,
            otpauth_url,
        })
    }

    /// Turns 2FA off for `user` (the user themself or an administrator).
    pub async fn disable_twofa(&self, actor: &Actor, user: UserId) -> Result<()> {
        if actor.user_id() != Some(user) {
            crate::accounts::require_admin(actor).map_err(|_| Error::NotFound)?;
        }
        actor.require_write()?;
        require_login_session(actor)?;
        let mut tx = self.meta.write().await?;
        tx.set_user_totp(user, None).await?;
        tx.commit().await
    }
}

/// Credentials are changed only by a person who logged in (or by Ferry itself): not with
/// an API key or a device's app password, which must not be able to lock their owner out
/// or mint a way around 2FA.
pub(crate) fn require_login_session(actor: &Actor) -> Result<()> {
    match actor {
        Actor::System => Ok(()),
        Actor::User(u) if u.api_key.is_none() && u.app_password_id.is_none() => Ok(()),
        Actor::User(_) => Err(Error::PermissionDenied),
    }
}

fn event(
    user: UserId,
    action: LoginAction,
    status: &str,
    ip: Option<IpAddr>,
    details: &str,
    now: i64,
) -> LoginEvent {
    LoginEvent {
        id: uuid::Uuid::now_v7(),
        user_id: user,
        action,
        status: status.to_owned(),
        ip_address: ip_text(ip),
        details: details.to_owned(),
        at_ms: now,
    }
}

/// A real argon2id hash of a random string, verified against when the account does not
/// exist, so both paths cost the same. Made once per process.
pub(crate) async fn dummy_hash() -> Result<String> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| async { password::hash(secret::new_password()?).await })
        .await
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_codes_check_against_their_step() {
        let secret = totp_rs::Secret::generate().to_base32();
        let totp = totp_for(&secret, "a@example.com").ok();
        let totp = totp.as_ref();
        let code = totp.map(|t| t.generate(90).to_string()).unwrap_or_default();
        assert_eq!(totp.and_then(|t| t.check(&code, 90)), Some(3));
        assert_eq!(totp.and_then(|t| t.check(&code, 900)), None);
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let s = TwoFactorSecret {
            secret: "JBSWY3DPEHPK3PXP".into(),
            otpauth_url: "otpauth://x".into(),
        };
        assert!(!format!("{s:?}").contains("JBSW"));
    }
}
