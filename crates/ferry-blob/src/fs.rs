//! A [`BlobStore`] on the local disk.
//!
//! Layout under the root:
//!
//! ```text
//! <root>/staging/<uuid>.part          writes in progress (or left behind by a crash)
//! <root>/sha256/ab/ab…(64 hex)       committed blobs, fanned out by the hash's first two chars
//! ```
//!
//! A write streams into a staging file while it is hashed, is flushed and (under strict
//! durability) fsynced, and is then renamed to its final name, so a reader never sees a partial blob under a hash.
//! Memory stays bounded: bytes pass through a fixed-size buffer and are never collected.
//!
//! A blob that fits in that buffer never opens its staging file until it is committed: the
//! commit then writes, syncs and renames it in one trip to the blocking pool, where a
//! streamed write takes one trip per step (open, flush, sync, rename). Most files people
//! sync are small, and for them the trips were a large part of a PUT.

use std::io::{self, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use bytes::Bytes;
use data_encoding::HEXLOWER;
use ferry_core::clock::EpochMillis;
use ferry_core::ports::{BlobInfo, BlobStore, BlobWriter, ByteRange, ByteStream, StagedBlob};
use ferry_core::{Durability, Error, Result};
use futures::StreamExt;
use sha2::{Digest, Sha256};
use tokio::fs::{File, OpenOptions};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufWriter};
use tokio_util::io::ReaderStream;

mod layout;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

use layout::{blob_path, is_fanout_name, rename_into_place, sync_dirs};

/// Buffer between `write` calls and the staging file, so many tiny chunks make few syscalls.
const WRITE_BUFFER: usize = 256 * 1024;
/// Size of the chunks a read yields.
const READ_CHUNK: usize = 64 * 1024;
/// Length of a SHA-256 in hex.
const HASH_HEX_LEN: usize = 64;
/// Directory of staged writes, under the root.
const STAGING_DIR: &str = "staging";
/// Directory of committed blobs, under the root.
const OBJECTS_DIR: &str = "sha256";
/// Extension of staged writes.
const PART_EXT: &str = "part";

/// Content-addressed blobs in a directory tree (see the module docs for the layout).
#[derive(Clone, Debug)]
pub struct FsBlobStore {
    root: PathBuf,
    staging: PathBuf,
    objects: PathBuf,
    /// Whether writes are fsynced (file and folders) before they count as done.
    sync: bool,
}

impl FsBlobStore {
    /// Opens the store at `root`, creating `staging/` and `sha256/` if missing and moving
    /// blobs of the old two-level layout to the current one.
    ///
    /// Synchronous on purpose: it runs once at start-up, before anything is served.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        let staging = root.join(STAGING_DIR);
        let objects = root.join(OBJECTS_DIR);
        for dir in [&staging, &objects] {
            std::fs::create_dir_all(dir)
                .map_err(|e| io_error("creating blob directory", dir, e))?;
        }
        layout::flatten_legacy(&objects)?;
        Ok(Self {
            root,
            staging,
            objects,
            sync: true,
        })
    }

    /// Chooses whether writes are fsynced ([`Durability::Strict`], the default) or left to
    /// the operating system's writeback ([`Durability::Relaxed`]). Either way a blob gets
    /// its name only when whole, so a process crash never leaves a torn one.
    pub fn with_durability(mut self, durability: Durability) -> Self {
        self.sync = durability.syncs();
        self
    }

    /// The directory the store lives in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a committed blob lives; `hash` must already be validated.
    fn blob_path(&self, hash: &str) -> PathBuf {
        blob_path(&self.objects, hash)
    }
}

#[async_trait]
impl BlobStore for FsBlobStore {
    async fn writer(&self) -> Result<Box<dyn BlobWriter>> {
        Ok(Box::new(FsBlobWriter {
            target: Target::Buffer(Vec::new()),
            staging_dir: self.staging.clone(),
            objects: self.objects.clone(),
            hasher: Sha256::new(),
            written: 0,
            sync: self.sync,
        }))
    }

