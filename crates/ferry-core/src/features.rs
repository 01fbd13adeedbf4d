//! Ferry's optional features, switchable at run time by administrators (Nextcloud's
//! "apps", as OCS `cloud/apps` shows them): each API face can be turned off, and a feature
//! that is off answers as if it were not there.
//!
//! The state lives in the database (`features`), so every instance agrees; each instance
//! reads it at most every [`STATE_TTL_MS`] for its request gate, and at once after it
//! changed the state itself.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::accounts::require_admin;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::service::Ferry;

/// How stale another instance's view of a change may be. Short enough that an
/// administrator sees a switch take effect everywhere within moments; long enough that
/// the gate costs no query per request.
pub const STATE_TTL_MS: i64 = 5_000;

/// One feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feature {
    /// The id clients use (`cloud/apps/{id}`).
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// False for what administrators need to switch features back on.
    pub can_disable: bool,
}

/// Every feature this build has. New ones (webhooks, records) add an entry here and a
/// prefix in the binary's gate.
pub const FEATURES: &[Feature] = &[
    Feature {
        id: "fileago",
        name: "FileAgo API",
        description: "The FileAgo v3 and v1 REST API: /auth, /api/…, uploads and downloads.",
        can_disable: true,
    },
    Feature {
        id: "fullio",
        name: "FulliO API",
        description: "The FulliO REST API: /v1/users and /v1/groups.",
        can_disable: true,
    },
    Feature {
        id: "fileonion",
        name: "FileOnion API",
        description: "The FileOnion REST API: /api/v2/api-keys and /api/v2/teams.",
        can_disable: true,
    },
    Feature {
        id: "webdav",
        name: "WebDAV",
        description: "WebDAV for sync clients: /remote.php/webdav, /remote.php/dav and WebDrive endpoints.",
        can_disable: true,
    },
    Feature {
        id: "provisioning_api",
        name: "Provisioning API",
        description: "The OCS API (users, groups, apps). Always on: it is how features are switched back on.",
        can_disable: false,
    },
];

/// The feature `id` names; `NotFound` for anything else.
pub fn feature(id: &str) -> Result<&'static Feature> {
    FEATURES.iter().find(|f| f.id == id).ok_or(Error::NotFound)
}

/// The gate's copy of the switched states, and when it was read.
#[derive(Default)]
pub(crate) struct FeatureCache {
    states: Mutex<Option<(i64, HashMap<String, bool>)>>,
}

impl FeatureCache {
    fn get(&self, now: i64) -> Option<HashMap<String, bool>> {
        let guard = self.states.lock().ok()?;
        match &*guard {
            Some((read, states)) if now - read < STATE_TTL_MS && now >= *read => {
                Some(states.clone())
            }
            _ => None,
        }
    }

    /// Whether `id` is on, when the copy is fresh (no copy of the map: every request asks).
    fn enabled(&self, now: i64, id: &str) -> Option<bool> {
        let guard = self.states.lock().ok()?;
        match &*guard {
            Some((read, states)) if now - read < STATE_TTL_MS && now >= *read => {
                Some(states.get(id).copied().unwrap_or(true))
            }
            _ => None,
        }
    }

    fn put(&self, now: i64, states: HashMap<String, bool>) {
        if let Ok(mut guard) = self.states.lock() {
            *guard = Some((now, states));
        }
    }

    fn forget(&self) {
        if let Ok(mut guard) = self.states.lock() {
            *guard = None;
        }
    }
}

impl Ferry {
    async fn feature_states(&self) -> Result<HashMap<String, bool>> {
        let now = self.now_ms();
        if let Some(states) = self.features.get(now) {
            return Ok(states);
        }
        let mut tx = self.meta.read().await?;
        let states: HashMap<String, bool> = tx.feature_states().await?.into_iter().collect();
        drop(tx);
        self.features.put(now, states.clone());
        Ok(states)
    }

    /// Whether a feature is on, for the request gate (no caller: every request asks).
    /// Unknown ids are on: the gate only asks about features it knows.
    pub async fn feature_enabled(&self, id: &str) -> Result<bool> {
        if let Some(on) = self.features.enabled(self.now_ms(), id) {
            return Ok(on);
        }
        Ok(self
            .feature_states()
            .await?
            .get(id)
            .copied()
            .unwrap_or(true))
    }

    /// Every feature with whether it is on (administrators only).
    pub async fn list_features(&self, actor: &Actor) -> Result<Vec<(&'static Feature, bool)>> {
        require_admin(actor)?;
        self.features.forget();
        let states = self.feature_states().await?;
        Ok(FEATURES
            .iter()
            .map(|f| (f, states.get(f.id).copied().unwrap_or(true)))
            .collect())
    }

    /// Switches a feature on or off (administrators with write access only). Switching off
    /// one that cannot be is refused as bad input.
    pub async fn set_feature_enabled(&self, actor: &Actor, id: &str, enabled: bool) -> Result<()> {
        require_admin(actor)?;
        actor.require_write()?;
        let feature = feature(id)?;
        if !enabled && !feature.can_disable {
            return Err(Error::invalid(
                "app",
                format!("{} cannot be disabled", feature.id),
            ));
        }
        let mut tx = self.meta.write().await?;
        tx.set_feature_state(feature.id, enabled, self.now_ms())
            .await?;
        tx.commit().await?;
        self.features.forget();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_known() {
        for (i, f) in FEATURES.iter().enumerate() {
            assert!(FEATURES[i + 1..].iter().all(|g| g.id != f.id));
            assert_eq!(feature(f.id).map(|g| g.id).ok(), Some(f.id));
        }
        assert!(feature("calendar").is_err());
    }

    #[test]
    fn the_cache_expires() {
        let cache = FeatureCache::default();
        cache.put(1_000, HashMap::from([("webdav".to_owned(), false)]));
        assert!(cache.get(1_000 + STATE_TTL_MS - 1).is_some());
        assert!(cache.get(1_000 + STATE_TTL_MS).is_none());
        assert!(cache.get(999).is_none());
        cache.forget();
        assert!(cache.get(1_000).is_none());
    }
}
