//! HTTP plumbing every face shares: the application state, credentials → `Actor`, bounded
//! body reading, and serving file content with ETag and Range.
//!
//! Faces decide nothing here: permission checks live in core; this crate only carries
//! requests to core and bytes back.

pub mod body;
pub mod content;
pub mod credentials;
pub mod errors;
pub mod proxies;
pub mod state;

pub use state::AppState;
