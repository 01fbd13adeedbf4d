//! Remembers recently verified password logins so clients that send HTTP Basic on every
//! request (WebDAV, OCS) do not pay for argon2 each time.
//!
//! It is a cache of a verification, not shared state: every hit is re-checked against the
//! user's current password hash in the database, so a password change or a disabled
//! account takes effect at once on every instance.

use std::collections::HashMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::ids::UserId;

/// How long a verified login is remembered.
const TTL_MS: i64 = 5 * 60 * 1000;
/// Most entries kept; past it, expired ones are dropped, then everything.
const CAPACITY: usize = 10_000;

#[derive(Clone, Debug)]
pub(crate) struct Verified {
    pub user_id: UserId,
    /// The password hash the login was verified against.
    pub password_hash: String,
    expires_ms: i64,
}

#[derive(Default)]
pub(crate) struct LoginCache {
    entries: Mutex<HashMap<[u8; 32], Verified>>,
}

fn key(login: &str, password: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(login.as_bytes());
    hasher.update([0u8]);
    hasher.update(password.as_bytes());
    hasher.finalize().into()
}

impl LoginCache {
    pub fn get(&self, login: &str, password: &str, now_ms: i64) -> Option<Verified> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&key(login, password))
            .filter(|v| v.expires_ms > now_ms)
            .cloned()
    }

    pub fn put(
        &self,
        login: &str,
        password: &str,
        user_id: UserId,
        password_hash: String,
        now_ms: i64,
    ) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY {
            entries.retain(|_, v| v.expires_ms > now_ms);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            key(login, password),
            Verified {
                user_id,
                password_hash,
                expires_ms: now_ms + TTL_MS,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_only_the_exact_pair_for_a_while() {
        let cache = LoginCache::default();
        let id = UserId::generate();
        cache.put("alice", "pw", id, "hash".into(), 0);
        assert_eq!(cache.get("alice", "pw", 1).map(|v| v.user_id), Some(id));
        assert!(cache.get("alice", "other", 1).is_none());
        assert!(cache.get("alic", "epw", 1).is_none());
        assert!(cache.get("alice", "pw", TTL_MS + 1).is_none());
    }
}
