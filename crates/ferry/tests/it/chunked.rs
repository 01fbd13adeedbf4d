//! Chunked uploads through the core API on a real server's `Ferry`: every Nextcloud variant
//! joined by the one assembler (the DAV face maps its requests onto these calls).

use bytes::Bytes;
use data_encoding::HEXLOWER;
use ferry_core::files::{LegacyChunkOutcome, Location, Place, UPLOAD_IDLE_TTL_MS, View};
use ferry_core::model::{Node, UploadDestination, UploadVariant};
use ferry_core::ports::StagedBlob;
use ferry_core::{Actor, Error};
use futures::TryStreamExt;
use sha2::{Digest, Sha256};

use crate::harness::{PASSWORD, TestServer};

const HOUR_MS: i64 = 60 * 60 * 1000;

/// Deterministic bytes that do not repeat within a part, so a misordered join shows.
fn pattern(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[1]
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    HEXLOWER.encode(&Sha256::digest(bytes))
}

/// A user made through the core and signed in as the Basic-auth faces do.
async fn user(server: &TestServer, name: &str, quota_bytes: i64) -> Actor {
    let login = format!("{name}@example.com");
    server.add_user(&login, quota_bytes).await;
    server
        .ferry
        .authenticate_password(&login, PASSWORD)
        .await
        .unwrap()
}

async fn home(server: &TestServer, actor: &Actor) -> Node {
    let info = server
        .ferry
        .place_info(
            actor,
            Location::View {
                view: View::Home,
                owner: None,
            },
        )
        .await
        .unwrap();
    match info.place {
        Place::Node(node) => node,
        other => panic!("home is a folder, got {other:?}"),
    }
}

/// Streams bytes into a staged blob in 64 KiB pieces, as a face streams a request body.
async fn stage(server: &TestServer, bytes: &[u8]) -> Box<dyn StagedBlob> {
    let pieces: Vec<Result<Bytes, Error>> = bytes
        .chunks(64 * 1024)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    server
        .ferry
        .stage(futures::stream::iter(pieces), None)
        .await
        .unwrap()
}

async fn put(server: &TestServer, actor: &Actor, transfer: &str, name: &str, bytes: &[u8]) {
    let staged = stage(server, bytes).await;
    let info = server
        .ferry
        .put_chunk(actor, transfer, name, staged)
        .await
        .unwrap();
    assert_eq!(info.name, name);
    assert_eq!(info.size, bytes.len() as u64);
}

async fn read_back(server: &TestServer, actor: &Actor, node: &Node) -> Vec<u8> {
    let content = server.ferry.content(actor, node.id, None).await.unwrap();
    let stream = server.ferry.read_content(&content, None).await.unwrap();
    let pieces: Vec<Bytes> = stream.try_collect().await.unwrap();
    pieces.concat()
}

async fn assemble(
    server: &TestServer,
    actor: &Actor,
    transfer: &str,
    parent: &Node,
    name: &str,
    total: Option<u64>,
) -> Result<(Node, bool), Error> {
    server
        .ferry
        .assemble_upload(actor, transfer, parent.id, name, total, None)
        .await
}

#[track_caller]
fn assert_code<T: std::fmt::Debug>(result: Result<T, Error>, code: &str) {
    match result {
        Err(e) => assert_eq!(e.code(), code, "{e}"),
        Ok(v) => panic!("expected {code}, got {v:?}"),
    }
}

