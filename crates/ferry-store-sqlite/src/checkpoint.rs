//! Checkpoints off the request path: a thread of the store's own copies the WAL back into
//! the database file once the WAL has grown past [`WAL_THRESHOLD`].
//!
//! SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 pages: that
//! request (on an async worker) then writes a few MB and, even under relaxed durability,
//! fsyncs twice. Measured on 4 KiB PUTs: a checkpoint every ~50 uploads, about a fifth of the
//! store's time. Here a passive checkpoint (it never waits for, nor blocks, readers or the
//! writer) runs on its own thread, and less often, so pages written by many commits in a row
//! (a folder's row, the counters, the right edge of an index) are copied back once. The
//! connections keep SQLite's automatic checkpoint only as a backstop, far above the threshold.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use rusqlite::Connection;

/// WAL size past which the thread checkpoints.
const WAL_THRESHOLD: u64 = 16 * 1024 * 1024;

/// How often the thread looks at the WAL's size.
const POLL: Duration = Duration::from_millis(25);

/// Pages after which a committing connection checkpoints itself anyway (SQLite's own
/// mechanism), should this thread fall behind or be gone: 64 MiB of 4 KiB pages.
pub const BACKSTOP_PAGES: u32 = 64 * 1024;

/// Starts the thread for the database at `path`. It stops when the returned sender is
/// dropped (the store closed or gone).
pub fn start(path: &Path) -> std::io::Result<Sender<()>> {
    start_with(path, WAL_THRESHOLD)
}

fn start_with(path: &Path, threshold: u64) -> std::io::Result<Sender<()>> {
    let (stop, stopped) = mpsc::channel::<()>();
    let wal = wal_path(path);
    let path = path.to_path_buf();
    std::thread::Builder::new()
        .name("ferry-sqlite-checkpoint".into())
        .spawn(move || {
            let mut conn = None;
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(POLL) {
                let grown = std::fs::metadata(&wal).is_ok_and(|m| m.len() > threshold);
                if grown && let Err(e) = checkpoint(&path, &mut conn) {
                    tracing::warn!(error = %e, "sqlite checkpoint failed");
                    conn = None;
                }
            }
        })?;
    Ok(stop)
}

fn wal_path(path: &Path) -> PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

/// One passive checkpoint, on the thread's connection (opened on first use).
fn checkpoint(path: &Path, conn: &mut Option<Connection>) -> rusqlite::Result<()> {
    let conn = match conn {
        Some(conn) => conn,
        None => conn.insert(crate::pool::open_file(path)?),
    };
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grown_wal_is_copied_into_the_database_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).expect("open");
        conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
            .expect("wal");
        conn.pragma_update(None, "wal_autocheckpoint", 0)
            .expect("no automatic checkpoints");
        conn.execute_batch("CREATE TABLE t (v BLOB)")
            .expect("table");
        for _ in 0..64 {
            conn.execute("INSERT INTO t VALUES (zeroblob(4096))", [])
                .expect("insert");
        }
        let db_size = || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let before = db_size();
        assert!(std::fs::metadata(wal_path(&path)).is_ok_and(|m| m.len() > 64 * 1024));

        let stop = start_with(&path, 64 * 1024).expect("thread");
        let copied = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            db_size() > before + 64 * 4096
        });
        drop(stop);
        assert!(copied, "database file stayed at {} bytes", db_size());
    }
}
