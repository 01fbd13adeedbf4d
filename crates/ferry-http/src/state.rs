//! The state every handler gets: the core service, the server's public address and the
//! reverse proxies it trusts.

use std::sync::Arc;

use ferry_core::Ferry;

use crate::proxies::TrustedProxies;

#[derive(Clone)]
pub struct AppState {
    pub ferry: Ferry,
    /// The URL clients reach this server at, without a trailing slash (links, DAV hrefs).
    pub public_url: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: Arc<TrustedProxies>,
}

impl AppState {
    pub fn new(ferry: Ferry, public_url: impl Into<String>) -> Self {
        let mut public_url = public_url.into();
        while public_url.ends_with('/') {
            public_url.pop();
        }
        Self {
            ferry,
            public_url,
            trusted_proxies: Arc::default(),
        }
    }

    /// Believes `X-Forwarded-For` from these proxies.
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.trusted_proxies = Arc::new(proxies);
        self
    }
}
