//! Connections to the one database file, lent out one per transaction, and the transaction
//! itself: begun on lending, rolled back when dropped unfinished.

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ferry_core::Durability;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::lite::{LiteConn, LiteError};

/// Prepared statements kept per connection: every statement the store runs stays prepared
/// (the store has more than a hundred).
const STATEMENT_CACHE: usize = 512;

/// How long a writer waits for another process's write lock before giving up with an
/// error. Writers of this process queue on the store's write gate instead.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The connections: at most `size` lent at once, idle ones kept for the next transaction.
#[derive(Clone, Debug)]
pub struct Pool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    durability: Durability,
    size: u32,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    /// Stops the checkpoint thread when dropped (see `checkpoint`).
    checkpointer: Mutex<Option<std::sync::mpsc::Sender<()>>>,
}

/// Whether a transaction may write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Read,
    /// `BEGIN IMMEDIATE`: takes the write lock at once. A deferred transaction that reads
    /// first and writes later can fail with SQLITE_BUSY at its first write, which no wait
    /// avoids.
    Write,
}

impl Pool {
    /// The pool for the database at `path`, with its checkpoint thread started.
    pub fn new(path: PathBuf, durability: Durability, size: u32) -> std::io::Result<Pool> {
        let checkpointer = crate::checkpoint::start(&path)?;
        Ok(Pool {
            inner: Arc::new(Inner {
                path,
                durability,
                size,
                idle: Mutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(size as usize)),
                checkpointer: Mutex::new(Some(checkpointer)),
            }),
        })
    }

    /// A new connection with the store's settings. The database is already in WAL mode
    /// (the migration connection set it, and it stays with the file).
    fn connect(&self) -> Result<Connection, LiteError> {
        let conn = open_file(&self.inner.path)?;
        let synchronous = match self.inner.durability {
            // FULL syncs the WAL on every commit: a commit the caller saw survives power loss.
            Durability::Strict => "FULL",
            // NORMAL syncs only at checkpoints: in WAL mode never corrupt, but the last
            // commits may be lost on power loss.
            Durability::Relaxed => "NORMAL",
        };
        conn.pragma_update(None, "synchronous", synchronous)?;
        // Off by default in SQLite; the schema relies on cascades and parent checks.
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Checkpoints are the checkpoint thread's; this is only its backstop.
        conn.pragma_update(
            None,
            "wal_autocheckpoint",
            crate::checkpoint::BACKSTOP_PAGES,
        )?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // 8 MiB of pages per connection (SQLite's default is 2 MiB): listing a folder of
        // 10,000 files reads a few thousand pages, which otherwise came back through a
        // pread each on every listing (W3 50 -> 45 ms).
        conn.pragma_update(None, "cache_size", -8192_i64)?;
        Ok(conn)
    }

    /// Lends a connection, waiting while all are lent.
    pub async fn lease(&self) -> Result<Lease, LiteError> {
        let permit = Arc::clone(&self.inner.permits)
            .acquire_owned()
            .await
            .map_err(|_| LiteError::Closed)?;
        let idle = self.inner.idle().pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.connect()?,
        };
        Ok(Lease {
            conn: Some(LiteConn(conn)),
            pool: Arc::clone(&self.inner),
            _permit: permit,
        })
    }

    /// Begins a transaction on a lent connection. Both kinds begin on this thread: a
    /// deferred BEGIN takes no lock, and an immediate one finds the lock free, since this
    /// process's writers queue on the store's gate first (only another process's writer
    /// can make it wait, up to the busy timeout).
    pub async fn begin(&self, mode: Mode) -> Result<LiteTx, LiteError> {
        let lease = self.lease().await?;
        let sql = match mode {
            Mode::Read => "BEGIN",
            Mode::Write => "BEGIN IMMEDIATE",
        };
        lease.0.execute_batch(sql)?;
        Ok(LiteTx {
            lease,
            mode,
            open: true,
        })
    }

    /// Waits until every connection is back, then closes them all (the last one to close
    /// checkpoints the WAL into the database file). Later leases fail.
    pub async fn close(&self) {
        if let Ok(all) = self.inner.permits.acquire_many(self.inner.size).await {
            self.inner.idle().clear();
            all.forget();
        }
        self.inner.permits.close();
        self.inner
            .checkpointer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

impl Inner {
    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // A panic while holding this lock cannot leave the list half-changed.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Opens the database file as every connection of the store does (no create: sqlx made
/// it; no SQLite mutex: a connection is used by one thread at a time).
pub(crate) fn open_file(path: &std::path::Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// A lent connection; back to the pool when dropped.
pub struct Lease {
    /// `None` only while a commit runs on the blocking pool, or after a connection was
    /// given up.
    conn: Option<LiteConn>,
    pool: Arc<Inner>,
    _permit: OwnedSemaphorePermit,
}

impl Deref for Lease {
    type Target = LiteConn;
    fn deref(&self) -> &LiteConn {
        // Only `commit` takes the connection out, and it consumes the transaction.
        self.conn.as_ref().expect("a lease holds its connection")
    }
}

impl DerefMut for Lease {
    fn deref_mut(&mut self) -> &mut LiteConn {
        self.conn.as_mut().expect("a lease holds its connection")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(LiteConn(conn)) = self.conn.take() {
            self.pool.idle().push(conn);
        }
    }
}

/// One transaction on a lent connection.
pub struct LiteTx {
    lease: Lease,
    mode: Mode,
    /// Still to be committed or rolled back.
    open: bool,
}

impl Deref for LiteTx {
    type Target = LiteConn;
    fn deref(&self) -> &LiteConn {
        &self.lease
    }
}

impl DerefMut for LiteTx {
    fn deref_mut(&mut self) -> &mut LiteConn {
        &mut self.lease
    }
}

impl LiteTx {
    /// Commits. A write under strict durability syncs the WAL, so that commit runs on the
    /// blocking pool instead of holding up the async worker; everything else commits here.
    pub async fn commit(mut self) -> Result<(), LiteError> {
        self.open = false;
        let synced = self.mode == Mode::Write && self.lease.pool.durability == Durability::Strict;
        if !synced {
            return Ok(commit_or_roll_back(&self.lease.0)?);
        }
        let Some(LiteConn(conn)) = self.lease.conn.take() else {
            return Err(LiteError::Closed);
        };
        let (conn, done) = tokio::task::spawn_blocking(move || {
            let done = commit_or_roll_back(&conn);
            (conn, done)
        })
        .await
        .map_err(|e| LiteError::Lost(e.to_string()))?;
        self.lease.conn = Some(LiteConn(conn));
        Ok(done?)
    }
}

/// COMMIT; if that fails and leaves the transaction open (SQLite may), it is rolled back,
/// so the connection goes back to the pool outside any transaction.
fn commit_or_roll_back(conn: &Connection) -> rusqlite::Result<()> {
    let done = conn.execute_batch("COMMIT");
    if done.is_err() && !conn.is_autocommit() {
        // The COMMIT's error is the one to report.
        let _ = conn.execute_batch("ROLLBACK");
    }
    done
}

impl Drop for LiteTx {
    fn drop(&mut self) {
        if !self.open {
            return;
        }
        let rolled_back = self
            .lease
            .conn
            .as_ref()
            .map(|conn| conn.0.execute_batch("ROLLBACK"));
        if let Some(Err(e)) = rolled_back {
            // A connection that cannot roll back may still be inside the transaction;
            // closing it is the rollback (SQLite undoes what was not committed).
            tracing::warn!(error = %e, "sqlite rollback failed; closing the connection");
            self.lease.conn = None;
        }
    }
}