#[tokio::test]
async fn v1_parts_out_of_order_and_uneven_join_byte_identical() {
    let server = TestServer::start().await;
    let alice = user(&server, "alice", 0).await;
    let home = home(&server, &alice).await;
    let file = pattern(6 * 1024 * 1024 + 321, 7);
    // nextcloudcmd's names: 16 digits, 0-based; sizes vary from part to part.
    let cuts = [0, 1_000_003, 1_000_010, 3_500_000, file.len()];
    let session = server
        .ferry
        .begin_upload(&alice, "transfer-1", None, Some(file.len() as u64))
        .await
        .unwrap();
    assert_eq!(session.variant, UploadVariant::V1);
    for i in [3_usize, 0, 2, 1] {
        let name = format!("{i:016}");
        put(
            &server,
            &alice,
            "transfer-1",
            &name,
            &file[cuts[i]..cuts[i + 1]],
        )
        .await;
    }
    let listed = server
        .ferry
        .list_chunks(&alice, "transfer-1")
        .await
        .unwrap();
    let names: Vec<&str> = listed.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "0000000000000000",
            "0000000000000001",
            "0000000000000002",
            "0000000000000003"
        ]
    );
    assert_eq!(listed[1].size, 7, "the tiny middle part");

    let (node, created) = assemble(
        &server,
        &alice,
        "transfer-1",
        &home,
        "big.bin",
        Some(file.len() as u64),
    )
    .await
    .unwrap();
    assert!(created);
    assert_eq!(node.revision, 1);
    assert_eq!(node.size, file.len() as i64);
    assert_eq!(node.content_hash.as_deref(), Some(sha256(&file).as_str()));
    assert_eq!(
        sha256(&read_back(&server, &alice, &node).await),
        sha256(&file)
    );

    // The session is gone with its parts; deleting it afterwards (nc-py-api's `finally`)
    // finds nothing, which the face answers with 404.
    assert_code(
        server.ferry.list_chunks(&alice, "transfer-1").await,
        "not-found",
    );
    assert_code(
        server.ferry.delete_upload(&alice, "transfer-1").await,
        "not-found",
    );
}

#[tokio::test]
async fn v2_joins_by_number_and_v1_by_name() {
    let server = TestServer::start().await;
    let bob = user(&server, "bob", 0).await;
    let home = home(&server, &bob).await;
    let dest = UploadDestination {
        parent: home.id,
        name: "v2.bin".into(),
    };
    let v2 = server
        .ferry
        .begin_upload(&bob, "v2-upload", Some(dest), None)
        .await
        .unwrap();
    assert_eq!(v2.variant, UploadVariant::V2);
    server
        .ferry
        .begin_upload(&bob, "v1-upload", None, None)
        .await
        .unwrap();
    for (name, bytes) in [("2", b"two-"), ("10", b"ten-"), ("1", b"one-")] {
        put(&server, &bob, "v2-upload", name, bytes).await;
        put(&server, &bob, "v1-upload", name, bytes).await;
    }
    let v2_names: Vec<String> = server
        .ferry
        .list_chunks(&bob, "v2-upload")
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(v2_names, ["1", "2", "10"]);

    let (v2_file, _) = assemble(&server, &bob, "v2-upload", &home, "v2.bin", Some(12))
        .await
        .unwrap();
    assert_eq!(read_back(&server, &bob, &v2_file).await, b"one-two-ten-");
    let (v1_file, _) = assemble(&server, &bob, "v1-upload", &home, "v1.bin", None)
        .await
        .unwrap();
    assert_eq!(read_back(&server, &bob, &v1_file).await, b"one-ten-two-");
}

#[tokio::test]
async fn v2_checks_part_numbers_and_its_destination() {
    let server = TestServer::start().await;
    let cleo = user(&server, "cleo", 0).await;
    let home = home(&server, &cleo).await;
    let dest = UploadDestination {
        parent: home.id,
        name: "a.bin".into(),
    };
    server
        .ferry
        .begin_upload(&cleo, "up", Some(dest), None)
        .await
        .unwrap();
    for bad in ["0", "10001", "first", ".file"] {
        let staged = stage(&server, b"x").await;
        assert_code(
            server.ferry.put_chunk(&cleo, "up", bad, staged).await,
            "invalid-input",
        );
    }
    put(&server, &cleo, "up", "00001", b"x").await;
    assert_code(
        assemble(&server, &cleo, "up", &home, "other.bin", None).await,
        "invalid-input",
    );
    let (file, created) = assemble(&server, &cleo, "up", &home, "a.bin", None)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(file.name, "a.bin");

    // A destination the caller cannot write to is refused when the upload begins.
    let dana = user(&server, "dana", 0).await;
    let elsewhere = UploadDestination {
        parent: home.id,
        name: "b.bin".into(),
    };
    assert_code(
        server
            .ferry
            .begin_upload(&dana, "up", Some(elsewhere), None)
            .await,
        "not-found",
    );
}

