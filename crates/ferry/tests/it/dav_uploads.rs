//! Chunked uploads over HTTP, as the clients send them: NG (v1) upload folders with parts
//! out of order and a resume listing, v2 with a `Destination` and numeric part order,
//! legacy `-chunking-` PUTs with exactly one ETag reply, and the refusals.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::harness::{PASSWORD, TestServer};

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// A request as `user` to a path on the server (`/remote.php/dav/…`).
pub async fn call(
    s: &TestServer,
    user: &str,
    verb: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> Reply {
    let mut req = s
        .client
        .request(
            Method::from_bytes(verb.as_bytes()).unwrap(),
            format!("{}{path}", s.url),
        )
        .basic_auth(user, Some(PASSWORD))
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    Reply {
        status: resp.status(),
        headers: resp.headers().clone(),
        bytes: resp.bytes().await.unwrap().to_vec(),
    }
}

pub async fn user(s: &TestServer, name: &str) -> String {
    let login = format!("{name}@example.org");
    s.add_user(&login, 0).await;
    login
}

/// Bytes that differ per seed and position, so a misordered join shows.
fn part(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| {
            (i as u8)
                .wrapping_mul(7)
                .wrapping_add(seed.wrapping_mul(13))
        })
        .collect()
}

const PARTS_PROPS: &str = r#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getcontentlength/><d:getetag/><d:resourcetype/></d:prop></d:propfind>"#;

