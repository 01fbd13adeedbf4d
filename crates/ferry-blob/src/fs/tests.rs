use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use data_encoding::HEXLOWER;
use ferry_core::Error;
use ferry_core::ports::{BlobStore, ByteRange};
use futures::TryStreamExt;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use super::{FsBlobStore, READ_CHUNK};

fn store() -> (TempDir, FsBlobStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = FsBlobStore::open(dir.path().join("blobs")).unwrap();
    (dir, store)
}

/// Deterministic, not very compressible bytes.
fn sample(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

fn sha256_hex(data: &[u8]) -> String {
    HEXLOWER.encode(&Sha256::digest(data))
}

/// Writes `data` in chunks of the given sizes (cycling), finishes and commits it.
async fn put_chunked(store: &FsBlobStore, data: &[u8], sizes: &[usize]) -> String {
    let mut writer = store.writer().await.unwrap();
    let mut rest = data;
    for size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at((*size).min(rest.len()));
        writer.write(Bytes::copy_from_slice(chunk)).await.unwrap();
        rest = tail;
    }
    assert_eq!(writer.written(), data.len() as u64);
    let staged = writer.finish().await.unwrap();
    assert_eq!(staged.size(), data.len() as u64);
    let hash = staged.content_hash().to_owned();
    staged.commit().await.unwrap();
    hash
}

async fn put(store: &FsBlobStore, data: &[u8]) -> String {
    put_chunked(store, data, &[data.len().max(1)]).await
}