    async fn read(&self, content_hash: &str, range: Option<ByteRange>) -> Result<ByteStream> {
        validate_hash(content_hash)?;
        let path = self.blob_path(content_hash);
        let mut file = match File::open(&path).await {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Error::NotFound),
            Err(e) => return Err(io_error("opening blob", &path, e)),
        };
        let meta = file
            .metadata()
            .await
            .map_err(|e| io_error("reading blob metadata", &path, e))?;
        if !meta.is_file() {
            return Err(Error::NotFound);
        }
        let range = checked_range(range, meta.len())?;
        if range.start > 0 {
            file.seek(SeekFrom::Start(range.start))
                .await
                .map_err(|e| io_error("seeking in blob", &path, e))?;
        }
        let stream = ReaderStream::with_capacity(file.take(range.len), READ_CHUNK)
            .map(move |chunk| chunk.map_err(|e| io_error("reading blob", &path, e)));
        Ok(stream.boxed())
    }

    async fn exists(&self, content_hash: &str) -> Result<bool> {
        validate_hash(content_hash)?;
        let path = self.blob_path(content_hash);
        tokio::fs::try_exists(&path)
            .await
            .map_err(|e| io_error("checking blob", &path, e))
    }

    /// Removes the blob file. Empty fan-out directories are left in place: there are at
    /// most 65 536 of them and removing them would race with a concurrent commit.
    async fn delete(&self, content_hash: &str) -> Result<()> {
        validate_hash(content_hash)?;
        let path = self.blob_path(content_hash);
        remove_if_present(&path)
            .await
            .map_err(|e| io_error("deleting blob", &path, e))
    }

    async fn list(&self) -> Result<Vec<BlobInfo>> {
        let mut blobs = Vec::new();
        for folder in fanout_dirs(&self.objects).await? {
            list_blobs_in(&folder, &mut blobs).await?;
        }
        Ok(blobs)
    }

    /// Removes every file in `staging/`. Only call it when no write is in progress
    /// (at start-up): it does not tell a crashed write from a running one.
    async fn clean_staging(&self) -> Result<u64> {
        let mut removed = 0;
        let mut entries = read_dir(&self.staging).await?;
        while let Some(entry) = next_entry(&mut entries, &self.staging).await? {
            let path = entry.path();
            let is_file = match entry.file_type().await {
                Ok(kind) => kind.is_file(),
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_error("inspecting staging file", &path, e)),
            };
            if !is_file {
                continue;
            }
            match tokio::fs::remove_file(&path).await {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error("removing staging file", &path, e)),
            }
        }
        if removed > 0 {
            tracing::info!(removed, "removed staged blob writes left behind");
        }
        Ok(removed)
    }
}

/// A write in progress: bytes go through the hasher, into memory while they fit in
/// [`WRITE_BUFFER`], then into a staging file.
struct FsBlobWriter {
    target: Target,
    staging_dir: PathBuf,
    objects: PathBuf,
    hasher: Sha256,
    written: u64,
    sync: bool,
}

/// Where a writer's bytes are.
enum Target {
    /// All of them, so far: no file yet.
    Buffer(Vec<u8>),
    /// In this staging file (the buffer was outgrown).
    File(BufWriter<File>, StagingFile),
}

/// A new staging file's path: a fresh name, so concurrent writes never meet.
fn staging_path(staging_dir: &Path) -> PathBuf {
    staging_dir.join(format!("{}.{PART_EXT}", uuid::Uuid::new_v4()))
}

#[async_trait]
impl BlobWriter for FsBlobWriter {
    async fn write(&mut self, chunk: Bytes) -> Result<()> {
        match &mut self.target {
            Target::Buffer(buffer) if buffer.len() + chunk.len() <= WRITE_BUFFER => {
                buffer.extend_from_slice(&chunk);
            }
            Target::Buffer(buffer) => {
                let path = staging_path(&self.staging_dir);
                let file = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .await
                    .map_err(|e| io_error("creating staging file", &path, e))?;
                let staging = StagingFile::new(path);
                let mut file = BufWriter::with_capacity(WRITE_BUFFER, file);
                for bytes in [buffer.as_slice(), &chunk] {
                    file.write_all(bytes)
                        .await
                        .map_err(|e| io_error("writing staging file", staging.path(), e))?;
                }
                self.target = Target::File(file, staging);
            }
            Target::File(file, staging) => {
                file.write_all(&chunk)
                    .await
                    .map_err(|e| io_error("writing staging file", staging.path(), e))?;
            }
        }
        self.hasher.update(&chunk);
        self.written += chunk.len() as u64;
        Ok(())
    }

    fn written(&self) -> u64 {
        self.written
    }

