//! API keys (`fo_live_…`): made by administrators, shown once, stored hashed, scoped,
//! expiring, revocable, and accepted as a bearer token on every face.

use crate::accounts::require_admin;
use crate::actor::{Actor, KeyGrant, UserActor};
use crate::error::{Error, Result};
use crate::ids::ApiKeyId;
use crate::model::{ApiKey, ApiKeyStatus, ApiScope};
use crate::secret;
use crate::service::Ferry;

/// Every key starts with this, as FileOnion's do.
pub const KEY_PREFIX: &str = "fo_live_";
/// How many characters of a key listings show before masking the rest.
const SHOWN: usize = KEY_PREFIX.len() + 6;
/// Last-use times are written at most this often, so authenticating stays a read.
const TOUCH_EVERY_MS: i64 = 60 * 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The lifetimes FileOnion offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    Days(u16),
    Never,
}

impl Expiry {
    /// 30, 90, 180 or 365 days, or never.
    pub fn from_days(days: Option<i64>) -> Result<Expiry> {
        match days {
            None => Ok(Expiry::Never),
            Some(d @ (30 | 90 | 180 | 365)) => Ok(Expiry::Days(d as u16)),
            Some(_) => Err(Error::invalid(
                "expiresInDays",
                "must be 30, 90, 180, 365 or null (never)",
            )),
        }
    }

    fn expires_ms(self, now: i64) -> Option<i64> {
        match self {
            Expiry::Days(d) => Some(now + i64::from(d) * DAY_MS),
            Expiry::Never => None,
        }
    }
}

/// What a new key asks for.
#[derive(Clone, Debug)]
pub struct NewApiKey {
    pub name: String,
    pub scopes: Vec<ApiScope>,
    pub expiry: Expiry,
}

/// A change to a key: each `Some` replaces.
#[derive(Clone, Debug, Default)]
pub struct ApiKeyChange {
    pub name: Option<String>,
    pub scopes: Option<Vec<ApiScope>>,
    /// Only `Active` or `Disabled`; revoking has its own call.
    pub status: Option<ApiKeyStatus>,
}

fn valid_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Error::invalid("name", "must be 1 to 100 characters"));
    }
    Ok(name.to_owned())
}

fn valid_scopes(mut scopes: Vec<ApiScope>) -> Result<Vec<ApiScope>> {
    if scopes.is_empty() {
        return Err(Error::invalid("scopes", "must name at least one scope"));
    }
    scopes.sort();
    scopes.dedup();
    Ok(scopes)
}

/// A key's status as callers see it: an active key past its expiry reads `expired`.
pub fn effective_status(key: &ApiKey, now: i64) -> &'static str {
    match key.status {
        ApiKeyStatus::Active if key.expires_ms.is_some_and(|e| e <= now) => "expired",
        status => status.as_str(),
    }
}

/// `fo_live_AbCdEf…`: enough to recognise a key, never enough to use it.
pub fn masked(key: &ApiKey) -> String {
    format!("{}…", key.prefix)
}

/// Managing keys needs an administrator whose own credentials may write.
fn require_key_admin(actor: &Actor) -> Result<()> {
    require_admin(actor)?;
    actor.require_write()
}

impl Ferry {
    /// Makes a key acting as the caller. Returns the record and the raw key, shown once.
    pub async fn create_api_key(&self, actor: &Actor, new: NewApiKey) -> Result<(ApiKey, String)> {
        require_key_admin(actor)?;
        let Actor::User(user) = actor else {
            return Err(Error::invalid("actor", "a key must act as a user"));
        };
        let raw = format!("{KEY_PREFIX}{}", secret::new_token()?);
        let now = self.now_ms();
        let key = ApiKey {
            id: ApiKeyId::generate(),
            user_id: user.user_id,
            name: valid_name(&new.name)?,
            prefix: raw.chars().take(SHOWN).collect(),
            token_hash: secret::token_hash(&raw),
            scopes: valid_scopes(new.scopes)?,
            status: ApiKeyStatus::Active,
            created_ms: now,
            last_used_ms: None,
            expires_ms: new.expiry.expires_ms(now),
            revoked_ms: None,
        };
        let mut tx = self.meta.write().await?;
        tx.insert_api_key(&key).await?;
        tx.commit().await?;
        Ok((key, raw))
    }

    pub async fn list_api_keys(&self, actor: &Actor) -> Result<Vec<ApiKey>> {
        require_admin(actor)?;
        let mut tx = self.meta.read().await?;
        tx.list_api_keys().await
    }

