//! One conformance story for every [`MetaStore`] backend: [`run_story`] drives each
//! `MetaTx` method through its contract and panics at the first broken promise.
//!
//! The backends' own tests (`tests/story.rs`) run it on a fresh database each. Every part
//! of the story makes its own users and trees with unique names, so the parts do not see
//! each other and the order they run in does not matter.

// This crate is test code: a panic with the failing value is exactly the report we want.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use ferry_core::ports::MetaStore;

mod api_keys;
mod cascade;
mod dav;
mod devices;
mod features;
pub mod fixtures;
mod groups;
mod member_defaults;
mod sessions;
mod transactions;
mod trash_stars;
mod tree;
mod uploads;
mod user_security;
mod users;
mod versions;
mod webdrive;

/// Runs the whole story against `store`, which should be empty or hold only what earlier
/// runs of the story left.
pub async fn run_story(store: Arc<dyn MetaStore>) {
    let store = store.as_ref();
    assert!(!store.backend().is_empty());
    transactions::story(store).await;
    users::story(store).await;
    sessions::story(store).await;
    devices::story(store).await;
    api_keys::story(store).await;
    groups::story(store).await;
    tree::story(store).await;
    trash_stars::story(store).await;
    versions::story(store).await;
    cascade::story(store).await;
    dav::story(store).await;
    uploads::story(store).await;
    user_security::story(store).await;
    webdrive::story(store).await;
    features::story(store).await;
    member_defaults::story(store).await;
}
