//! What Ferry's SQLite and PostgreSQL metadata stores share: the row types, the mapping of
//! driver errors, the SQL text and the [`impl_meta_tx!`] macro that turns them into a
//! [`ferry_core::ports::MetaTx`] for either backend's transaction.
//!
//! The backends differ only in how they connect, begin transactions and migrate; every
//! query is written once, in [`sql`], in the dialect both databases accept.

mod error;
mod group_rows;
mod macros;
mod rows;
pub mod sql;
mod upload_rows;
mod user_rows;

pub use error::{DriverError, db_err, db_err_in, migrate_err};
pub use group_rows::{
    GroupMemberRow, GroupRow, GroupTagRow, GroupWithMembershipRow, MembershipRow, OutgoingMailRow,
    permissions_text,
};
pub use rows::{ApiKeyRow, AppPasswordRow, LoginFlowRow, WebDriveRow, owner_columns, scopes_text};
pub use rows::{
    DavLockRow, DeadPropRow, NodeEntryRow, NodeRow, NodeStatsRow, SessionRow, UploadTokenRow,
    UserRow, VersionRow, convert_all, email_key,
};
pub use upload_rows::{UploadPartRow, UploadSessionRow};
pub use user_rows::{LoginEventRow, TotpRow, UserDetailsRow};

/// What [`impl_meta_tx!`] expands to refers to, so the backend crates need not name these
/// crates themselves.
#[doc(hidden)]
pub mod __private {
    pub use async_trait::async_trait;
    pub use ferry_core;
    pub use sqlx;
}
