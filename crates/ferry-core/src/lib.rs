//! Ferry's core: the one data model and the use cases every face calls.
//!
//! No web, SQL or cloud crate is used here; IO goes only through the ports in [`ports`].
//! Every use case takes the caller (`&Actor`) first and decides what it may do.

pub mod actor;
pub mod clock;
pub mod durability;
pub mod error;
pub mod ids;
pub mod model;
pub mod ports;

pub use actor::{Actor, UserActor};
pub use clock::{Clock, EpochMillis, ManualClock, SystemClock};
pub use durability::Durability;
pub use error::{Error, Result};
pub use ids::{GroupId, NodeId, SessionId, UserId};

pub mod accounts;
pub mod api_keys;
pub mod avatar;
pub mod devices;
pub mod features;
pub mod files;
pub mod groups;
mod login_cache;
pub mod names;
pub mod password;
pub mod provisioning;
pub mod rate_limit;
pub mod secret;
pub mod security;
mod service;
pub mod users;
pub mod webdrive;

pub use service::{CoreSettings, Ferry};