async fn read_all(
    store: &FsBlobStore,
    hash: &str,
    range: Option<ByteRange>,
) -> ferry_core::Result<Vec<u8>> {
    let chunks: Vec<Bytes> = store.read(hash, range).await?.try_collect().await?;
    assert!(chunks.iter().all(|c| c.len() <= READ_CHUNK));
    Ok(chunks.concat())
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

fn staging_files(store: &FsBlobStore) -> Vec<PathBuf> {
    files_in(&store.root().join("staging"))
}

fn blob_file(store: &FsBlobStore, hash: &str) -> PathBuf {
    store.root().join("sha256").join(&hash[0..2]).join(hash)
}

fn range(start: u64, len: u64) -> Option<ByteRange> {
    Some(ByteRange { start, len })
}

#[tokio::test]
async fn open_creates_the_layout() {
    let (_dir, store) = store();
    assert!(store.root().join("staging").is_dir());
    assert!(store.root().join("sha256").is_dir());
    // Opening again is fine.
    FsBlobStore::open(store.root()).unwrap();
}

#[tokio::test]
async fn multi_chunk_blob_round_trips_and_hashes_like_sha256() {
    let (_dir, store) = store();
    let data = sample(700 * 1024 + 3);
    // Tiny chunks, chunks larger than the write buffer, and odd sizes in between.
    let hash = put_chunked(&store, &data, &[1, 7, 4096, 300 * 1024, 13]).await;

    assert_eq!(hash, sha256_hex(&data));
    assert!(blob_file(&store, &hash).is_file());
    assert!(staging_files(&store).is_empty());
    assert!(store.exists(&hash).await.unwrap());
    assert_eq!(read_all(&store, &hash, None).await.unwrap(), data);
}

#[tokio::test]
async fn ranges_yield_exactly_the_requested_bytes() {
    let (_dir, store) = store();
    let data = sample(200 * 1024);
    let size = data.len() as u64;
    let hash = put(&store, &data).await;

    let cases = [
        (0, 1),             // first byte
        (size - 1, 1),      // last byte
        (1000, 150 * 1024), // middle, spanning several read chunks
        (0, size),          // all of it
        (size, 0),          // empty, at the end
        (5, 0),             // empty, inside
    ];
    for (start, len) in cases {
        let got = read_all(&store, &hash, range(start, len)).await.unwrap();
        let (s, e) = (start as usize, (start + len) as usize);
        assert_eq!(got, data[s..e], "range {start}+{len}");
    }
}

#[tokio::test]
async fn ranges_past_the_end_are_refused() {
    let (_dir, store) = store();
    let hash = put(&store, b"0123456789").await;

    for (start, len) in [(0, 11), (10, 1), (11, 0), (u64::MAX, 2)] {
        let err = store.read(&hash, range(start, len)).await.err().unwrap();
        assert!(
            matches!(&err, Error::InvalidInput { field, .. } if field == "range"),
            "range {start}+{len}: {err:?}"
        );
    }
}

#[tokio::test]
async fn empty_blob_has_the_empty_hash() {
    let (_dir, store) = store();
    let hash = put(&store, b"").await;
    assert_eq!(
        hash,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert!(read_all(&store, &hash, None).await.unwrap().is_empty());
}

#[tokio::test]
async fn committing_the_same_content_twice_keeps_one_file() {
    let (_dir, store) = store();
    let data = sample(10_000);
    let first = put(&store, &data).await;
    let second = put_chunked(&store, &data, &[333]).await;

    assert_eq!(first, second);
    let leaf = blob_file(&store, &first);
    assert_eq!(files_in(leaf.parent().unwrap()), vec![leaf]);
    assert!(staging_files(&store).is_empty());
    assert_eq!(store.list().await.unwrap().len(), 1);
    assert_eq!(read_all(&store, &first, None).await.unwrap(), data);
}

#[tokio::test]
async fn a_small_blob_touches_the_disk_only_when_committed() {
    let (_dir, store) = store();
    let mut writer = store.writer().await.unwrap();
    writer.write(Bytes::from_static(b"small ")).await.unwrap();
    writer.write(Bytes::from_static(b"file")).await.unwrap();
    let staged = writer.finish().await.unwrap();
    assert!(staging_files(&store).is_empty());
    assert!(files_in(&store.root().join("sha256")).is_empty());
    let hash = staged.content_hash().to_owned();
    assert_eq!(hash, sha256_hex(b"small file"));

    staged.commit().await.unwrap();
    assert!(staging_files(&store).is_empty());
    assert_eq!(read_all(&store, &hash, None).await.unwrap(), b"small file");
}

#[tokio::test]
async fn a_blob_past_the_buffer_streams_through_a_staging_file() {
    let (_dir, store) = store();
    let data = sample(super::WRITE_BUFFER + 10);
    let hash = put_chunked(&store, &data, &[1000, super::WRITE_BUFFER - 1000, 10]).await;
    assert_eq!(hash, sha256_hex(&data));
    assert!(staging_files(&store).is_empty());
    assert_eq!(read_all(&store, &hash, None).await.unwrap(), data);
}

#[tokio::test]
async fn aborting_a_writer_removes_its_staging_file() {
    let (_dir, store) = store();
    let mut writer = store.writer().await.unwrap();
    writer
        .write(Bytes::from(sample(super::WRITE_BUFFER + 1)))
        .await
        .unwrap();
    assert_eq!(staging_files(&store).len(), 1);

    writer.abort().await;
    assert!(staging_files(&store).is_empty());
}

#[tokio::test]
async fn aborting_a_staged_blob_removes_it_without_committing() {
    let (_dir, store) = store();
    let mut writer = store.writer().await.unwrap();
    writer
        .write(Bytes::from_static(b"never mind"))
        .await
        .unwrap();
    let staged = writer.finish().await.unwrap();
    let hash = staged.content_hash().to_owned();

    staged.abort().await;
    assert!(staging_files(&store).is_empty());
    assert!(!store.exists(&hash).await.unwrap());
}

/// Waits for the background removal a drop starts.
async fn wait_for_empty_staging(store: &FsBlobStore) {
    for _ in 0..200 {
        if staging_files(store).is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("staging file was not removed: {:?}", staging_files(store));
}

#[tokio::test]
async fn dropping_an_unfinished_writer_cleans_up() {
    let (_dir, store) = store();
    let mut writer = store.writer().await.unwrap();
    writer
        .write(Bytes::from(sample(super::WRITE_BUFFER + 1000)))
        .await
        .unwrap();
    assert_eq!(staging_files(&store).len(), 1);
    drop(writer);
    wait_for_empty_staging(&store).await;

    let mut writer = store.writer().await.unwrap();
    writer.write(Bytes::from_static(b"x")).await.unwrap();
    drop(writer.finish().await.unwrap());
    wait_for_empty_staging(&store).await;
}

#[test]
fn dropping_a_writer_outside_a_runtime_does_not_panic() {
    let (_dir, store) = store();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let writer = runtime.block_on(async {
        let mut writer = store.writer().await.unwrap();
        // Past the buffer, so there is a staging file to remove.
        writer
            .write(Bytes::from(sample(super::WRITE_BUFFER + 1)))
            .await
            .unwrap();
        assert_eq!(staging_files(&store).len(), 1);
        writer
    });
    drop(runtime);
    drop(writer);
    assert!(staging_files(&store).is_empty());
}

#[tokio::test]
async fn clean_staging_removes_leftovers() {
    let (_dir, store) = store();
    let staging = store.root().join("staging");
    std::fs::write(staging.join("crashed.part"), b"partial").unwrap();
    std::fs::write(staging.join("other.tmp"), b"junk").unwrap();
    let kept = put(&store, b"committed").await;

    assert_eq!(store.clean_staging().await.unwrap(), 2);
    assert!(staging_files(&store).is_empty());
    assert_eq!(store.clean_staging().await.unwrap(), 0);
    assert!(store.exists(&kept).await.unwrap());
}

#[tokio::test]
async fn invalid_hashes_are_rejected_everywhere() {
    let (_dir, store) = store();
    let valid = put(&store, b"abc").await;
    let bad = [
        "../etc/passwd".to_owned(),
        format!("../../{}", &valid[6..]), // 64 chars, but a path trick
        valid.to_uppercase(),
        valid[..63].to_owned(),
        format!("{valid}0"),
        format!("{}g", &valid[..63]),
        String::new(),
    ];
    let is_hash_error =
        |err: &Error| matches!(err, Error::InvalidInput { field, .. } if field == "content_hash");

    for hash in &bad {
        let err = store.read(hash, None).await.err().unwrap();
        assert!(is_hash_error(&err), "read {hash:?}: {err:?}");
        let err = store.exists(hash).await.unwrap_err();
        assert!(is_hash_error(&err), "exists {hash:?}: {err:?}");
        let err = store.delete(hash).await.unwrap_err();
        assert!(is_hash_error(&err), "delete {hash:?}: {err:?}");
    }
    assert!(store.exists(&valid).await.unwrap());
}

#[tokio::test]
async fn missing_blob_is_not_found() {
    let (_dir, store) = store();
    let hash = sha256_hex(b"never stored");
    let err = store.read(&hash, None).await.err().unwrap();
    assert!(matches!(err, Error::NotFound), "{err:?}");
    let err = store.read(&hash, range(0, 1)).await.err().unwrap();
    assert!(matches!(err, Error::NotFound), "{err:?}");
    assert!(!store.exists(&hash).await.unwrap());
}

#[tokio::test]
async fn list_returns_committed_blobs_only() {
    let (_dir, store) = store();
    let a = put(&store, b"alpha").await;
    let b = put(&store, &sample(5000)).await;

    // A staged but uncommitted blob, and junk that is not a reachable blob.
    let mut writer = store.writer().await.unwrap();
    writer.write(Bytes::from_static(b"staged")).await.unwrap();
    let staged = writer.finish().await.unwrap();
    let objects = store.root().join("sha256");
    let leaf = blob_file(&store, &a);
    let leaf_dir = leaf.parent().unwrap();
    std::fs::write(leaf_dir.join("not-a-hash"), b"x").unwrap();
    std::fs::write(leaf_dir.join(a.to_uppercase()), b"x").unwrap();
    std::fs::create_dir_all(objects.join("zz").join("zz")).unwrap();
    std::fs::write(objects.join("stray-file"), b"x").unwrap();
    let misplaced = sha256_hex(b"misplaced");
    std::fs::write(leaf_dir.join(&misplaced), b"misplaced").unwrap();
    assert!(!misplaced.starts_with(&a[..4]));

    let mut listed = store.list().await.unwrap();
    listed.sort_by(|x, y| x.content_hash.cmp(&y.content_hash));
    let mut expected = vec![(a.clone(), 5u64), (b.clone(), 5000u64)];
    expected.sort();
    let got: Vec<(String, u64)> = listed
        .iter()
        .map(|i| (i.content_hash.clone(), i.size))
        .collect();
    assert_eq!(got, expected);
    assert!(listed.iter().all(|i| i.modified_ms > 1_600_000_000_000));

    staged.abort().await;
}

#[tokio::test]
async fn delete_is_idempotent() {
    let (_dir, store) = store();
    let hash = put(&store, b"short-lived").await;

    store.delete(&hash).await.unwrap();
    assert!(!store.exists(&hash).await.unwrap());
    assert!(!blob_file(&store, &hash).exists());
    store.delete(&hash).await.unwrap();
    assert!(matches!(
        store.read(&hash, None).await.err().unwrap(),
        Error::NotFound
    ));
    assert!(store.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn concat_joins_blobs_in_the_order_given() {
    let (_dir, store) = store();
    let a = sample(300_000);
    let b = b"middle".to_vec();
    let ha = put(&store, &a).await;
    let hb = put(&store, &b).await;
    // The same part twice is fine: parts are content addressed.
    let staged = store
        .concat(&[hb.clone(), ha.clone(), hb.clone()])
        .await
        .unwrap();
    let whole = [b.as_slice(), a.as_slice(), b.as_slice()].concat();
    assert_eq!(staged.size(), whole.len() as u64);
    assert_eq!(staged.content_hash(), sha256_hex(&whole));
    let hash = staged.content_hash().to_owned();
    staged.commit().await.unwrap();
    assert_eq!(read_all(&store, &hash, None).await.unwrap(), whole);
    // The parts are left alone.
    assert_eq!(read_all(&store, &ha, None).await.unwrap(), a);

    let empty = store.concat(&[]).await.unwrap();
    assert_eq!(empty.content_hash(), sha256_hex(b""));
    empty.abort().await;
}

#[tokio::test]
async fn concat_with_a_missing_part_fails_and_leaves_nothing_staged() {
    let (_dir, store) = store();
    let present = put(&store, b"here").await;
    let missing = sha256_hex(b"never stored");
    let err = match store.concat(&[present, missing]).await {
        Err(e) => e,
        Ok(_) => panic!("a missing part must fail"),
    };
    assert!(matches!(err, Error::NotFound), "{err}");
    assert!(staging_files(&store).is_empty());
}

#[tokio::test]
async fn a_store_of_the_two_level_layout_is_moved_to_one_level_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let hash = sha256_hex(b"old layout");
    let legacy = dir
        .path()
        .join("sha256")
        .join(&hash[0..2])
        .join(&hash[2..4]);
    std::fs::create_dir_all(&legacy).unwrap();
    std::fs::write(legacy.join(&hash), b"old layout").unwrap();
    // Something that is not a blob stays where it is, and so does its folder.
    let odd = dir.path().join("sha256").join("ff").join("ee");
    std::fs::create_dir_all(&odd).unwrap();
    std::fs::write(odd.join("notes.txt"), b"keep").unwrap();

    let store = FsBlobStore::open(dir.path()).unwrap();
    assert_eq!(read_all(&store, &hash, None).await.unwrap(), b"old layout");
    assert!(!legacy.exists());
    assert!(odd.join("notes.txt").exists());
    let listed = store.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].content_hash, hash);

    // Opening again finds nothing left to move.
    drop(store);
    let store = FsBlobStore::open(dir.path()).unwrap();
    assert!(store.exists(&hash).await.unwrap());
}
