//! Where committed blobs live: `sha256/ab/<hash>`, one fan-out level by the hash's first
//! two hex digits (256 folders, as git does).
//!
//! Stores before this layout used two levels (`sha256/ab/cd/<hash>`): 65,536 leaf folders,
//! so until a store held well over 100,000 blobs nearly every upload made a folder of its
//! own (an inode and a 4 KiB block each, and a third of a small upload's file-system time).
//! [`flatten_legacy`] moves such a store's blobs up one level when it is opened.

use std::io;
use std::path::{Path, PathBuf};

use ferry_core::{Error, Result};

use super::{io_error, is_content_hash, is_lower_hex};

/// Where a committed blob lives; `hash` must be valid (ASCII, 64 chars), so the slice holds.
pub(super) fn blob_path(objects: &Path, hash: &str) -> PathBuf {
    objects.join(&hash[0..2]).join(hash)
}

/// Whether `name` is a fan-out folder's name (two lower-case hex digits).
pub(super) fn is_fanout_name(name: &str) -> bool {
    name.len() == 2 && name.bytes().all(is_lower_hex)
}

/// Renames a finished staging file to its blob path, making the fan-out folder when it is
/// missing (tried first and made only on `NotFound`, so the usual case costs no `stat`).
/// Returns whether the folder was made.
pub(super) fn rename_into_place(staging: &Path, target: &Path) -> Result<bool> {
    match std::fs::rename(staging, target) {
        Ok(()) => return Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound && staging.exists() => {}
        Err(e) => return Err(io_error("committing blob", target, e)),
    }
    let dir = parent_of(target)?;
    std::fs::create_dir_all(dir).map_err(|e| io_error("creating blob directory", dir, e))?;
    std::fs::rename(staging, target).map_err(|e| io_error("committing blob", target, e))?;
    Ok(true)
}

/// fsyncs the folder a blob was renamed into and, when that folder was just made, its
/// parent too (a new folder is an entry in its parent).
pub(super) fn sync_dirs(target: &Path, dir_created: bool) -> Result<()> {
    let dir = parent_of(target)?;
    for folder in dir.ancestors().take(if dir_created { 2 } else { 1 }) {
        std::fs::File::open(folder)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_error("syncing directory", folder, e))?;
    }
    Ok(())
}

fn parent_of(target: &Path) -> Result<&Path> {
    target
        .parent()
        .ok_or_else(|| Error::internal(format!("blob path {} has no parent", target.display())))
}

/// Moves blobs of the two-level layout (`sha256/ab/cd/<hash>`) to `sha256/ab/<hash>` and
/// removes the emptied folders; returns how many moved. Each move is one rename, so a crash
/// part-way leaves every blob whole in one place or the other, and the next open finishes.
/// Runs at open, before anything is served.
pub(super) fn flatten_legacy(objects: &Path) -> Result<u64> {
    let mut moved = 0;
    for first in subfolders(objects)? {
        for second in subfolders(&first)? {
            for entry in read_dir(&second)? {
                let entry = entry.map_err(|e| io_error("listing blob directory", &second, e))?;
                let name = entry.file_name();
                if name.to_str().is_some_and(is_content_hash) {
                    let to = first.join(&name);
                    std::fs::rename(entry.path(), &to)
                        .map_err(|e| io_error("moving blob to the one-level layout", &to, e))?;
                    moved += 1;
                }
            }
            // Only an empty folder goes; anything else in it stays where it was.
            let _ = std::fs::remove_dir(&second);
        }
    }
    if moved > 0 {
        tracing::info!(moved, "blob store moved to the one-level layout");
    }
    Ok(moved)
}

/// The fan-out folders directly in `dir`.
fn subfolders(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in read_dir(dir)? {
        let entry = entry.map_err(|e| io_error("listing blob directory", dir, e))?;
        let is_fanout = entry.file_name().to_str().is_some_and(is_fanout_name);
        if is_fanout && entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            found.push(entry.path());
        }
    }
    Ok(found)
}

fn read_dir(dir: &Path) -> Result<std::fs::ReadDir> {
    std::fs::read_dir(dir).map_err(|e| io_error("listing blob directory", dir, e))
}