    async fn finish(self: Box<Self>) -> Result<Box<dyn StagedBlob>> {
        let FsBlobWriter {
            target,
            staging_dir,
            objects,
            hasher,
            written,
            sync,
        } = *self;
        let staged = match target {
            Target::Buffer(bytes) => Staged::Buffer {
                bytes,
                staging: staging_path(&staging_dir),
            },
            Target::File(mut file, staging) => {
                // On any error `staging` is dropped here, which removes the file.
                file.flush()
                    .await
                    .map_err(|e| io_error("flushing staging file", staging.path(), e))?;
                if sync {
                    file.into_inner()
                        .sync_all()
                        .await
                        .map_err(|e| io_error("syncing staging file", staging.path(), e))?;
                }
                Staged::File(staging)
            }
        };
        Ok(Box::new(FsStagedBlob {
            staged,
            objects,
            content_hash: HEXLOWER.encode(&hasher.finalize()),
            size: written,
            sync,
        }))
    }

    async fn abort(self: Box<Self>) {
        if let Target::File(file, staging) = self.target {
            drop(file);
            staging.remove().await;
        }
    }
}

/// A whole blob that knows its hash; `commit` gives it its final name.
struct FsStagedBlob {
    staged: Staged,
    objects: PathBuf,
    content_hash: String,
    size: u64,
    sync: bool,
}

/// Where a finished blob's bytes wait for their commit.
enum Staged {
    /// In memory; written to `staging` and renamed in one go on commit.
    Buffer { bytes: Vec<u8>, staging: PathBuf },
    /// In a flushed (and, under strict durability, synced) staging file.
    File(StagingFile),
}

#[async_trait]
impl StagedBlob for FsStagedBlob {
    fn content_hash(&self) -> &str {
        &self.content_hash
    }

    fn size(&self) -> u64 {
        self.size
    }

    async fn commit(self: Box<Self>) -> Result<()> {
        // Same hash means same content, but the rename still replaces an existing blob on
        // purpose: the fresh modification time keeps the sweep (which only takes blobs
        // older than its grace period) away from a blob a new version is about to name.
        let target = blob_path(&self.objects, &self.content_hash);
        let sync = self.sync;
        let commit = move || match self.staged {
            Staged::Buffer { bytes, staging } => commit_buffer(&bytes, &staging, &target, sync),
            Staged::File(staging) => place(staging, &target, sync),
        };
        // One trip to the blocking pool for the whole commit.
        tokio::task::spawn_blocking(commit)
            .await
            .map_err(|e| Error::internal(format!("committing blob: task failed: {e}")))?
    }

    async fn abort(self: Box<Self>) {
        if let Staged::File(staging) = self.staged {
            staging.remove().await;
        }
    }
}

/// The whole commit of an in-memory blob, on a blocking thread: write the staging file,
/// sync it, rename it into place and sync the folders the name went into.
fn commit_buffer(bytes: &[u8], staging: &Path, target: &Path, sync: bool) -> Result<()> {
    use std::io::Write;
    let staged = StagingFile::new(staging.to_path_buf());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(staging)
        .map_err(|e| io_error("creating staging file", staging, e))?;
    file.write_all(bytes)
        .map_err(|e| io_error("writing staging file", staging, e))?;
    if sync {
        file.sync_all()
            .map_err(|e| io_error("syncing staging file", staging, e))?;
    }
    drop(file);
    place(staged, target, sync)
}

/// Gives a finished staging file its blob name and, under strict durability, syncs the
/// folders the name went into. If the rename fails, dropping `staged` removes the file.
fn place(staged: StagingFile, target: &Path, sync: bool) -> Result<()> {
    let dir_created = rename_into_place(staged.path(), target)?;
    staged.disarm();
    if sync {
        sync_dirs(target, dir_created)?;
    }
    Ok(())
}

/// Owns a staging file's path: removes the file when dropped unless it was disarmed
/// (committed) or removed already, so a dropped upload (client gone) does not leave
/// files behind until the next `clean_staging`. Dropping never panics.
struct StagingFile {
    path: PathBuf,
    armed: bool,
}

