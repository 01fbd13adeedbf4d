//! The WebDAV face over HTTP: status codes, headers and bodies as Nextcloud clients and
//! RFC 4918 expect them, the Nextcloud properties, locks, and hostile input.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::harness::{PASSWORD, TestServer};

pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).unwrap()
}

/// A DAV request as `user` to a path below their files mount.
pub(crate) async fn dav(
    s: &TestServer,
    user: &str,
    verb: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> Reply {
    let url = format!("{}/remote.php/dav/files/{user}{path}", s.url);
    let mut req = s
        .client
        .request(method(verb), url)
        .basic_auth(user, Some(PASSWORD))
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    Reply {
        status: resp.status(),
        headers: resp.headers().clone(),
        body: resp.text().await.unwrap(),
    }
}

/// A GET sent over a bare socket, so the path reaches the server exactly as written
/// (HTTP clients resolve `..` and `%2e%2e` before sending). Returns the status code.
async fn raw_get(s: &TestServer, user: &str, target: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = s.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let auth = data_encoding::BASE64.encode(format!("{user}:{PASSWORD}").as_bytes());
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.unwrap();
    let text = String::from_utf8_lossy(&reply);
    text.split(' ').nth(1).unwrap().parse().unwrap()
}

pub(crate) async fn user(s: &TestServer, name: &str) -> String {
    let login = format!("{name}@example.org");
    s.add_user(&login, 0).await;
    login
}

const NC_PROPS: &str = r#"<?xml version="1.0"?>
<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns">
 <d:prop><d:resourcetype/><d:getlastmodified/><d:getcontentlength/><d:getetag/><d:getcontenttype/>
 <oc:size/><oc:id/><oc:fileid/><oc:permissions/><oc:checksums/><oc:share-types/><oc:favorite/>
 <oc:data-fingerprint/><oc:owner-id/><d:quota-available-bytes/><nc:has-preview/>
 <nc:contained-file-count/><x:nope xmlns:x="urn:nope"/></d:prop>
</d:propfind>"#;

/// The `<d:response>` elements of a multistatus, as text.
fn responses(body: &str) -> Vec<&str> {
    body.split("<d:response>").skip(1).collect()
}

#[tokio::test]
async fn propfind_shows_nextcloud_properties() {
    let s = TestServer::start().await;
    let u = user(&s, "nc").await;
    assert_eq!(
        dav(&s, &u, "MKCOL", "/Docs", &[], "").await.status,
        StatusCode::CREATED
    );
    let put = dav(
        &s,
        &u,
        "PUT",
        "/Docs/a.txt",
        &[("OC-Checksum", "SHA1:abc123"), ("X-OC-MTime", "1700000000")],
        "hello",
    )
    .await;
    assert_eq!(put.status, StatusCode::CREATED);
    assert_eq!(put.header("x-oc-mtime"), "accepted");
    assert!(put.header("etag").starts_with('"'));
    assert_eq!(put.header("etag"), put.header("oc-etag"));
    assert!(
        put.header("oc-fileid").ends_with("ocferry0000"),
        "{:?}",
        put.headers
    );

    let root = dav(&s, &u, "PROPFIND", "/", &[("Depth", "1")], NC_PROPS).await;
    assert_eq!(root.status, StatusCode::MULTI_STATUS);
    assert_eq!(
        root.header("content-type"),
        "application/xml; charset=utf-8"
    );
    let items = responses(&root.body);
    assert_eq!(items.len(), 2, "{}", root.body);
    assert!(items[0].contains(&format!("<d:href>/remote.php/dav/files/{}/</d:href>", u)));
    assert!(items[0].contains("<oc:permissions>RGCK</oc:permissions>"));
    assert!(items[0].contains("<d:quota-available-bytes>-3</d:quota-available-bytes>"));
    assert!(items[1].contains("/Docs/</d:href>"));
    assert!(items[1].contains("<d:resourcetype><d:collection/></d:resourcetype>"));
    assert!(
        items[1].contains("<oc:size>5</oc:size>"),
        "recursive size: {}",
        items[1]
    );
    assert!(items[1].contains("<nc:contained-file-count>1</nc:contained-file-count>"));
    assert!(items[1].contains("<oc:permissions>RGDNVCK</oc:permissions>"));
    assert!(items[1].contains(r#"<x:nope xmlns:x="urn:nope"/>"#));
    assert!(items[1].contains("HTTP/1.1 404 Not Found"));
    assert!(
        items
            .iter()
            .all(|i| i.contains("<d:getetag>&quot;") || i.contains("<d:getetag>\""))
    );

    let file = dav(
        &s,
        &u,
        "PROPFIND",
        "/Docs/a.txt",
        &[("Depth", "0")],
        NC_PROPS,
    )
    .await;
    let items = responses(&file.body);
    assert_eq!(items.len(), 1);
    let f = items[0];
    assert!(f.contains("<d:getcontentlength>5</d:getcontentlength>"));
    assert!(f.contains("<oc:checksums><oc:checksum>SHA1:abc123</oc:checksum></oc:checksums>"));
    assert!(f.contains("<d:getlastmodified>Tue, 14 Nov 2023 22:13:20 GMT</d:getlastmodified>"));
    assert!(f.contains("<oc:permissions>RGDNVW</oc:permissions>"));
    assert!(f.contains("<d:getcontenttype>text/plain</d:getcontenttype>"));
    assert!(f.contains(&format!("<oc:owner-id>{u}</oc:owner-id>")));
    assert!(
        f.contains(&format!(
            "<d:getetag>{}</d:getetag>",
            put.header("etag").replace('"', "&quot;")
        )) || f.contains(&format!("<d:getetag>{}</d:getetag>", put.header("etag")))
    );

    // allprop and propname answer too; a folder's ETag changes when something below does.
    let all = dav(&s, &u, "PROPFIND", "/Docs", &[("Depth", "0")], "").await;
    assert_eq!(all.status, StatusCode::MULTI_STATUS);
    assert!(all.body.contains("<d:supportedlock>"));
    let names = dav(
        &s,
        &u,
        "PROPFIND",
        "/",
        &[("Depth", "0")],
        r#"<propfind xmlns="DAV:"><propname/></propfind>"#,
    )
    .await;
    assert!(names.body.contains("<d:getetag/>"), "{}", names.body);
    let etag = |body: &str| {
        body.split("<d:getetag>")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_owned()
    };
    let before = etag(
        &dav(&s, &u, "PROPFIND", "/Docs", &[("Depth", "0")], NC_PROPS)
            .await
            .body,
    );
    dav(&s, &u, "PUT", "/Docs/b.txt", &[], "b").await;
    let after = etag(
        &dav(&s, &u, "PROPFIND", "/Docs", &[("Depth", "0")], NC_PROPS)
            .await
            .body,
    );
    assert_ne!(before, after);
}

#[tokio::test]
async fn put_get_and_conditions() {
    let s = TestServer::start().await;
    let u = user(&s, "pg").await;
    let first = dav(&s, &u, "PUT", "/f.bin", &[], "0123456789").await;
    assert_eq!(first.status, StatusCode::CREATED);
    let second = dav(
        &s,
        &u,
        "PUT",
        "/f.bin",
        &[("If-Match", first.header("etag"))],
        "abcdefghij",
    )
    .await;
    assert_eq!(second.status, StatusCode::NO_CONTENT);
    assert_eq!(second.header("oc-fileid"), first.header("oc-fileid"));
    let stale = dav(
        &s,
        &u,
        "PUT",
        "/f.bin",
        &[("If-Match", first.header("etag"))],
        "x",
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let exists = dav(&s, &u, "PUT", "/f.bin", &[("If-None-Match", "*")], "x").await;
    assert_eq!(exists.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        dav(&s, &u, "PUT", "/no/f.bin", &[], "x").await.status,
        StatusCode::CONFLICT
    );

    let get = dav(&s, &u, "GET", "/f.bin", &[], "").await;
    assert_eq!(get.status, StatusCode::OK);
    assert_eq!(get.body, "abcdefghij");
    assert_eq!(get.header("etag"), second.header("etag"));
    let range = dav(&s, &u, "GET", "/f.bin", &[("Range", "bytes=2-4")], "").await;
    assert_eq!(range.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.body, "cde");
    let head = dav(&s, &u, "HEAD", "/f.bin", &[], "").await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(head.header("content-length"), "10");
    let cached = dav(
        &s,
        &u,
        "GET",
        "/f.bin",
        &[("If-None-Match", second.header("etag"))],
        "",
    )
    .await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        dav(&s, &u, "GET", "/", &[], "").await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(
        dav(&s, &u, "GET", "/missing", &[], "").await.status,
        StatusCode::NOT_FOUND
    );

    // The same files on the old mount.
    let old = s
        .client
        .get(format!("{}/remote.php/webdav/f.bin", s.url))
        .basic_auth(&u, Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(old.text().await.unwrap(), "abcdefghij");
    let listing = s
        .client
        .request(method("PROPFIND"), format!("{}/remote.php/webdav/", s.url))
        .basic_auth(&u, Some(PASSWORD))
        .header("Depth", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(listing.status(), StatusCode::MULTI_STATUS);
    let body = listing.text().await.unwrap();
    assert!(
        body.contains("<d:href>/remote.php/webdav/</d:href>"),
        "{body}"
    );
    assert!(
        body.contains("<d:href>/remote.php/webdav/f.bin</d:href>"),
        "{body}"
    );
}

#[tokio::test]
async fn mkcol_copy_move_delete() {
    let s = TestServer::start().await;
    let u = user(&s, "cm").await;
    assert_eq!(
        dav(&s, &u, "MKCOL", "/a", &[], "").await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        dav(&s, &u, "MKCOL", "/a", &[], "").await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(
        dav(&s, &u, "MKCOL", "/x/y", &[], "").await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        dav(&s, &u, "MKCOL", "/b", &[], "<x/>").await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    dav(&s, &u, "PUT", "/a/f.txt", &[], "data").await;
    let base = format!("{}/remote.php/dav/files/{u}", s.url);

    let copy = dav(
        &s,
        &u,
        "COPY",
        "/a",
        &[("Destination", &format!("{base}/c"))],
        "",
    )
    .await;
    assert_eq!(copy.status, StatusCode::CREATED);
    assert!(!copy.header("oc-fileid").is_empty());
    assert_eq!(dav(&s, &u, "GET", "/c/f.txt", &[], "").await.body, "data");
    let no = dav(
        &s,
        &u,
        "COPY",
        "/a",
        &[("Destination", &format!("{base}/c")), ("Overwrite", "F")],
        "",
    )
    .await;
    assert_eq!(no.status, StatusCode::PRECONDITION_FAILED);
    let yes = dav(
        &s,
        &u,
        "COPY",
        "/a",
        &[("Destination", &format!("{base}/c"))],
        "",
    )
    .await;
    assert_eq!(yes.status, StatusCode::NO_CONTENT);
    let shallow = dav(
        &s,
        &u,
        "COPY",
        "/a",
        &[("Destination", &format!("{base}/d")), ("Depth", "0")],
        "",
    )
    .await;
    assert_eq!(shallow.status, StatusCode::CREATED);
    assert_eq!(
        dav(&s, &u, "GET", "/d/f.txt", &[], "").await.status,
        StatusCode::NOT_FOUND
    );

    // An absolute path is a Destination too; a rename inside a folder.
    let path_dest = format!("/remote.php/dav/files/{u}/a/g.txt");
    let mv = dav(
        &s,
        &u,
        "MOVE",
        "/a/f.txt",
        &[("Destination", &path_dest)],
        "",
    )
    .await;
    assert_eq!(mv.status, StatusCode::CREATED);
    assert_eq!(dav(&s, &u, "GET", "/a/g.txt", &[], "").await.body, "data");
    assert_eq!(
        dav(&s, &u, "GET", "/a/f.txt", &[], "").await.status,
        StatusCode::NOT_FOUND
    );
    let onto_self = dav(
        &s,
        &u,
        "MOVE",
        "/a",
        &[("Destination", &format!("{base}/a"))],
        "",
    )
    .await;
    assert_eq!(onto_self.status, StatusCode::FORBIDDEN);
    let into_child = dav(
        &s,
        &u,
        "MOVE",
        "/a",
        &[("Destination", &format!("{base}/a/inner"))],
        "",
    )
    .await;
    assert_eq!(into_child.status, StatusCode::CONFLICT);
    let elsewhere = dav(
        &s,
        &u,
        "MOVE",
        "/a",
        &[("Destination", "http://example.com/remote.php/dav/files/x/a")],
        "",
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::BAD_GATEWAY);
    let other_user = dav(
        &s,
        &u,
        "MOVE",
        "/a",
        &[("Destination", "/remote.php/dav/files/someone/a")],
        "",
    )
    .await;
    assert_eq!(other_user.status, StatusCode::FORBIDDEN);
    let traversal = dav(
        &s,
        &u,
        "MOVE",
        "/a",
        &[("Destination", &format!("{base}/../../etc"))],
        "",
    )
    .await;
    assert_eq!(traversal.status, StatusCode::BAD_REQUEST);

    assert_eq!(
        dav(&s, &u, "DELETE", "/a", &[], "").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        dav(&s, &u, "PROPFIND", "/a", &[("Depth", "0")], "")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        dav(&s, &u, "DELETE", "/a", &[], "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        dav(&s, &u, "DELETE", "/", &[], "").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn proppatch_keeps_dead_properties_and_maps_nextcloud_ones() {
    let s = TestServer::start().await;
    let u = user(&s, "pp").await;
    dav(&s, &u, "PUT", "/p.txt", &[], "x").await;
    let patch = r#"<d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z" xmlns:oc="http://owncloud.org/ns">
      <d:set><d:prop><z:color>blue <z:b>&amp;</z:b></z:color><oc:favorite>1</oc:favorite>
      <d:lastmodified>1600000000</d:lastmodified></d:prop></d:set></d:propertyupdate>"#;
    let r = dav(&s, &u, "PROPPATCH", "/p.txt", &[], patch).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    assert_eq!(r.body.matches("HTTP/1.1 200 OK").count(), 3, "{}", r.body);
    let find = r#"<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop><z:color xmlns:z="urn:z"/><oc:favorite/><d:getlastmodified/></d:prop></d:propfind>"#;
    let got = dav(&s, &u, "PROPFIND", "/p.txt", &[("Depth", "0")], find).await;
    assert!(
        got.body
            .contains(r#"<x:color xmlns:x="urn:z">blue <b xmlns="urn:z">&amp;</b></x:color>"#),
        "{}",
        got.body
    );
    assert!(got.body.contains("<oc:favorite>1</oc:favorite>"));
    assert!(got.body.contains("Sun, 13 Sep 2020 12:26:40 GMT"));

    // A protected property fails the whole update (403, the rest 424), changing nothing.
    let bad = r#"<d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z"><d:set><d:prop><d:getetag>x</d:getetag><z:color>red</z:color></d:prop></d:set></d:propertyupdate>"#;
    let r = dav(&s, &u, "PROPPATCH", "/p.txt", &[], bad).await;
    assert!(
        r.body.contains("403 Forbidden") && r.body.contains("424 Failed Dependency"),
        "{}",
        r.body
    );
    let got = dav(&s, &u, "PROPFIND", "/p.txt", &[("Depth", "0")], find).await;
    assert!(got.body.contains("blue"));

    // Dead properties travel with COPY.
    let dest = format!("/remote.php/dav/files/{u}/q.txt");
    dav(&s, &u, "COPY", "/p.txt", &[("Destination", &dest)], "").await;
    let copied = dav(&s, &u, "PROPFIND", "/q.txt", &[("Depth", "0")], find).await;
    assert!(copied.body.contains("blue"), "{}", copied.body);
    let sums = r#"<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop><oc:checksums/></d:prop></d:propfind>"#;
    dav(
        &s,
        &u,
        "PUT",
        "/sum.txt",
        &[("OC-Checksum", "SHA1:f00d")],
        "s",
    )
    .await;
    let dest = format!("/remote.php/dav/files/{u}/sum2.txt");
    dav(&s, &u, "COPY", "/sum.txt", &[("Destination", &dest)], "").await;
    let copied = dav(&s, &u, "PROPFIND", "/sum2.txt", &[("Depth", "0")], sums).await;
    assert!(
        copied.body.contains("<oc:checksum>SHA1:f00d</oc:checksum>"),
        "{}",
        copied.body
    );
}

#[tokio::test]
async fn locks_guard_writes_until_released() {
    let s = TestServer::start().await;
    let u = user(&s, "lk").await;
    dav(&s, &u, "PUT", "/l.txt", &[], "x").await;
    let info = r#"<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype><d:owner>me</d:owner></d:lockinfo>"#;
    let lock = dav(&s, &u, "LOCK", "/l.txt", &[("Timeout", "Second-600")], info).await;
    assert_eq!(lock.status, StatusCode::OK, "{}", lock.body);
    let token = lock
        .header("lock-token")
        .trim_matches(['<', '>'])
        .to_owned();
    assert!(token.starts_with("opaquelocktoken:"));
    assert!(lock.body.contains(&token) && lock.body.contains("<d:owner>me</d:owner>"));
    assert_eq!(
        dav(&s, &u, "PUT", "/l.txt", &[], "y").await.status,
        StatusCode::LOCKED
    );
    assert_eq!(
        dav(&s, &u, "DELETE", "/l.txt", &[], "").await.status,
        StatusCode::LOCKED
    );
    assert_eq!(
        dav(&s, &u, "LOCK", "/l.txt", &[], info).await.status,
        StatusCode::LOCKED
    );
    let if_header = format!("(<{token}>)");
    assert_eq!(
        dav(&s, &u, "PUT", "/l.txt", &[("If", &if_header)], "y")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let discovered = dav(
        &s,
        &u,
        "PROPFIND",
        "/l.txt",
        &[("Depth", "0")],
        r#"<propfind xmlns="DAV:"><prop><lockdiscovery/></prop></propfind>"#,
    )
    .await;
    assert!(discovered.body.contains(&token));
    // Another user cannot see, let alone unlock, the file.
    let v = user(&s, "other").await;
    let theirs = s
        .client
        .request(
            method("UNLOCK"),
            format!("{}/remote.php/dav/files/{u}/l.txt", s.url),
        )
        .basic_auth(&v, Some(PASSWORD))
        .header("Lock-Token", format!("<{token}>"))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let unlock = dav(
        &s,
        &u,
        "UNLOCK",
        "/l.txt",
        &[("Lock-Token", &format!("<{token}>"))],
        "",
    )
    .await;
    assert_eq!(unlock.status, StatusCode::NO_CONTENT);
    assert_eq!(
        dav(&s, &u, "PUT", "/l.txt", &[], "z").await.status,
        StatusCode::NO_CONTENT
    );
    // A lock on an unmapped URL makes an empty file.
    let fresh = dav(&s, &u, "LOCK", "/new.txt", &[], info).await;
    assert_eq!(fresh.status, StatusCode::CREATED);
    assert_eq!(dav(&s, &u, "GET", "/new.txt", &[], "").await.body, "");
}

#[tokio::test]
async fn quota_and_auth() {
    let s = TestServer::start().await;
    s.add_user("small@example.org", 10).await;
    let u = "small@example.org";
    let over = dav(&s, u, "PUT", "/big.bin", &[], vec![7u8; 100]).await;
    assert_eq!(over.status, StatusCode::INSUFFICIENT_STORAGE);
    assert_eq!(
        dav(&s, u, "GET", "/big.bin", &[], "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        dav(&s, u, "PUT", "/ok.bin", &[], vec![7u8; 10])
            .await
            .status,
        StatusCode::CREATED
    );

    let anonymous = s
        .client
        .request(
            method("PROPFIND"),
            format!("{}/remote.php/dav/files/{u}/", s.url),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(
        anonymous.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    let wrong = s
        .client
        .request(
            method("PROPFIND"),
            format!("{}/remote.php/dav/files/{u}/", s.url),
        )
        .basic_auth(u, Some("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let v = user(&s, "v").await;
    let foreign = s
        .client
        .request(
            method("PROPFIND"),
            format!("{}/remote.php/dav/files/{u}/", s.url),
        )
        .basic_auth(&v, Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    let options = s
        .client
        .request(Method::OPTIONS, format!("{}/remote.php/webdav/", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(options.headers()["dav"], "1, 2");
}

#[tokio::test]
async fn hostile_input_is_refused_and_changes_nothing() {
    let s = TestServer::start().await;
    let u = user(&s, "ho").await;
    dav(&s, &u, "PUT", "/keep.txt", &[], "keep").await;
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>"#;
    assert_eq!(
        dav(&s, &u, "PROPFIND", "/", &[], xxe).await.status,
        StatusCode::BAD_REQUEST
    );
    let bomb = r#"<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><x xmlns="urn:x">&b;</x></d:prop></d:set></d:propertyupdate>"#;
    assert_eq!(
        dav(&s, &u, "PROPPATCH", "/keep.txt", &[], bomb)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        dav(
            &s,
            &u,
            "PROPFIND",
            "/",
            &[],
            "<d:propfind xmlns:d=\"DAV:\">"
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    let deep = format!(
        "<d:propfind xmlns:d=\"DAV:\"><d:prop>{}{}</d:prop></d:propfind>",
        "<x>".repeat(100),
        "</x>".repeat(100)
    );
    assert_eq!(
        dav(&s, &u, "PROPFIND", "/", &[], deep).await.status,
        StatusCode::BAD_REQUEST
    );
    let huge = format!(
        "<d:propfind xmlns:d=\"DAV:\"><!--{}--></d:propfind>",
        "x".repeat(2 * 1024 * 1024)
    );
    assert_eq!(
        dav(&s, &u, "PROPFIND", "/", &[], huge).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        dav(&s, &u, "LOCK", "/keep.txt", &[], "<lockinfo/>")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    for path in [
        "/a/%2e%2e/keep.txt",
        "/a/../keep.txt",
        "/a//b",
        "/x%00y",
        "/%ff",
    ] {
        let target = format!("/remote.php/dav/files/{u}{path}");
        assert_eq!(raw_get(&s, &u, &target).await, 400, "{path}");
    }
    assert_eq!(
        dav(&s, &u, "PROPFIND", "/", &[("Depth", "2")], "")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(dav(&s, &u, "GET", "/keep.txt", &[], "").await.body, "keep");
}

#[tokio::test]
async fn files_are_the_same_through_fileago_and_webdav() {
    let s = TestServer::start().await;
    let session = s.user("cross@example.org").await;
    let u = "cross@example.org";
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let (status, body) = s
        .upload(&session, "home", &[("fromago.bin", bytes.clone())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got = s
        .client
        .get(format!("{}/remote.php/dav/files/{u}/fromago.bin", s.url))
        .basic_auth(u, Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(got.bytes().await.unwrap().to_vec(), bytes);
    assert_eq!(
        dav(&s, u, "MKCOL", "/made-by-dav", &[], "").await.status,
        StatusCode::CREATED
    );
    assert!(
        s.names(&session, "home")
            .await
            .contains(&"made-by-dav".to_owned())
    );
}

/// Concurrent PUTs queue on the store's write gate instead of failing or sleeping in
/// SQLite's busy handler, under either durability; every file reads back whole.
#[tokio::test]
async fn concurrent_puts_all_land_under_both_durabilities() {
    for durability in [
        ferry_core::Durability::Strict,
        ferry_core::Durability::Relaxed,
    ] {
        let s = TestServer::start_durable(durability).await;
        let u = user(&s, "gate").await;
        let puts = (0..24).map(|i| {
            let (s, u) = (&s, &u);
            async move {
                let body = format!("file {i} ").repeat(100 + i);
                let r = dav(s, u, "PUT", &format!("/f{i}.txt"), &[], body).await;
                assert_eq!(r.status, StatusCode::CREATED, "{durability}: {}", r.body);
            }
        });
        futures::future::join_all(puts).await;
        for i in 0..24 {
            let r = dav(&s, &u, "GET", &format!("/f{i}.txt"), &[], "").await;
            assert_eq!(r.status, StatusCode::OK);
            assert_eq!(r.body, format!("file {i} ").repeat(100 + i), "{durability}");
        }
    }
}