#[tokio::test]
async fn total_length_is_enforced_on_parts_and_on_assembly() {
    let server = TestServer::start().await;
    let finn = user(&server, "finn", 0).await;
    let home = home(&server, &finn).await;
    server
        .ferry
        .begin_upload(&finn, "t", None, Some(10))
        .await
        .unwrap();
    put(&server, &finn, "t", "a", b"12345678").await;
    // Past the announced total: 400, and the part is not kept.
    let staged = stage(&server, b"12345").await;
    assert_code(
        server.ferry.put_chunk(&finn, "t", "b", staged).await,
        "invalid-input",
    );
    // Replacing a part counts only the new bytes.
    put(&server, &finn, "t", "a", b"1234").await;
    put(&server, &finn, "t", "b", b"5678").await;
    // Short of the total: refused, and the session stays for the missing part.
    assert_code(
        assemble(&server, &finn, "t", &home, "f.bin", None).await,
        "invalid-input",
    );
    put(&server, &finn, "t", "c", b"90").await;
    // The MOVE's own OC-Total-Length must match too.
    assert_code(
        assemble(&server, &finn, "t", &home, "f.bin", Some(11)).await,
        "invalid-input",
    );
    let (file, _) = assemble(&server, &finn, "t", &home, "f.bin", Some(10))
        .await
        .unwrap();
    assert_eq!(read_back(&server, &finn, &file).await, b"1234567890");
}

#[tokio::test]
async fn waiting_parts_count_against_the_quota() {
    let server = TestServer::start().await;
    let gina = user(&server, "gina", 1000).await;
    let home = home(&server, &gina).await;
    assert_code(
        server
            .ferry
            .begin_upload(&gina, "huge", None, Some(1001))
            .await,
        "quota-exceeded",
    );
    server
        .ferry
        .begin_upload(&gina, "a", None, None)
        .await
        .unwrap();
    server
        .ferry
        .begin_upload(&gina, "b", None, None)
        .await
        .unwrap();
    assert_eq!(
        server.ferry.chunk_allowance(&gina, "a").await.unwrap(),
        Some(1000)
    );
    put(&server, &gina, "a", "1", &[1; 600]).await;
    // Parts of every session of the user count, so parallel uploads cannot together pass it.
    assert_eq!(
        server.ferry.chunk_allowance(&gina, "b").await.unwrap(),
        Some(400)
    );
    let staged = stage(&server, &[2; 500]).await;
    assert_code(
        server.ferry.put_chunk(&gina, "b", "1", staged).await,
        "quota-exceeded",
    );
    put(&server, &gina, "b", "1", &[2; 400]).await;
    let (file, _) = assemble(&server, &gina, "a", &home, "a.bin", None)
        .await
        .unwrap();
    assert_eq!(file.size, 600);
    // The stored file takes 600 of the 1000; b's 400 bytes still fit exactly.
    let (b, _) = assemble(&server, &gina, "b", &home, "b.bin", None)
        .await
        .unwrap();
    assert_eq!(b.size, 400);
    server
        .ferry
        .begin_upload(&gina, "c", None, None)
        .await
        .unwrap();
    put(&server, &gina, "c", "1", &[]).await;
    let staged = stage(&server, b"x").await;
    assert_code(
        server.ferry.put_chunk(&gina, "c", "2", staged).await,
        "quota-exceeded",
    );
}

#[tokio::test]
async fn another_users_session_is_invisible() {
    let server = TestServer::start().await;
    let hana = user(&server, "hana", 0).await;
    let ivan = user(&server, "ivan", 0).await;
    let ivan_home = home(&server, &ivan).await;
    server
        .ferry
        .begin_upload(&hana, "mine", None, None)
        .await
        .unwrap();
    put(&server, &hana, "mine", "1", b"hana's").await;

    assert_code(
        server.ferry.upload_session(&ivan, "mine").await,
        "not-found",
    );
    assert_code(server.ferry.list_chunks(&ivan, "mine").await, "not-found");
    let staged = stage(&server, b"ivan's").await;
    assert_code(
        server.ferry.put_chunk(&ivan, "mine", "2", staged).await,
        "not-found",
    );
    assert_code(
        server.ferry.delete_chunk(&ivan, "mine", "1").await,
        "not-found",
    );
    assert_code(server.ferry.delete_upload(&ivan, "mine").await, "not-found");
    assert_code(
        assemble(&server, &ivan, "mine", &ivan_home, "stolen.bin", None).await,
        "not-found",
    );
    // The same name is free for ivan: sessions are per user.
    server
        .ferry
        .begin_upload(&ivan, "mine", None, None)
        .await
        .unwrap();
    assert_eq!(server.ferry.list_chunks(&ivan, "mine").await.unwrap(), []);
    let hanas = server.ferry.list_chunks(&hana, "mine").await.unwrap();
    assert_eq!(hanas.len(), 1);
    assert_eq!(hanas[0].size, 6);
    // Only users have upload sessions.
    assert_code(
        server
            .ferry
            .begin_upload(&Actor::System, "sys", None, None)
            .await,
        "invalid-input",
    );
}

