//! SIGKILL in the middle of a large upload: after a restart no partial file is visible, the
//! staging area is clean, and every earlier file is intact byte for byte.

use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::cli::{ferry, free_port, wait_healthy};

const ADMIN_PASSWORD: &str = "Crash-Test-Passw0rd";

struct Running {
    child: tokio::process::Child,
    base: String,
}

async fn start(dir: &std::path::Path) -> Running {
    let port = free_port();
    let child = tokio::process::Command::from(ferry(dir))
        .env("FERRY_LISTEN", format!("127.0.0.1:{port}"))
        .env("FERRY_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .arg("serve")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    wait_healthy(&base).await;
    Running { child, base }
}

async fn login(client: &reqwest::Client, base: &str) -> (String, String) {
    let body: serde_json::Value = client
        .post(format!("{base}/auth"))
        .json(&serde_json::json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        body["token"].as_str().unwrap().to_owned(),
        body["fileaccesskey"].as_str().unwrap().to_owned(),
    )
}

async fn token_for_home(client: &reqwest::Client, base: &str, session: &str) -> String {
    let body: serde_json::Value = client
        .get(format!("{base}/api/nodes/home/upload"))
        .bearer_auth(session)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_owned()
}

async fn listing(client: &reqwest::Client, base: &str, session: &str) -> Vec<(String, String)> {
    let body: serde_json::Value = client
        .get(format!("{base}/api/nodes/home/dirlist"))
        .bearer_auth(session)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["uuid"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn staged_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir.join("blobs/staging"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn sigkill_mid_upload_leaves_no_partial_file_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let mut server = start(dir.path()).await;
    let (session, _) = login(&client, &server.base).await;

    // Earlier files, acknowledged before the crash.
    let mut earlier = Vec::new();
    for i in 0..3u8 {
        let content: Vec<u8> = (0..200_000u32)
            .map(|j| (j as u8).wrapping_mul(i + 7))
            .collect();
        let name = format!("earlier-{i}.bin");
        let token = token_for_home(&client, &server.base, &session).await;
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(content.clone()).file_name(name.clone()),
        );
        let resp = client
            .post(format!("{}/upload/{token}", server.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        earlier.push((name, Sha256::digest(&content).to_vec()));
    }

    // A large upload that trickles in, killed once a good part of it is staged.
    let token = token_for_home(&client, &server.base, &session).await;
    let chunk = Bytes::from(vec![0x5au8; 256 * 1024]);
    let body = futures::stream::unfold(0u32, move |n| {
        let chunk = chunk.clone();
        async move {
            if n >= 4096 {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
            Some((Ok::<Bytes, std::io::Error>(chunk), n + 1))
        }
    });
    let part =
        reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(body)).file_name("large.bin");
    let form = reqwest::multipart::Form::new().part("file", part);
    let upload = tokio::spawn(
        client
            .post(format!("{}/upload/{token}", server.base))
            .multipart(form)
            .send(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while staged_bytes(dir.path()) < 8 * 1024 * 1024 {
        assert!(
            Instant::now() < deadline,
            "the large upload never got going"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.child.start_kill().unwrap();
    server.child.wait().await.unwrap();
    assert!(
        upload.await.unwrap().is_err(),
        "the interrupted upload must not be acknowledged"
    );

    let server = start(dir.path()).await;
    let (session, key) = login(&client, &server.base).await;
    let files = listing(&client, &server.base, &session).await;
    let names: Vec<_> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        vec!["earlier-0.bin", "earlier-1.bin", "earlier-2.bin"],
        "no partial file is visible"
    );
    assert_eq!(
        staged_bytes(dir.path()),
        0,
        "the restart cleaned the staging area"
    );
    for ((name, uuid), (expected_name, digest)) in files.iter().zip(&earlier) {
        assert_eq!(name, expected_name);
        let bytes = client
            .get(format!(
                "{}/resources/auth/download/{key}/{uuid}/999999999999999/{name}",
                server.base
            ))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(Sha256::digest(&bytes).to_vec(), *digest, "{name} changed");
    }
}