impl StagingFile {
    fn new(path: PathBuf) -> Self {
        Self { path, armed: true }
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// The file was renamed away: nothing to clean up any more.
    fn disarm(mut self) {
        self.armed = false;
    }

    /// Removes the file now, logging (not returning) a failure: abort has no error to give.
    async fn remove(mut self) {
        self.armed = false;
        if let Err(e) = remove_if_present(&self.path).await {
            tracing::warn!(path = %self.path.display(), error = %e, "could not remove staging file");
        }
    }
}

impl Drop for StagingFile {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let path = std::mem::take(&mut self.path);
        let remove = move || {
            if let Err(e) = std::fs::remove_file(&path)
                && e.kind() != io::ErrorKind::NotFound
            {
                tracing::warn!(path = %path.display(), error = %e, "could not remove staging file");
            }
        };
        // Inside a runtime, do not block the worker thread; if the runtime is shutting
        // down the task is simply not run and `clean_staging` catches the file later.
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => drop(handle.spawn_blocking(remove)),
            Err(_) => remove(),
        }
    }
}

/// Checks that `hash` is exactly 64 lower-case hex chars. Besides catching typos this
/// keeps `..`, `/` and friends out of the paths built from it.
fn validate_hash(hash: &str) -> Result<()> {
    if is_content_hash(hash) {
        Ok(())
    } else {
        Err(Error::invalid(
            "content_hash",
            "must be 64 lower-case hex characters",
        ))
    }
}

fn is_content_hash(s: &str) -> bool {
    s.len() == HASH_HEX_LEN && s.bytes().all(is_lower_hex)
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// The range to stream: the whole blob when none is given. A range reaching past the end
/// is refused; callers clamp ranges against the size first. `start == size` with `len == 0`
/// is allowed and yields nothing.
fn checked_range(range: Option<ByteRange>, size: u64) -> Result<ByteRange> {
    let Some(range) = range else {
        return Ok(ByteRange {
            start: 0,
            len: size,
        });
    };
    match range.start.checked_add(range.len) {
        Some(end) if end <= size => Ok(range),
        _ => Err(Error::invalid(
            "range",
            format!(
                "bytes {}+{} reach past the end of a {size}-byte blob",
                range.start, range.len
            ),
        )),
    }
}

/// Removes a file; a file that is already gone is not an error.
async fn remove_if_present(path: &Path) -> io::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// The two-hex-char subdirectories of `dir`; anything else in it is ignored.
async fn fanout_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    let mut entries = read_dir(dir).await?;
    while let Some(entry) = next_entry(&mut entries, dir).await? {
        let name = entry.file_name();
        let is_fanout = name.to_str().is_some_and(is_fanout_name);
        let is_dir = entry.file_type().await.is_ok_and(|kind| kind.is_dir());
        if is_fanout && is_dir {
            dirs.push(entry.path());
        }
    }
    Ok(dirs)
}

/// Appends the blobs of one fan-out directory (`sha256/ab`). Files whose name is not a
/// hash, or a hash that does not belong under this directory, are skipped: `read` could
/// never reach them.
async fn list_blobs_in(dir: &Path, blobs: &mut Vec<BlobInfo>) -> Result<()> {
    let prefix = fanout_prefix(dir);
    let mut entries = read_dir(dir).await?;
    while let Some(entry) = next_entry(&mut entries, dir).await? {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if !is_content_hash(&name) || !name.starts_with(&prefix) {
            continue;
        }
        let path = entry.path();
        let meta = match entry.metadata().await {
            Ok(meta) => meta,
            // Deleted between listing and stat: no longer a blob.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error("reading blob metadata", &path, e)),
        };
        if !meta.is_file() {
            continue;
        }
        let modified = meta
            .modified()
            .map_err(|e| io_error("reading blob modification time", &path, e))?;
        blobs.push(BlobInfo {
            content_hash: name,
            size: meta.len(),
            modified_ms: epoch_millis(modified),
        });
    }
    Ok(())
}

/// `ab` of `.../sha256/ab`.
fn fanout_prefix(dir: &Path) -> String {
    dir.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Milliseconds since the epoch; negative for (odd) times before it.
fn epoch_millis(time: SystemTime) -> EpochMillis {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

async fn read_dir(dir: &Path) -> Result<tokio::fs::ReadDir> {
    tokio::fs::read_dir(dir)
        .await
        .map_err(|e| io_error("listing directory", dir, e))
}

async fn next_entry(
    entries: &mut tokio::fs::ReadDir,
    dir: &Path,
) -> Result<Option<tokio::fs::DirEntry>> {
    entries
        .next_entry()
        .await
        .map_err(|e| io_error("listing directory", dir, e))
}

/// An IO failure as an internal error that says what was being done, and where.
fn io_error(action: &str, path: &Path, err: io::Error) -> Error {
    Error::internal(format!("{action} {}: {err}", path.display()))
}