#[tokio::test]
async fn resume_listing_and_tolerant_deletes() {
    let server = TestServer::start().await;
    let jo = user(&server, "jo", 0).await;
    let session = server
        .ferry
        .begin_upload(&jo, "resume", None, None)
        .await
        .unwrap();
    assert_code(
        server.ferry.begin_upload(&jo, "resume", None, None).await,
        "already-exists",
    );
    assert_eq!(
        server.ferry.upload_session(&jo, "resume").await.unwrap(),
        session
    );
    put(&server, &jo, "resume", "0000000000000000", &[0; 100]).await;
    put(&server, &jo, "resume", "0000000000000001", &[1; 50]).await;
    // A client that resumes re-sends the part it is unsure of: the part is replaced.
    put(&server, &jo, "resume", "0000000000000001", &[1; 70]).await;
    let listed = server.ferry.list_chunks(&jo, "resume").await.unwrap();
    let seen: Vec<(&str, u64)> = listed.iter().map(|c| (c.name.as_str(), c.size)).collect();
    assert_eq!(seen, [("0000000000000000", 100), ("0000000000000001", 70)]);
    assert_eq!(listed[1].content_hash, sha256(&[1; 70]));

    server
        .ferry
        .delete_chunk(&jo, "resume", "0000000000000001")
        .await
        .unwrap();
    assert_code(
        server
            .ferry
            .delete_chunk(&jo, "resume", "0000000000000001")
            .await,
        "not-found",
    );
    assert_eq!(
        server.ferry.list_chunks(&jo, "resume").await.unwrap().len(),
        1
    );
    server.ferry.delete_upload(&jo, "resume").await.unwrap();
    assert_code(server.ferry.delete_upload(&jo, "resume").await, "not-found");
    assert_code(server.ferry.list_chunks(&jo, "resume").await, "not-found");
    // rclone deletes first, then makes the folder again.
    server
        .ferry
        .begin_upload(&jo, "resume", None, None)
        .await
        .unwrap();
}

#[tokio::test]
async fn assembling_onto_an_existing_file_adds_a_revision() {
    let server = TestServer::start().await;
    let kai = user(&server, "kai", 0).await;
    let home = home(&server, &kai).await;
    let mut ids = Vec::new();
    for (round, text) in [
        (1, &b"first version"[..]),
        (2, &b"second, longer version"[..]),
    ] {
        let transfer = format!("round-{round}");
        server
            .ferry
            .begin_upload(&kai, &transfer, None, None)
            .await
            .unwrap();
        put(&server, &kai, &transfer, "a", &text[..5]).await;
        put(&server, &kai, &transfer, "b", &text[5..]).await;
        let mtime = 1_600_000_000_000 + round;
        let (node, created) = server
            .ferry
            .assemble_upload(&kai, &transfer, home.id, "doc.txt", None, Some(mtime))
            .await
            .unwrap();
        assert_eq!(created, round == 1);
        assert_eq!(node.revision, round);
        assert_eq!(node.updated_ms, mtime, "X-OC-Mtime is kept");
        assert_eq!(read_back(&server, &kai, &node).await, text);
        ids.push(node.id);
    }
    assert_eq!(ids[0], ids[1], "the same file, a new revision");
    // The home folder's etag moved with the new content, so sync clients look again.
    let after = server
        .ferry
        .place_info(&kai, Location::Node(home.id))
        .await
        .unwrap();
    let Place::Node(after) = after.place else {
        panic!("home is a node")
    };
    assert_ne!(after.etag, home.etag);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn legacy_parallel_parts_complete_exactly_once() {
    let server = TestServer::start().await;
    legacy_parallel_parts(&server).await;
}

/// The same race on PostgreSQL (when `FERRY_TEST_POSTGRES_URL` is set), whose write
/// transactions run side by side where SQLite's take turns: the session row lock decides.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn legacy_parallel_parts_complete_exactly_once_on_postgres() {
    let Ok(url) = std::env::var("FERRY_TEST_POSTGRES_URL") else {
        eprintln!("FERRY_TEST_POSTGRES_URL is not set: skipping the PostgreSQL race");
        return;
    };
    let schema = format!("it_{}", uuid::Uuid::new_v4().simple());
    let store = ferry_store_postgres::PgStore::open_in_schema(&url, &schema)
        .await
        .unwrap();
    let server = TestServer::start_on(std::sync::Arc::new(store)).await;
    legacy_parallel_parts(&server).await;
    drop(server);
    ferry_store_postgres::PgStore::drop_schema(&url, &schema)
        .await
        .unwrap();
}

