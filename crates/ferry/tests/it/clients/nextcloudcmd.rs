//! nextcloudcmd 3.7 (Debian `nextcloud-desktop-cmd`): three sync rounds, after each of which
//! both sides hold the same tree byte for byte.

use std::time::Duration;

use ferry_core::Actor;
use ferry_core::accounts::NewUser;

use super::{available, bytes, local_tree, make_tree, server_tree, write};
use crate::harness::{PASSWORD, TestServer};

/// The client's own journal and log files, which never go to the server.
fn journal(name: &str) -> bool {
    name.starts_with(".sync_")
        || name.starts_with("._sync_")
        || name == ".owncloudsync.log"
        || name == ".nextcloudsync.log"
}

async fn sync(server: &TestServer, local: &std::path::Path) {
    let out = tokio::time::timeout(
        Duration::from_secs(300),
        tokio::process::Command::new("nextcloudcmd")
            .args(["--non-interactive", "-u", "alice", "-p", PASSWORD])
            .arg(local)
            .arg(&server.url)
            .env("QT_QPA_PLATFORM", "offscreen")
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("nextcloudcmd finished within 5 minutes")
    .unwrap();
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "nextcloudcmd failed: {log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nextcloudcmd_syncs_up_changes_and_down() {
    if !available("nextcloudcmd") {
        return;
    }
    let server = TestServer::start().await;
    let alice = server
        .ferry
        .create_user(
            &Actor::System,
            NewUser {
                username: "alice".into(),
                email: Some("alice@example.com".into()),
                display_name: "Alice".into(),
                password: PASSWORD.into(),
                is_admin: false,
                quota_bytes: 0,
            },
        )
        .await
        .unwrap();
    let actor = server
        .ferry
        .authenticate_password("alice", PASSWORD)
        .await
        .unwrap();
    let local = tempfile::tempdir().unwrap();

    // Round 1: the whole tree goes up.
    make_tree(local.path());
    sync(&server, local.path()).await;
    let expected = local_tree(local.path(), &journal);
    assert_eq!(
        server_tree(&server.ferry, &actor).await,
        expected,
        "round 1"
    );
    assert!(expected.contains_key("big/thirty.bin"));

    // Round 2: change, delete and rename locally.
    write(local.path(), "docs/small-001.txt", b"changed locally");
    std::fs::remove_file(local.path().join("photos/2026/small-003.txt")).unwrap();
    std::fs::rename(
        local.path().join("small-000.txt"),
        local.path().join("renamed-000.txt"),
    )
    .unwrap();
    sync(&server, local.path()).await;
    assert_eq!(
        server_tree(&server.ferry, &actor).await,
        local_tree(local.path(), &journal),
        "round 2"
    );

    // Round 3: changes made on the server through the FileAgo API come down.
    let session = server.login("alice").await;
    let docs = server.find(&session, "home", "docs").await.unwrap();
    let (status, _) = server
        .upload(&session, &docs, &[("small-005.txt", bytes(5000, 99))])
        .await;
    assert!(status.is_success());
    let (status, _) = server
        .upload(
            &session,
            "home",
            &[("from-server.txt", b"made on the server".to_vec())],
        )
        .await;
    assert!(status.is_success());
    let gone = server
        .find(&session, "home", "small-004.txt")
        .await
        .unwrap();
    let (status, _) = server
        .json(
            reqwest::Method::DELETE,
            &format!("/api/nodes/{gone}"),
            Some(&session.token),
            None,
        )
        .await;
    assert!(status.is_success());
    sync(&server, local.path()).await;
    let after = local_tree(local.path(), &journal);
    assert_eq!(server_tree(&server.ferry, &actor).await, after, "round 3");
    assert!(after.contains_key("from-server.txt") && !after.contains_key("small-004.txt"));
    drop(alice);
}
