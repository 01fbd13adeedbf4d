//! Uploads through tokens, revisions, downloads and views with ranges, and quotas.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{TestServer, assert_error};

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

async fn used_bytes(server: &TestServer, uuid: &str) -> i64 {
    server
        .ferry
        .user_profile(&ferry_core::Actor::System, uuid.parse().unwrap())
        .await
        .unwrap()
        .used_bytes
}

#[tokio::test]
async fn upload_then_download_byte_identical_with_headers() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let bytes = pattern(300_000);
    let (status, body) = server
        .upload(&alice, "home", &[("report.pdf", bytes.clone())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "success");
    assert_eq!(body["msg"], "File(s) uploaded successfully");
    let uuid = server.find(&alice, "home", "report.pdf").await.unwrap();
    assert_eq!(body["data"][0]["uuid"], uuid.as_str());

    let resp = server.download(&alice, &uuid, 999_999_999_999_999).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert_eq!(resp.headers()["content-length"], "300000");
    assert_eq!(resp.headers()["accept-ranges"], "bytes");
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"report.pdf\"")
    );
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let view = server
        .client
        .get(format!(
            "{}/resources/auth/view/{}/{uuid}/1/report.pdf",
            server.url, alice.key
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(view.status(), StatusCode::OK);
    assert!(
        view.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );

    let head = server
        .client
        .head(format!(
            "{}/resources/auth/download/{}/{uuid}/1/report.pdf",
            server.url, alice.key
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["content-length"], "300000");

    let cached = server
        .client
        .get(format!(
            "{}/resources/auth/download/{}/{uuid}/1/x",
            server.url, alice.key
        ))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(used_bytes(&server, &alice.uuid).await, 300_000);
}

#[tokio::test]
async fn ranges_answer_206_and_416() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let bytes = pattern(1000);
    server
        .upload(&alice, "home", &[("data.bin", bytes.clone())])
        .await;
    let uuid = server.find(&alice, "home", "data.bin").await.unwrap();
    let url = format!(
        "{}/resources/auth/download/{}/{uuid}/1/data.bin",
        server.url, alice.key
    );
    for (range, start, end) in [
        ("bytes=0-9", 0, 9),
        ("bytes=990-", 990, 999),
        ("bytes=-10", 990, 999),
        ("bytes=500-5000", 500, 999),
    ] {
        let resp = server
            .client
            .get(&url)
            .header("range", range)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            resp.headers()["content-range"],
            format!("bytes {start}-{end}/1000").as_str()
        );
        assert_eq!(resp.bytes().await.unwrap().as_ref(), &bytes[start..=end]);
    }
    let resp = server
        .client
        .get(&url)
        .header("range", "bytes=1000-")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(resp.headers()["content-range"], "bytes */1000");
}

#[tokio::test]
async fn same_name_uploads_and_file_tokens_make_revisions() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    server
        .upload(&alice, "home", &[("notes.txt", b"one".to_vec())])
        .await;
    let uuid = server.find(&alice, "home", "notes.txt").await.unwrap();
    server
        .upload(&alice, "home", &[("notes.txt", b"two!".to_vec())])
        .await;
    assert_eq!(
        server.find(&alice, "home", "notes.txt").await.unwrap(),
        uuid,
        "same node, new revision"
    );
    let (status, body) = server
        .upload(&alice, &uuid, &[("ignored-name.txt", b"three".to_vec())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, listing) = server.get("/api/nodes/home/dirlist", &alice).await;
    assert_eq!(listing["data"][0]["revision"], 3);
    assert_eq!(listing["data"][0]["size"], 5);
    assert_eq!(listing["data"][0]["name"], "notes.txt");
    for (version, expected) in [
        (1, &b"one"[..]),
        (2, b"two!"),
        (3, b"three"),
        (999_999_999_999_999, b"three"),
    ] {
        let resp = server.download(&alice, &uuid, version).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.bytes().await.unwrap().as_ref(), expected);
    }
    let resp = server.download(&alice, &uuid, 4).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = server.download(&alice, &uuid, 0).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        used_bytes(&server, &alice.uuid).await,
        3 + 4 + 5,
        "every revision counts"
    );

    // A file token takes exactly one file.
    let (status, body) = server
        .upload(&alice, &uuid, &[("a", b"1".to_vec()), ("b", b"2".to_vec())])
        .await;
    assert_error(status, &body, 400);
    // A folder of the same name is not overwritten by a file.
    server.mkdir(&alice, "home", "folder").await;
    let (status, body) = server
        .upload(&alice, "home", &[("folder", b"x".to_vec())])
        .await;
    assert_error(status, &body, 409);
}

#[tokio::test]
async fn several_files_in_one_upload() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let (status, body) = server
        .upload(
            &alice,
            "home",
            &[
                ("a.txt", b"a".to_vec()),
                ("b.txt", b"bb".to_vec()),
                ("Ünïcødé 文件.txt", b"u".to_vec()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        server.names(&alice, "home").await,
        vec!["a.txt", "b.txt", "Ünïcødé 文件.txt"]
    );
}

#[tokio::test]
async fn upload_tokens_work_once_and_expire() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let token = server.upload_token(&alice, "home").await;
    let (status, _) = server
        .upload_with(&token, &[("first.txt", b"1".to_vec())])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = server
        .upload_with(&token, &[("second.txt", b"2".to_vec())])
        .await;
    assert_error(status, &body, 401);

    let late = server.upload_token(&alice, "home").await;
    server.clock.advance_ms(5_001);
    let (status, body) = server
        .upload_with(&late, &[("late.txt", b"3".to_vec())])
        .await;
    assert_error(status, &body, 401);
    let (status, body) = server
        .upload_with("made-up-token", &[("x.txt", b"4".to_vec())])
        .await;
    assert_error(status, &body, 401);
    assert_eq!(server.names(&alice, "home").await, vec!["first.txt"]);
}

