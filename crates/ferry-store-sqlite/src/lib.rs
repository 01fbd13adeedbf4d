//! Ferry's metadata store on SQLite: one file, WAL mode, fully synced commits by default.
//!
//! The queries are shared with the PostgreSQL store (see `ferry_store_sql`); this crate
//! only opens the database, migrates it and begins transactions.

mod checkpoint;
pub mod lite;
mod pool;
mod rows;

use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use ferry_core::ports::{MetaStore, MetaTx};
use ferry_core::{Durability, Result};
use ferry_store_sql::{db_err_in, migrate_err};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::pool::{LiteTx, Mode, Pool};

/// Connections in the pool. Readers run in parallel under WAL; writers queue on the
/// database's write lock anyway, so more would only hold more file handles.
const MAX_CONNECTIONS: u32 = 8;

/// The metadata store over one SQLite database file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: Pool,
    /// One writer at a time in this process. SQLite allows one writer anyway; without the
    /// gate, concurrent `BEGIN IMMEDIATE`s meet SQLITE_BUSY and SQLite's busy handler
    /// sleeps them in steps of up to 100 ms (and here it would sleep an async worker).
    /// Waiting here is a queue instead. The busy timeout still covers writers in other
    /// processes (the CLI beside a running server).
    write_gate: Arc<Semaphore>,
}

/// A transaction and, for a write, the gate's permit, released when the transaction ends
/// (commit, rollback or drop).
struct SqliteTx(
    LiteTx,
    #[expect(dead_code, reason = "held only for its Drop, which opens the gate")]
    Option<OwnedSemaphorePermit>,
);

ferry_store_sql::impl_meta_tx!(SqliteTx, driver = crate::lite);

impl SqliteStore {
    /// Opens (creating the file if missing) and migrates the database at `url`,
    /// e.g. `sqlite:///var/lib/ferry/ferry.db` or `sqlite://data/ferry.db`.
    pub async fn open(url: &str) -> Result<SqliteStore> {
        Self::open_durable(url, Durability::Strict).await
    }

    /// Like [`SqliteStore::open`], syncing the WAL on every commit (strict) or only at
    /// checkpoints (relaxed: `synchronous=NORMAL`, which in WAL mode never corrupts the
    /// database but may lose the last commits on power loss).
    pub async fn open_durable(url: &str, durability: Durability) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| db_err_in("parse the sqlite url", e))?
            .create_if_missing(true)
            // WAL lets readers go on while one writer writes; the mode stays with the file.
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true);
        let path = options.get_filename().to_owned();
        if path.as_os_str() == ":memory:" {
            return Err(ferry_core::Error::invalid(
                "database-url",
                "an in-memory SQLite database cannot be shared by the store's connections",
            ));
        }
        // sqlx creates the file and runs the migrations; the store's own connections
        // (rusqlite, see `lite`) do everything after.
        let mut migrator = options
            .connect()
            .await
            .map_err(|e| db_err_in("open the sqlite database", e))?;
        sqlx::migrate!("./migrations")
            .run(&mut migrator)
            .await
            .map_err(migrate_err)?;
        migrator
            .close()
            .await
            .map_err(|e| db_err_in("close the migration connection", e))?;
        tracing::debug!(url, "sqlite metadata store open");
        Ok(SqliteStore {
            pool: Pool::new(path, durability, MAX_CONNECTIONS).map_err(|e| {
                ferry_core::Error::internal(format!("start the sqlite checkpoint thread: {e}"))
            })?,
            write_gate: Arc::new(Semaphore::new(1)),
        })
    }

    /// Whether SQLite finds the file sound (`PRAGMA integrity_check`) and every foreign key
    /// satisfied (`PRAGMA foreign_key_check`).
    pub async fn integrity_check(&self) -> Result<bool> {
        let mut lease = self
            .pool
            .lease()
            .await
            .map_err(|e| db_err_in("integrity_check", e))?;
        let report: Vec<String> = lite::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut *lease)
            .into_inner()
            .map_err(|e| db_err_in("integrity_check", e))?;
        if report != ["ok"] {
            tracing::warn!(?report, "sqlite integrity check failed");
            return Ok(false);
        }
        let violations: Vec<String> = lite::query_scalar("PRAGMA foreign_key_check")
            .fetch_all(&mut *lease)
            .into_inner()
            .map_err(|e| db_err_in("foreign_key_check", e))?;
        if !violations.is_empty() {
            tracing::warn!(count = violations.len(), "sqlite foreign key check failed");
            return Ok(false);
        }
        Ok(true)
    }

    /// Waits for the connections to finish and closes them (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl MetaStore for SqliteStore {
    async fn read(&self) -> Result<Box<dyn MetaTx>> {
        let tx = self
            .pool
            .begin(Mode::Read)
            .await
            .map_err(|e| db_err_in("begin read", e))?;
        Ok(Box::new(SqliteTx(tx, None)))
    }

    async fn write(&self) -> Result<Box<dyn MetaTx>> {
        // The permit is taken before a connection, so queued writers do not hold
        // connections readers need.
        let permit = Arc::clone(&self.write_gate)
            .acquire_owned()
            .await
            // Only a closed semaphore fails, and this one is never closed.
            .map_err(|e| ferry_core::Error::internal(format!("write gate: {e}")))?;
        let tx = self
            .pool
            .begin(Mode::Write)
            .await
            .map_err(|e| db_err_in("begin write", e))?;
        Ok(Box::new(SqliteTx(tx, Some(permit))))
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
