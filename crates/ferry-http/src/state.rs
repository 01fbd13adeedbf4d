//! The state every handler gets: the core service and the server's public address.

use ferry_core::Ferry;

#[derive(Clone)]
pub struct AppState {
    pub ferry: Ferry,
    /// The URL clients reach this server at, without a trailing slash (links, DAV hrefs).
    pub public_url: String,
}

impl AppState {
    pub fn new(ferry: Ferry, public_url: impl Into<String>) -> Self {
        let mut public_url = public_url.into();
        while public_url.ends_with('/') {
            public_url.pop();
        }
        Self { ferry, public_url }
    }
}
