//! The one place that knows the concrete backends: picks them at run time from the settings.

use std::sync::Arc;

use anyhow::Context;
use ferry_blob::FsBlobStore;
use ferry_core::ports::{BlobStore, MetaStore};
use ferry_core::{Clock, CoreSettings, Durability, Ferry};
use ferry_store_postgres::PgStore;
use ferry_store_sqlite::SqliteStore;

use crate::settings::{DatabaseUrl, StorageUrl, StoreSettings};

pub async fn open_meta(
    database: &DatabaseUrl,
    durability: Durability,
) -> anyhow::Result<Arc<dyn MetaStore>> {
    Ok(match database {
        DatabaseUrl::Sqlite(url) => Arc::new(
            SqliteStore::open_durable(url, durability)
                .await
                .with_context(|| format!("cannot open the SQLite database {url}"))?,
        ),
        DatabaseUrl::Postgres(url) => Arc::new(
            PgStore::open_durable(url, durability)
                .await
                .context("cannot open the PostgreSQL database (see --database-url)")?,
        ),
    })
}

pub fn open_blobs(
    storage: &StorageUrl,
    durability: Durability,
) -> anyhow::Result<Arc<dyn BlobStore>> {
    Ok(match storage {
        StorageUrl::Fs(path) => Arc::new(
            FsBlobStore::open(path)
                .with_context(|| format!("cannot open the content store at {}", path.display()))?
                .with_durability(durability),
        ),
    })
}

/// Opens both stores (creating the data folder when the defaults live in it) and builds the
/// core with the default core settings.
pub async fn open_ferry(stores: &StoreSettings, clock: Arc<dyn Clock>) -> anyhow::Result<Ferry> {
    open_ferry_with(stores, clock, CoreSettings::default()).await
}

/// As [`open_ferry`], with chosen core settings.
pub async fn open_ferry_with(
    stores: &StoreSettings,
    clock: Arc<dyn Clock>,
    core: CoreSettings,
) -> anyhow::Result<Ferry> {
    std::fs::create_dir_all(&stores.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            stores.data_dir.display()
        )
    })?;
    let meta = open_meta(&stores.database, stores.durability).await?;
    let blobs = open_blobs(&stores.storage, stores.durability)?;
    Ok(Ferry::new(meta, blobs, clock, core))
}