#[tokio::test]
async fn ng_chunking_joins_out_of_order_and_lists_parts_for_resume() {
    let s = TestServer::start().await;
    let u = user(&s, "ng").await;
    let up = format!("/remote.php/dav/uploads/{u}/4711");
    let (a, b, c) = (part(1000, 1), part(2500, 2), part(10, 3));
    let total = (a.len() + b.len() + c.len()).to_string();

    let made = call(&s, &u, "MKCOL", &up, &[("OC-Total-Length", &total)], "").await;
    assert_eq!(made.status, StatusCode::CREATED);
    assert_eq!(
        call(&s, &u, "MKCOL", &up, &[], "").await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    for (name, bytes) in [
        ("0000000000000002", &c),
        ("0000000000000000", &a),
        ("0000000000000001", &b),
    ] {
        let put = call(&s, &u, "PUT", &format!("{up}/{name}"), &[], bytes.clone()).await;
        assert_eq!(put.status, StatusCode::CREATED, "{name}");
    }

    // The resume listing: the folder, then each part with its length.
    let listed = call(&s, &u, "PROPFIND", &up, &[("Depth", "1")], PARTS_PROPS).await;
    assert_eq!(listed.status, StatusCode::MULTI_STATUS);
    assert_eq!(
        listed.header("content-type"),
        "application/xml; charset=utf-8"
    );
    let text = listed.text();
    assert_eq!(text.matches("<d:response>").count(), 4, "{text}");
    assert!(text.contains(&format!("<d:href>{up}/0000000000000001</d:href>")));
    assert!(text.contains("<d:getcontentlength>2500</d:getcontentlength>"));
    assert!(text.contains("<d:getcontentlength>10</d:getcontentlength>"));

    // A part can be dropped and sent again; a missing one is 404.
    let gone = format!("{up}/0000000000000002");
    assert_eq!(
        call(&s, &u, "DELETE", &gone, &[], "").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&s, &u, "DELETE", &gone, &[], "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&s, &u, "PUT", &gone, &[], c.clone()).await.status,
        StatusCode::CREATED
    );

    // A MOVE announcing the wrong total is refused and leaves the upload to retry.
    let dest = format!("/remote.php/dav/files/{u}/big.bin");
    let wrong = call(
        &s,
        &u,
        "MOVE",
        &format!("{up}/.file"),
        &[("Destination", &dest), ("OC-Total-Length", "1")],
        "",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);

    let moved = call(
        &s,
        &u,
        "MOVE",
        &format!("{up}/.file"),
        &[
            ("Destination", &dest),
            ("OC-Total-Length", &total),
            ("X-OC-Mtime", "1700000000"),
            ("OC-Checksum", "SHA1:0123456789abcdef"),
        ],
        "",
    )
    .await;
    assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.text());
    assert!(!moved.header("etag").is_empty() && !moved.header("oc-etag").is_empty());
    assert!(moved.header("oc-fileid").ends_with("ocferry0000"));
    assert_eq!(moved.header("x-oc-mtime"), "accepted");

    let got = call(&s, &u, "GET", &dest, &[], "").await;
    assert_eq!(got.bytes, [a, b, c].concat());
    let props = call(
        &s,
        &u,
        "PROPFIND",
        &dest,
        &[("Depth", "0")],
        r#"<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop><oc:checksums/><d:getlastmodified/></d:prop></d:propfind>"#,
    )
    .await
    .text();
    assert!(props.contains("SHA1:0123456789abcdef"), "{props}");
    assert!(props.contains("14 Nov 2023"), "{props}");

    // The session is gone with the join.
    assert_eq!(
        call(&s, &u, "PROPFIND", &up, &[("Depth", "1")], PARTS_PROPS)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&s, &u, "DELETE", &up, &[], "").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn v2_joins_in_numeric_order_and_keeps_its_destination() {
    let s = TestServer::start().await;
    let u = user(&s, "vtwo").await;
    let up = format!("/remote.php/dav/uploads/{u}/nc-py-api-x");
    let dest = format!("{}/remote.php/dav/files/{u}/v2.bin", s.url);
    let parts = [
        ("10", part(300, 10)),
        ("2", part(200, 2)),
        ("1", part(100, 1)),
    ];
    assert_eq!(
        call(&s, &u, "MKCOL", &up, &[("Destination", &dest)], "")
            .await
            .status,
        StatusCode::CREATED
    );
    for (name, bytes) in &parts {
        let put = call(
            &s,
            &u,
            "PUT",
            &format!("{up}/{name}"),
            &[("Destination", &dest)],
            bytes.clone(),
        )
        .await;
        assert_eq!(put.status, StatusCode::CREATED);
    }
    // v2 parts are numbers.
    assert_eq!(
        call(&s, &u, "PUT", &format!("{up}/abc"), &[], "x")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    // Joined at another destination than announced: refused.
    let elsewhere = format!("/remote.php/dav/files/{u}/other.bin");
    assert_eq!(
        call(
            &s,
            &u,
            "MOVE",
            &format!("{up}/.file"),
            &[("Destination", &elsewhere)],
            ""
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    let moved = call(
        &s,
        &u,
        "MOVE",
        &format!("{up}/.file"),
        &[("Destination", &dest)],
        "",
    )
    .await;
    assert_eq!(moved.status, StatusCode::CREATED);
    let got = call(
        &s,
        &u,
        "GET",
        &format!("/remote.php/dav/files/{u}/v2.bin"),
        &[],
        "",
    )
    .await;
    assert_eq!(
        got.bytes,
        [&parts[2].1, &parts[1].1, &parts[0].1]
            .map(|p| p.as_slice())
            .concat()
    );

    // A second upload onto the same file replaces it: 204, and If-Match is honoured.
    let up2 = format!("/remote.php/dav/uploads/{u}/second");
    call(&s, &u, "MKCOL", &up2, &[("Destination", &dest)], "").await;
    call(&s, &u, "PUT", &format!("{up2}/1"), &[], "new").await;
    let stale = call(
        &s,
        &u,
        "MOVE",
        &format!("{up2}/.file"),
        &[("Destination", &dest), ("If-Match", "\"not-the-etag\"")],
        "",
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let etag = moved.header("etag").to_owned();
    let replaced = call(
        &s,
        &u,
        "MOVE",
        &format!("{up2}/.file"),
        &[("Destination", &dest), ("If-Match", &etag)],
        "",
    )
    .await;
    assert_eq!(replaced.status, StatusCode::NO_CONTENT);
    assert_eq!(replaced.header("oc-fileid"), moved.header("oc-fileid"));
}

#[tokio::test]
async fn uploads_refuse_other_users_and_too_many_bytes() {
    let s = TestServer::start().await;
    let u = user(&s, "owner").await;
    let other = user(&s, "other").await;
    let up = format!("/remote.php/dav/uploads/{u}/t");
    assert_eq!(
        call(&s, &other, "MKCOL", &up, &[], "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&s, &u, "MKCOL", &up, &[("OC-Total-Length", "5")], "")
            .await
            .status,
        StatusCode::CREATED
    );
    // Someone else's session of that name does not exist for them.
    assert_eq!(
        call(&s, &other, "PUT", &format!("{up}/1"), &[], "abc")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&s, &u, "PUT", &format!("{up}/1"), &[], "abcdef")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        call(
            &s,
            &u,
            "MKCOL",
            &format!("{up}2"),
            &[("OC-Total-Length", "x")],
            ""
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    // A missing session: PUT 404, DELETE 404 (nc-py-api deletes after every upload).
    let none = format!("/remote.php/dav/uploads/{u}/none");
    assert_eq!(
        call(&s, &u, "PUT", &format!("{none}/1"), &[], "a")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&s, &u, "DELETE", &none, &[], "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&s, &u, "DELETE", &up, &[], "").await.status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn legacy_chunking_answers_one_etag_on_the_completing_part() {
    let s = TestServer::start().await;
    let u = user(&s, "legacy").await;
    let parts = [part(700, 1), part(700, 2), part(55, 3)];
    let total = parts.iter().map(Vec::len).sum::<usize>().to_string();
    let mut etags = 0;
    let mut file_id = String::new();
    for index in [2, 0, 1] {
        let path = format!("/remote.php/dav/files/{u}/big2.bin-chunking-8080-3-{index}");
        let reply = call(
            &s,
            &u,
            "PUT",
            &path,
            &[
                ("OC-Chunked", "1"),
                ("OC-Total-Length", &total),
                ("X-OC-Mtime", "1700000000"),
            ],
            parts[index].clone(),
        )
        .await;
        assert!(reply.status.is_success(), "{index}: {}", reply.status);
        if reply.headers.contains_key("etag") {
            etags += 1;
            file_id = reply.header("oc-fileid").to_owned();
            assert_eq!(index, 1, "only the completing part has an ETag");
            assert_eq!(reply.header("x-oc-mtime"), "accepted");
        } else {
            assert!(!reply.headers.contains_key("oc-etag"));
            assert!(!reply.headers.contains_key("oc-fileid"));
        }
    }
    assert_eq!(etags, 1);
    assert!(file_id.ends_with("ocferry0000"));
    let got = call(
        &s,
        &u,
        "GET",
        &format!("/remote.php/dav/files/{u}/big2.bin"),
        &[],
        "",
    )
    .await;
    assert_eq!(got.bytes, parts.concat());
    // Without OC-Chunked such a name is just a file name.
    let plain = format!("/remote.php/dav/files/{u}/x-chunking-1-2-0");
    assert_eq!(
        call(&s, &u, "PUT", &plain, &[], "plain").await.status,
        StatusCode::CREATED
    );
    assert_eq!(call(&s, &u, "GET", &plain, &[], "").await.bytes, b"plain");
}