    pub async fn api_key(&self, actor: &Actor, id: ApiKeyId) -> Result<ApiKey> {
        require_admin(actor)?;
        let mut tx = self.meta.read().await?;
        tx.api_key_by_id(id).await?.ok_or(Error::NotFound)
    }

    /// Renames, rescopes, disables or re-enables a key. A revoked key stays revoked.
    pub async fn update_api_key(
        &self,
        actor: &Actor,
        id: ApiKeyId,
        change: ApiKeyChange,
    ) -> Result<ApiKey> {
        require_key_admin(actor)?;
        let mut tx = self.meta.write().await?;
        let mut key = tx.api_key_by_id(id).await?.ok_or(Error::NotFound)?;
        if let Some(name) = change.name {
            key.name = valid_name(&name)?;
        }
        if let Some(scopes) = change.scopes {
            key.scopes = valid_scopes(scopes)?;
        }
        if let Some(status) = change.status {
            if status == ApiKeyStatus::Revoked {
                return Err(Error::invalid("status", "use revoke to revoke a key"));
            }
            if key.status == ApiKeyStatus::Revoked {
                return Err(Error::Conflict(
                    "a revoked key cannot be turned on again".into(),
                ));
            }
            key.status = status;
        }
        tx.update_api_key(&key).await?;
        tx.commit().await?;
        Ok(key)
    }

    /// Stops a key at once and keeps it for audit.
    pub async fn revoke_api_key(&self, actor: &Actor, id: ApiKeyId) -> Result<ApiKey> {
        require_key_admin(actor)?;
        let mut tx = self.meta.write().await?;
        let mut key = tx.api_key_by_id(id).await?.ok_or(Error::NotFound)?;
        if key.status != ApiKeyStatus::Revoked {
            key.status = ApiKeyStatus::Revoked;
            key.revoked_ms = Some(self.now_ms());
            tx.update_api_key(&key).await?;
        }
        tx.commit().await?;
        Ok(key)
    }

    /// Removes a key for good.
    pub async fn delete_api_key(&self, actor: &Actor, id: ApiKeyId) -> Result<()> {
        require_key_admin(actor)?;
        let mut tx = self.meta.write().await?;
        if !tx.delete_api_key(id).await? {
            return Err(Error::NotFound);
        }
        tx.commit().await
    }

    /// The caller behind a raw API key: active, unexpired, its user active. Anything else is
    /// `Unauthenticated`, alike, so a probe learns nothing about which keys exist.
    pub async fn authenticate_api_key(&self, raw: &str) -> Result<Actor> {
        if !raw.starts_with(KEY_PREFIX) {
            return Err(Error::Unauthenticated);
        }
        let now = self.now_ms();
        let mut tx = self.meta.read().await?;
        let key = tx
            .api_key_by_hash(&secret::token_hash(raw))
            .await?
            .filter(|k| effective_status(k, now) == "active")
            .ok_or(Error::Unauthenticated)?;
        let user = tx
            .user_by_id(key.user_id)
            .await?
            .filter(|u| u.is_active)
            .ok_or(Error::Unauthenticated)?;
        drop(tx);
        if key.last_used_ms.is_none_or(|t| now - t > TOUCH_EVERY_MS) {
            let mut tx = self.meta.write().await?;
            tx.touch_api_key(key.id, now).await?;
            tx.commit().await?;
        }
        Ok(Actor::User(UserActor {
            user_id: user.id,
            username: user.username,
            is_admin: user.is_admin,
            session_id: None,
            app_password_id: None,
            api_key: Some(KeyGrant {
                id: key.id,
                scopes: key.scopes,
            }),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_from_both_spellings() {
        assert_eq!(
            ApiScope::parse("Manage Clients"),
            Some(ApiScope::ManageClients)
        );
        assert_eq!(ApiScope::parse("full_access"), Some(ApiScope::FullAccess));
        assert_eq!(ApiScope::parse("READ"), Some(ApiScope::Read));
        assert_eq!(ApiScope::parse("root"), None);
    }

    #[test]
    fn only_the_offered_lifetimes() {
        assert_eq!(Expiry::from_days(None).ok(), Some(Expiry::Never));
        assert_eq!(Expiry::from_days(Some(90)).ok(), Some(Expiry::Days(90)));
        assert!(Expiry::from_days(Some(7)).is_err());
    }

    #[test]
    fn full_access_implies_write() {
        let grant = KeyGrant {
            id: ApiKeyId::generate(),
            scopes: vec![ApiScope::FullAccess],
        };
        assert!(grant.allows(ApiScope::Write));
        let read = KeyGrant {
            id: ApiKeyId::generate(),
            scopes: vec![ApiScope::Read],
        };
        assert!(!read.allows(ApiScope::Write));
    }
}
