//! Ferry's metadata store on SQLite: one file, WAL mode, fully synced commits by default.
//!
//! The queries are shared with the PostgreSQL store (see `ferry_store_sql`); this crate
//! only opens the database, migrates it and begins transactions.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ferry_core::ports::{MetaStore, MetaTx};
use ferry_core::{Durability, Result};
use ferry_store_sql::{db_err_in, migrate_err};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Connections in the pool. Readers run in parallel under WAL; writers queue on the
/// database's write lock anyway, so more would only hold more file handles.
const MAX_CONNECTIONS: u32 = 8;

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 512;

/// How long a writer waits for another writer's lock before giving up with an error.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The metadata store over one SQLite database file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// One writer at a time in this process. SQLite allows one writer anyway; without the
    /// gate, concurrent `BEGIN IMMEDIATE`s meet SQLITE_BUSY and SQLite's busy handler
    /// sleeps them in steps of up to 100 ms, so a burst of small PUTs spent most of its time
    /// asleep. Waiting here is a queue instead. The busy timeout still covers writers in
    /// other processes (the CLI beside a running server).
    write_gate: Arc<Semaphore>,
}

/// A transaction and, for a write, the gate's permit, released when the transaction ends
/// (commit, rollback or drop).
struct SqliteTx(
    Transaction<'static, Sqlite>,
    #[expect(dead_code, reason = "held only for its Drop, which opens the gate")]
    Option<OwnedSemaphorePermit>,
);

ferry_store_sql::impl_meta_tx!(SqliteTx);

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
        let synchronous = match durability {
            Durability::Strict => SqliteSynchronous::Full,
            Durability::Relaxed => SqliteSynchronous::Normal,
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| db_err_in("parse the sqlite url", e))?
            .create_if_missing(true)
            // WAL lets readers go on while one writer writes.
            .journal_mode(SqliteJournalMode::Wal)
            // FULL syncs the WAL on every commit: a commit the caller saw survives power loss.
            .synchronous(synchronous)
            // Off by default in SQLite; the schema relies on cascades and parent checks.
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            // Every statement Ferry runs stays prepared (sqlx's default of 100 is fewer than
            // the store's statements, and an evicted one is prepared again on its next use).
            .statement_cache_capacity(STATEMENT_CACHE);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            // A file on local disk does not drop connections the way a network does; the
            // check before each acquire would be one more hop to the connection's thread
            // for every transaction.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|e| db_err_in("open the sqlite database", e))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(migrate_err)?;
        tracing::debug!(url, "sqlite metadata store open");
        Ok(SqliteStore {
            pool,
            write_gate: Arc::new(Semaphore::new(1)),
        })
    }

    /// Whether SQLite finds the file sound (`PRAGMA integrity_check`) and every foreign key
    /// satisfied (`PRAGMA foreign_key_check`).
    pub async fn integrity_check(&self) -> Result<bool> {
        let report: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| db_err_in("integrity_check", e))?;
        if report != ["ok"] {
            tracing::warn!(?report, "sqlite integrity check failed");
            return Ok(false);
        }
        let violations = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&self.pool)
            .await
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
            .begin()
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
        // IMMEDIATE takes the write lock now. A deferred transaction that reads first and
        // writes later can fail with SQLITE_BUSY at its first write, which no wait avoids.
        let tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| db_err_in("begin write", e))?;
        Ok(Box::new(SqliteTx(tx, Some(permit))))
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