async fn legacy_parallel_parts(server: &TestServer) {
    let lea = user(server, "lea", 0).await;
    let home = home(server, &lea).await;
    let file = pattern(3 * 1024 * 1024 + 17, 11);
    let count = 8;
    let size = file.len().div_ceil(count);
    let mut tasks = Vec::new();
    // Highest index first, so the last one in is not the last index.
    for index in (0..count).rev() {
        let part = file[index * size..((index + 1) * size).min(file.len())].to_vec();
        let ferry = server.ferry.clone();
        let lea = lea.clone();
        let parent = home.id;
        let total = file.len() as u64;
        tasks.push(tokio::spawn(async move {
            let pieces: Vec<Result<Bytes, Error>> = vec![Ok(Bytes::from(part))];
            let staged = ferry.stage(futures::stream::iter(pieces), None).await?;
            let name = format!("movie.mp4-chunking-4242-{count}-{index}");
            ferry
                .put_legacy_chunk(
                    &lea,
                    parent,
                    &name,
                    staged,
                    Some(total),
                    Some(1_500_000_000_000),
                )
                .await
        }));
    }
    let mut completed = Vec::new();
    let mut pending = 0;
    for task in tasks {
        match task.await.unwrap().unwrap() {
            LegacyChunkOutcome::Pending => pending += 1,
            LegacyChunkOutcome::Completed { node, created } => completed.push((node, created)),
        }
    }
    assert_eq!(pending, count - 1);
    assert_eq!(completed.len(), 1, "exactly one request completes the file");
    let (node, created) = &completed[0];
    assert!(created);
    assert_eq!(node.name, "movie.mp4");
    assert_eq!(node.updated_ms, 1_500_000_000_000);
    assert_eq!(sha256(&read_back(server, &lea, node).await), sha256(&file));

    // The same transfer again, once done, starts afresh and makes a new revision.
    let mut last = LegacyChunkOutcome::Pending;
    for index in 0..2 {
        let staged = stage(server, if index == 0 { b"ab" } else { b"cd" }).await;
        let name = format!("movie.mp4-chunking-4242-2-{index}");
        last = server
            .ferry
            .put_legacy_chunk(&lea, home.id, &name, staged, Some(4), None)
            .await
            .unwrap();
        if index == 0 {
            assert_eq!(last, LegacyChunkOutcome::Pending);
        }
    }
    let LegacyChunkOutcome::Completed {
        node: again,
        created,
    } = last
    else {
        panic!("the second part completes");
    };
    assert!(!created);
    assert_eq!(again.id, node.id);
    assert_eq!(again.revision, 2);
    assert_eq!(read_back(server, &lea, &again).await, b"abcd");
}

#[tokio::test]
async fn legacy_parts_must_agree_with_their_transfer() {
    let server = TestServer::start().await;
    let max = user(&server, "max", 0).await;
    let home = home(&server, &max).await;
    let put_legacy = |name: &'static str, bytes: &'static [u8], total: Option<u64>| {
        let server = &server;
        let max = &max;
        let home = &home;
        async move {
            let staged = stage(server, bytes).await;
            server
                .ferry
                .put_legacy_chunk(max, home.id, name, staged, total, None)
                .await
        }
    };
    assert_code(put_legacy("plain.txt", b"x", None).await, "invalid-input");
    assert_code(
        put_legacy("a-chunking-1-2-2", b"x", None).await,
        "invalid-input",
    );
    assert_code(
        put_legacy("a/b-chunking-1-2-0", b"x", None).await,
        "invalid-input",
    );
    assert_eq!(
        put_legacy("a.txt-chunking-7-3-0", b"xx", Some(5))
            .await
            .unwrap(),
        LegacyChunkOutcome::Pending
    );
    // Another file or part count under the same transfer id, or a total past the first.
    assert_code(
        put_legacy("b.txt-chunking-7-3-1", b"x", Some(5)).await,
        "invalid-input",
    );
    assert_code(
        put_legacy("a.txt-chunking-7-4-1", b"x", Some(5)).await,
        "invalid-input",
    );
    assert_code(
        put_legacy("a.txt-chunking-7-3-1", b"x", Some(6)).await,
        "invalid-input",
    );
    assert_code(
        put_legacy("a.txt-chunking-7-3-1", b"xxxx", None).await,
        "invalid-input",
    );
    assert_eq!(
        put_legacy("a.txt-chunking-7-3-1", b"yy", None)
            .await
            .unwrap(),
        LegacyChunkOutcome::Pending
    );
    // The last part brings the total short: the assembly fails and the claim is released,
    // so re-sending a part retries it.
    assert_code(
        put_legacy("a.txt-chunking-7-3-2", b"", None).await,
        "invalid-input",
    );
    let done = put_legacy("a.txt-chunking-7-3-2", b"z", None)
        .await
        .unwrap();
    let LegacyChunkOutcome::Completed { node, .. } = done else {
        panic!("complete, got {done:?}");
    };
    assert_eq!(read_back(&server, &max, &node).await, b"xxyyz");
}