#[tokio::test]
async fn bad_uploads_create_nothing() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    for name in ["a/b.txt", "..", "ctl\u{1}.txt"] {
        let (status, body) = server
            .upload(&alice, "home", &[(name, b"x".to_vec())])
            .await;
        assert_error(status, &body, 400);
    }
    // Not multipart at all.
    let token = server.upload_token(&alice, "home").await;
    let (status, body) = server
        .raw(
            Method::POST,
            &format!("/upload/{token}"),
            None,
            b"plain".to_vec(),
        )
        .await;
    assert_error(status, &body, 400);
    // Multipart with no file part.
    let token = server.upload_token(&alice, "home").await;
    let form = reqwest::multipart::Form::new().text("note", "hello");
    let resp = server
        .client
        .post(format!("{}/upload/{token}", server.url))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    // Into a trashed folder.
    let dir = server.mkdir(&alice, "home", "dir").await;
    server
        .json(
            Method::DELETE,
            &format!("/api/nodes/{dir}"),
            Some(&alice.token),
            None,
        )
        .await;
    let (status, body) = server
        .get(&format!("/api/nodes/{dir}/upload"), &alice)
        .await;
    assert_error(status, &body, 400);
    // Into a view that is not a folder.
    let (status, body) = server.get("/api/nodes/favorites/upload", &alice).await;
    assert_error(status, &body, 400);

    assert!(server.names(&alice, "home").await.is_empty());
    assert_eq!(used_bytes(&server, &alice.uuid).await, 0);
    let staging = std::fs::read_dir(server.dir.path().join("blobs/staging"))
        .unwrap()
        .count();
    assert_eq!(staging, 0, "no staged bytes are left behind");
}

#[tokio::test]
async fn quota_is_enforced_and_usage_exact() {
    let server = TestServer::start().await;
    let uuid = server.add_user("alice@example.com", 10_000).await;
    let alice = server.login("alice@example.com").await;
    let (status, _) = server
        .upload(&alice, "home", &[("fits.bin", pattern(6_000))])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(used_bytes(&server, &uuid).await, 6_000);

    let (status, body) = server
        .upload(&alice, "home", &[("too-big.bin", pattern(5_000))])
        .await;
    assert_error(status, &body, 507);
    // Several files that only together pass the quota: all or nothing.
    let (status, body) = server
        .upload(
            &alice,
            "home",
            &[("a.bin", pattern(3_000)), ("b.bin", pattern(3_000))],
        )
        .await;
    assert_error(status, &body, 507);
    // A copy counts too.
    let fits = server.find(&alice, "home", "fits.bin").await.unwrap();
    let (status, body) = server
        .post(
            &format!("/api/nodes/{fits}"),
            &alice,
            json!({"copy_to": "home"}),
        )
        .await;
    assert_error(status, &body, 507);

    assert_eq!(server.names(&alice, "home").await, vec!["fits.bin"]);
    assert_eq!(used_bytes(&server, &uuid).await, 6_000);
    let staging = std::fs::read_dir(server.dir.path().join("blobs/staging"))
        .unwrap()
        .count();
    assert_eq!(staging, 0);

    // Deleting for good frees the space.
    server
        .json(
            Method::DELETE,
            &format!("/api/nodes/{fits}"),
            Some(&alice.token),
            None,
        )
        .await;
    assert_eq!(
        used_bytes(&server, &uuid).await,
        6_000,
        "the trash still counts"
    );
    server
        .json(
            Method::DELETE,
            &format!("/api/nodes/{fits}"),
            Some(&alice.token),
            None,
        )
        .await;
    assert_eq!(used_bytes(&server, &uuid).await, 0);
    let (status, _) = server
        .upload(&alice, "home", &[("now.bin", pattern(9_000))])
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn file_access_keys_are_checked() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    server
        .upload(&alice, "home", &[("a.txt", b"a".to_vec())])
        .await;
    let uuid = server.find(&alice, "home", "a.txt").await.unwrap();
    for url in [
        format!("/resources/auth/download/wrong-key/{uuid}/1/a.txt"),
        format!("/resources/auth/download/{}/{uuid}/1/a.txt", alice.token),
    ] {
        let resp = server
            .client
            .get(format!("{}{url}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{url}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["status"], "error");
    }
    for (url, code) in [
        (
            format!("/resources/auth/download/{}/not-a-uuid/1/a.txt", alice.key),
            404,
        ),
        (
            format!("/resources/auth/download/{}/{uuid}/latest/a.txt", alice.key),
            400,
        ),
        (
            format!("/resources/auth/fetch/{}/{uuid}/1/a.txt", alice.key),
            404,
        ),
    ] {
        let resp = server
            .client
            .get(format!("{}{url}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), code, "{url}");
    }
    // Folders have no content.
    let resp = server
        .download(
            &alice,
            &server.find(&alice, "home", "a.txt").await.unwrap(),
            1,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let dir = server.mkdir(&alice, "home", "d").await;
    let resp = server.download(&alice, &dir, 1).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}
