//! `Ferry`: the service every face is handed. It owns the ports and nothing else;
//! use cases are methods in the area modules (`accounts`, `files`, …).

use std::sync::Arc;

use crate::clock::Clock;
use crate::ports::{BlobStore, MetaStore};

/// Tunables of the core, with the documented defaults.
#[derive(Clone, Debug)]
pub struct CoreSettings {
    /// How long a login session lasts (FileAgo: 24 hours).
    pub session_ttl_ms: i64,
    /// How long an upload token may wait before its upload starts (FileAgo: 5 seconds).
    pub upload_token_ttl_ms: i64,
    /// Requests one API key may make per minute (FileOnion: 100).
    pub api_key_requests_per_minute: u32,
    /// API requests one session, login or address may make per minute without an API key.
    pub api_requests_per_minute: u32,
    /// The classes (colours) a group tag may have (FileAgo: "the server's configured valid
    /// tag classes").
    pub tag_classes: Vec<String>,
}

impl Default for CoreSettings {
    fn default() -> Self {
        Self {
            session_ttl_ms: 24 * 60 * 60 * 1000,
            upload_token_ttl_ms: 5 * 1000,
            api_key_requests_per_minute: 100,
            api_requests_per_minute: 600,
            tag_classes: crate::groups::DEFAULT_TAG_CLASSES
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
        }
    }
}

#[derive(Clone)]
pub struct Ferry {
    pub(crate) meta: Arc<dyn MetaStore>,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) settings: CoreSettings,
    pub(crate) login_cache: Arc<crate::login_cache::LoginCache>,
    pub(crate) features: Arc<crate::features::FeatureCache>,
    pub(crate) folder_stats: Arc<crate::files::stats_cache::StatsCache>,
}

impl Ferry {
    pub fn new(
        meta: Arc<dyn MetaStore>,
        blobs: Arc<dyn BlobStore>,
        clock: Arc<dyn Clock>,
        settings: CoreSettings,
    ) -> Self {
        Self {
            meta,
            blobs,
            clock,
            settings,
            login_cache: Arc::default(),
            features: Arc::default(),
            folder_stats: Arc::default(),
        }
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Which metadata backend is plugged in ("sqlite", "postgres").
    pub fn meta_backend(&self) -> &'static str {
        self.meta.backend()
    }
}