#[tokio::test]
async fn sessions_expire_after_a_day_idle() {
    let server = TestServer::start().await;
    let nia = user(&server, "nia", 0).await;
    server
        .ferry
        .begin_upload(&nia, "slow", None, None)
        .await
        .unwrap();
    server
        .ferry
        .begin_upload(&nia, "idle", None, None)
        .await
        .unwrap();
    server.clock.advance_ms(UPLOAD_IDLE_TTL_MS - HOUR_MS);
    // A part keeps its session alive.
    put(&server, &nia, "slow", "1", b"still here").await;
    server.clock.advance_ms(HOUR_MS + 1);
    assert_code(server.ferry.list_chunks(&nia, "idle").await, "not-found");
    let staged = stage(&server, b"late").await;
    assert_code(
        server.ferry.put_chunk(&nia, "idle", "1", staged).await,
        "not-found",
    );
    assert_eq!(
        server.ferry.list_chunks(&nia, "slow").await.unwrap().len(),
        1
    );
    // Before the sweep reaches it, the expired name is free again.
    server
        .ferry
        .begin_upload(&nia, "idle", None, None)
        .await
        .unwrap();
    server.clock.advance_ms(UPLOAD_IDLE_TTL_MS + 1);
    assert_eq!(server.ferry.sweep_uploads().await.unwrap(), 2);
    assert_eq!(server.ferry.sweep_uploads().await.unwrap(), 0);
    assert_code(server.ferry.list_chunks(&nia, "slow").await, "not-found");
}

#[tokio::test]
async fn the_blob_sweep_keeps_parts_of_live_sessions() {
    let server = TestServer::start().await;
    let oli = user(&server, "oli", 0).await;
    let home = home(&server, &oli).await;
    server
        .ferry
        .begin_upload(&oli, "kept", None, None)
        .await
        .unwrap();
    server
        .ferry
        .begin_upload(&oli, "dropped", None, None)
        .await
        .unwrap();
    put(&server, &oli, "kept", "1", b"part of a live upload").await;
    put(&server, &oli, "dropped", "1", b"part of a dropped upload").await;
    server.ferry.delete_upload(&oli, "dropped").await.unwrap();
    // The blobs are older than the sweep's grace period (an hour) by now.
    server.clock.advance_ms(2 * HOUR_MS);
    assert_eq!(
        server.ferry.sweep_blobs(HOUR_MS).await.unwrap(),
        1,
        "only the dropped upload's part goes"
    );
    let (file, _) = assemble(&server, &oli, "kept", &home, "kept.txt", None)
        .await
        .unwrap();
    assert_eq!(
        read_back(&server, &oli, &file).await,
        b"part of a live upload"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parts_cannot_change_while_the_upload_is_assembled() {
    let server = TestServer::start().await;
    let pat = user(&server, "pat", 0).await;
    let home = home(&server, &pat).await;
    server
        .ferry
        .begin_upload(&pat, "race", None, None)
        .await
        .unwrap();
    put(&server, &pat, "race", "1", &pattern(2 * 1024 * 1024, 3)).await;
    // Two MOVEs at once: one assembles; the other is refused (423 while it runs, 404 after).
    let tasks: Vec<_> = (0..2)
        .map(|i| {
            let ferry = server.ferry.clone();
            let pat = pat.clone();
            let parent = home.id;
            tokio::spawn(async move {
                ferry
                    .assemble_upload(&pat, "race", parent, &format!("r{i}.bin"), None, None)
                    .await
            })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => won += 1,
            Err(e) => assert!(matches!(e, Error::Locked | Error::NotFound), "{e}"),
        }
    }
    assert_eq!(won, 1);
}
