//! The real third-party clients against a real server: nextcloudcmd (desktop sync), rclone
//! (webdav backend, vendor nextcloud and other) and nc-py-api. They are the final judges of
//! compatibility. A missing client skips its test locally and fails it under `CI`.

mod nc_py_api;
mod nextcloudcmd;
mod rclone;

use std::collections::BTreeMap;
use std::path::Path;

use ferry_core::files::{Location, View};
use ferry_core::model::NodeKind;
use ferry_core::{Actor, Ferry};
use futures::StreamExt;
use sha2::{Digest, Sha256};

/// Whether a client program is installed; under `CI` a missing one is a failure.
pub fn available(program: &str) -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} is not installed (see .ci/run)"
        );
        println!("skipped: {program} is not installed");
    }
    found
}

/// Every file below `root` as relative path → SHA-256, folders as path → "dir", leaving out
/// names for which `skip` is true (a client's own journal files).
pub fn local_tree(root: &Path, skip: &dyn Fn(&str) -> bool) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if skip(&name) {
                continue;
            }
            let rel = format!("{prefix}{name}");
            if entry.file_type().unwrap().is_dir() {
                out.insert(rel.clone(), "dir".to_owned());
                stack.push((entry.path(), format!("{rel}/")));
            } else {
                let bytes = std::fs::read(entry.path()).unwrap();
                out.insert(rel, data_encoding::HEXLOWER.encode(&Sha256::digest(&bytes)));
            }
        }
    }
    out
}

/// The same view of a user's home as the server holds it, read through core.
pub async fn server_tree(ferry: &Ferry, actor: &Actor) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![(
        Location::View {
            view: View::Home,
            owner: None,
        },
        String::new(),
    )];
    while let Some((location, prefix)) = stack.pop() {
        for entry in ferry.list(actor, location).await.unwrap() {
            let node = entry.node;
            let rel = format!("{prefix}{}", node.name);
            if node.kind == NodeKind::Dir {
                out.insert(rel.clone(), "dir".to_owned());
                stack.push((Location::Node(node.id), format!("{rel}/")));
            } else {
                let content = ferry.content(actor, node.id, None).await.unwrap();
                let mut stream = ferry.read_content(&content, None).await.unwrap();
                let mut hasher = Sha256::new();
                while let Some(chunk) = stream.next().await {
                    hasher.update(chunk.unwrap());
                }
                out.insert(rel, data_encoding::HEXLOWER.encode(&hasher.finalize()));
            }
        }
    }
    out
}

/// Writes a file, making its folders.
pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Deterministic bytes that differ per seed.
pub fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// The test tree of the issue: nested folders, 100 small files, a 30 MiB file (chunked
/// by every client) and a file with a non-ASCII name.
pub fn make_tree(root: &Path) {
    for i in 0..100u8 {
        let dir = match i % 4 {
            0 => "",
            1 => "docs/",
            2 => "docs/deep/deeper/",
            _ => "photos/2026/",
        };
        write(
            root,
            &format!("{dir}small-{i:03}.txt"),
            &bytes(100 + usize::from(i) * 37, i),
        );
    }
    write(root, "big/thirty.bin", &bytes(30 * 1024 * 1024, 7));
    write(root, "Ünïcødé 文件 ☂.txt", "non-ASCII name".as_bytes());
    std::fs::create_dir_all(root.join("empty folder")).unwrap();
}
