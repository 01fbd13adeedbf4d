//! rclone (Debian, webdav backend) with `vendor=nextcloud` and with `vendor=other`: copy a
//! tree up, check it, move, delete and list.

use std::time::Duration;

use ferry_core::Actor;
use ferry_core::accounts::NewUser;

use super::{available, local_tree, make_tree, server_tree};
use crate::harness::{PASSWORD, TestServer};

async fn rclone(server: &TestServer, vendor: &str, obscured: &str, args: &[&str]) -> String {
    let out = tokio::time::timeout(
        Duration::from_secs(300),
        tokio::process::Command::new("rclone")
            .args(args)
            .env("RCLONE_CONFIG", "/dev/null")
            .env("RCLONE_CONFIG_FERRY_TYPE", "webdav")
            .env(
                "RCLONE_CONFIG_FERRY_URL",
                format!("{}/remote.php/dav/files/bob", server.url),
            )
            .env("RCLONE_CONFIG_FERRY_VENDOR", vendor)
            .env("RCLONE_CONFIG_FERRY_USER", "bob")
            .env("RCLONE_CONFIG_FERRY_PASS", obscured)
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("rclone finished within 5 minutes")
    .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "rclone {args:?} failed: {text}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn round_trip(vendor: &str) {
    if !available("rclone") {
        return;
    }
    let server = TestServer::start().await;
    server
        .ferry
        .create_user(
            &Actor::System,
            NewUser {
                username: "bob".into(),
                email: Some("bob@example.com".into()),
                display_name: "Bob".into(),
                password: PASSWORD.into(),
                is_admin: false,
                quota_bytes: 0,
            },
        )
        .await
        .unwrap();
    let actor = server
        .ferry
        .authenticate_password("bob", PASSWORD)
        .await
        .unwrap();
    let obscured = std::process::Command::new("rclone")
        .args(["obscure", PASSWORD])
        .output()
        .unwrap();
    let obscured = String::from_utf8(obscured.stdout)
        .unwrap()
        .trim()
        .to_owned();

    let local = tempfile::tempdir().unwrap();
    make_tree(local.path());
    let src = local.path().to_str().unwrap();
    rclone(&server, vendor, &obscured, &["copy", src, "ferry:tree"]).await;
    rclone(&server, vendor, &obscured, &["check", src, "ferry:tree"]).await;
    let on_server = server_tree(&server.ferry, &actor).await;
    let mut expected: std::collections::BTreeMap<String, String> =
        local_tree(local.path(), &|_| false)
            .into_iter()
            .map(|(k, v)| (format!("tree/{k}"), v))
            .collect();
    expected.insert("tree".into(), "dir".into());
    // rclone does not create empty folders on copy.
    expected.remove("tree/empty folder");
    assert_eq!(on_server, expected);

    rclone(
        &server,
        vendor,
        &obscured,
        &[
            "moveto",
            "ferry:tree/small-000.txt",
            "ferry:tree/docs/moved.txt",
        ],
    )
    .await;
    rclone(&server, vendor, &obscured, &["purge", "ferry:tree/photos"]).await;
    let listing = rclone(&server, vendor, &obscured, &["lsf", "-R", "ferry:tree"]).await;
    assert!(listing.contains("docs/moved.txt"), "{listing}");
    assert!(!listing.contains("small-000.txt\n") || listing.contains("docs/moved.txt"));
    assert!(!listing.contains("photos/"), "{listing}");
    assert!(listing.contains("Ünïcødé 文件 ☂.txt"), "{listing}");
    let after = server_tree(&server.ferry, &actor).await;
    assert!(after.contains_key("tree/docs/moved.txt") && !after.contains_key("tree/small-000.txt"));
    assert!(!after.keys().any(|k| k.starts_with("tree/photos")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rclone_with_vendor_nextcloud() {
    round_trip("nextcloud").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rclone_with_vendor_other() {
    round_trip("other").await;
}
