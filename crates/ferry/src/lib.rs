//! The `ferry` binary's library half: settings, wiring of the concrete backends, the HTTP
//! application and the commands. Kept as a library so integration tests can start the
//! very same server in-process.

pub mod admin;
pub mod admin_groups;
pub mod app;
pub mod cli;
pub mod client_address;
pub mod faces;
pub mod feature_gate;
pub mod rate_limit;
pub mod serve;
pub mod settings;
pub mod wiring;

use crate::cli::StoreArgs;
use crate::settings::{
    SettingError, StoreSettings, parse_database, parse_durability, parse_storage,
};

impl StoreArgs {
    pub fn settings(&self) -> Result<StoreSettings, SettingError> {
        Ok(StoreSettings {
            data_dir: self.data_dir.clone(),
            database: parse_database(self.database_url.as_deref(), &self.data_dir)?,
            storage: parse_storage(self.storage.as_deref(), &self.data_dir)?,
            durability: parse_durability(&self.durability)?,
        })
    }
}
