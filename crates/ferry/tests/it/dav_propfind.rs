//! PROPFIND at every depth: Depth 0, Depth 1 of a big folder (complete, in order, streamed
//! in chunks), Depth infinity over a nested tree, and infinity past its bound refused with
//! the `propfind-finite-depth` precondition.

use std::collections::BTreeSet;

use ferry_core::Actor;
use ferry_core::files::{Location, PathLookup, Reach, Usage};
use ferry_core::ids::NodeId;
use reqwest::StatusCode;

use crate::dav::{dav, user};
use crate::harness::{PASSWORD, TestServer};

const PROPS: &str = r#"<?xml version="1.0"?>
<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">
 <d:prop><d:getetag/><d:resourcetype/><oc:size/><oc:fileid/></d:prop>
</d:propfind>"#;

/// Every `<d:href>` of a multistatus, in order.
fn hrefs(body: &str) -> Vec<String> {
    body.split("<d:href>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</d:href>").map(|(h, _)| h.to_owned()))
        .collect()
}

async fn actor(s: &TestServer, login: &str) -> Actor {
    s.ferry
        .authenticate_password(login, PASSWORD)
        .await
        .unwrap()
}

async fn home(s: &TestServer, actor: &Actor) -> NodeId {
    match s.ferry.lookup_path(actor, &[]).await.unwrap() {
        PathLookup::Found(node) => node.id,
        other => panic!("no home: {other:?}"),
    }
}

/// Makes `count` empty folders named `n00000`… in `parent` straight through core (fast).
async fn folders(s: &TestServer, actor: &Actor, parent: NodeId, count: usize) {
    for i in 0..count {
        s.ferry
            .create_folder(actor, Location::Node(parent), &format!("n{i:05}"))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn depth_infinity_lists_every_entry_of_a_nested_tree_once() {
    let s = TestServer::start().await;
    let u = user(&s, "deep").await;
    for dir in ["/a/", "/a/b/", "/a/b/c/", "/e/"] {
        assert_eq!(
            dav(&s, &u, "MKCOL", dir, &[], "").await.status,
            StatusCode::CREATED
        );
    }
    for file in ["/top.txt", "/a/one.txt", "/a/b/two.txt", "/a/b/c/three.txt"] {
        let r = dav(&s, &u, "PUT", file, &[], "x").await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let base = format!("/remote.php/dav/files/{u}");
    let expected: BTreeSet<String> = [
        "/",
        "/a/",
        "/a/b/",
        "/a/b/c/",
        "/e/",
        "/top.txt",
        "/a/one.txt",
        "/a/b/two.txt",
        "/a/b/c/three.txt",
    ]
    .iter()
    .map(|p| format!("{base}{p}"))
    .collect();
    for depth in [Some("infinity"), None] {
        let headers: Vec<(&str, &str)> = depth.map(|d| ("Depth", d)).into_iter().collect();
        let r = dav(&s, &u, "PROPFIND", "/", &headers, PROPS).await;
        assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
        let listed = hrefs(&r.body);
        assert_eq!(listed.len(), expected.len(), "{listed:?}");
        assert_eq!(listed.iter().cloned().collect::<BTreeSet<_>>(), expected);
        // Depth first: every entry comes after the folder that holds it.
        let pos = |p: &str| {
            listed
                .iter()
                .position(|h| *h == format!("{base}{p}"))
                .unwrap()
        };
        assert!(pos("/a/") < pos("/a/b/") && pos("/a/b/") < pos("/a/b/c/three.txt"));
        // Folder sizes count everything below them.
        assert!(r.body.contains("<oc:size>4</oc:size>"), "{}", r.body);
    }
    // Depth 0 and 1 are unchanged.
    let r = dav(&s, &u, "PROPFIND", "/a/", &[("Depth", "0")], PROPS).await;
    assert_eq!(hrefs(&r.body), [format!("{base}/a/")]);
    let r = dav(&s, &u, "PROPFIND", "/a/", &[("Depth", "1")], PROPS).await;
    assert_eq!(
        hrefs(&r.body),
        [
            format!("{base}/a/"),
            format!("{base}/a/b/"),
            format!("{base}/a/one.txt")
        ]
    );
    // A file with Depth infinity is just the file.
    let r = dav(
        &s,
        &u,
        "PROPFIND",
        "/a/one.txt",
        &[("Depth", "infinity")],
        PROPS,
    )
    .await;
    assert_eq!(hrefs(&r.body), [format!("{base}/a/one.txt")]);
}

#[tokio::test]
async fn depth_one_of_a_big_folder_is_complete_and_in_order() {
    let s = TestServer::start().await;
    let u = user(&s, "big").await;
    let me = actor(&s, &u).await;
    let root = home(&s, &me).await;
    let big = s
        .ferry
        .create_folder(&me, Location::Node(root), "big")
        .await
        .unwrap();
    // More than a few chunks of the streamed reply.
    folders(&s, &me, big.id, 1500).await;
    let r = dav(&s, &u, "PROPFIND", "/big/", &[("Depth", "1")], PROPS).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "application/xml; charset=utf-8"
    );
    let listed = hrefs(&r.body);
    let base = format!("/remote.php/dav/files/{u}/big/");
    let expected: Vec<String> = std::iter::once(base.clone())
        .chain((0..1500).map(|i| format!("{base}n{i:05}/")))
        .collect();
    assert_eq!(listed, expected);
    assert!(r.body.trim_end().ends_with("</d:multistatus>"));
    assert_eq!(r.body.matches("<?xml").count(), 1);
}

#[tokio::test]
async fn depth_infinity_past_its_bound_is_refused_whole() {
    let s = TestServer::start().await;
    let u = user(&s, "wide").await;
    let me = actor(&s, &u).await;
    let root = home(&s, &me).await;
    let a = s
        .ferry
        .create_folder(&me, Location::Node(root), "a")
        .await
        .unwrap();
    let b = s
        .ferry
        .create_folder(&me, Location::Node(a.id), "b")
        .await
        .unwrap();
    folders(&s, &me, b.id, 3).await;
    // Core's bound counts the node itself and everything below it.
    let reach = |limit| Reach::Tree { limit };
    assert!(
        s.ferry
            .describe_reach(&me, a.id, reach(5), Usage::Skip)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        s.ferry
            .describe_reach(&me, a.id, reach(4), Usage::Skip)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.ferry
            .describe_reach(&me, root, reach(5), Usage::Skip)
            .await
            .unwrap()
            .is_none()
    );
    let all = s
        .ferry
        .describe_reach(&me, root, reach(6), Usage::Skip)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(all.items.len(), 6);

    // Over HTTP the bound is 10,000 entries: one more, and the whole answer is a 403.
    folders(&s, &me, root, 10_000 - 6).await;
    let r = dav(&s, &u, "PROPFIND", "/", &[("Depth", "infinity")], PROPS).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", &r.body[..200]);
    assert_eq!(hrefs(&r.body).len(), 10_000);
    s.ferry
        .create_folder(&me, Location::Node(root), "one-too-many")
        .await
        .unwrap();
    let r = dav(&s, &u, "PROPFIND", "/", &[("Depth", "infinity")], PROPS).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("<d:propfind-finite-depth/>"), "{}", r.body);
    assert!(!r.body.contains("<d:href>"));
    // Depth 1 of the same folder still answers.
    let r = dav(&s, &u, "PROPFIND", "/", &[("Depth", "1")], PROPS).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    assert_eq!(hrefs(&r.body).len(), 10_000 - 6 + 2 + 1);
}

#[tokio::test]
async fn quota_properties_count_what_the_owner_stores_when_asked_for() {
    let s = TestServer::start().await;
    let login = "quota@example.org";
    s.add_user(login, 1000).await;
    assert_eq!(
        dav(&s, login, "PUT", "/a.txt", &[], vec![b'x'; 300])
            .await
            .status,
        201
    );
    assert_eq!(
        dav(&s, login, "PUT", "/b.txt", &[], vec![b'y'; 200])
            .await
            .status,
        201
    );
    let quota = r#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop>
        <d:quota-used-bytes/><d:quota-available-bytes/></d:prop></d:propfind>"#;
    let reply = dav(&s, login, "PROPFIND", "/", &[("Depth", "0")], quota).await;
    assert_eq!(reply.status, 207);
    assert!(
        reply
            .body
            .contains("<d:quota-used-bytes>500</d:quota-used-bytes>"),
        "{}",
        reply.body
    );
    assert!(
        reply
            .body
            .contains("<d:quota-available-bytes>500</d:quota-available-bytes>"),
        "{}",
        reply.body
    );
    // A listing that asks for no quota property shows none.
    let plain = r#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop>
        <d:getetag/></d:prop></d:propfind>"#;
    let reply = dav(&s, login, "PROPFIND", "/", &[("Depth", "1")], plain).await;
    assert_eq!(reply.status, 207);
    assert!(!reply.body.contains("quota-"), "{}", reply.body);
}

/// `oc:size` of the folder at `path`, by a `Depth: 0` PROPFIND (what sync clients poll).
async fn folder_size(s: &TestServer, login: &str, path: &str) -> i64 {
    let body = r#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">
        <d:prop><oc:size/><d:getetag/></d:prop></d:propfind>"#;
    let reply = dav(s, login, "PROPFIND", path, &[("Depth", "0")], body).await;
    assert_eq!(reply.status, 207, "{}", reply.body);
    let start = reply.body.find("<oc:size>").expect("oc:size") + "<oc:size>".len();
    let end = reply.body[start..].find('<').expect("end of oc:size") + start;
    reply.body[start..end].parse().expect("a number")
}

#[tokio::test]
async fn a_polled_folder_size_follows_every_change_below_it() {
    let s = TestServer::start().await;
    let login = user(&s, "poller").await;
    assert_eq!(dav(&s, &login, "MKCOL", "/a", &[], "").await.status, 201);
    assert_eq!(dav(&s, &login, "MKCOL", "/a/b", &[], "").await.status, 201);
    assert_eq!(folder_size(&s, &login, "/").await, 0);
    // Asked twice unchanged (the second answer may come from memory), then after each change.
    assert_eq!(
        dav(&s, &login, "PUT", "/a/b/f", &[], vec![1u8; 100])
            .await
            .status,
        201
    );
    assert_eq!(folder_size(&s, &login, "/").await, 100);
    assert_eq!(folder_size(&s, &login, "/").await, 100);
    assert_eq!(folder_size(&s, &login, "/a").await, 100);
    assert_eq!(
        dav(&s, &login, "PUT", "/a/b/f", &[], vec![1u8; 40])
            .await
            .status,
        204
    );
    assert_eq!(folder_size(&s, &login, "/").await, 40);
    assert_eq!(folder_size(&s, &login, "/a").await, 40);
    let to = format!("{}/remote.php/dav/files/{login}/moved", s.url);
    let moved = dav(
        &s,
        &login,
        "MOVE",
        "/a/b",
        &[("Destination", to.as_str())],
        "",
    )
    .await;
    assert_eq!(moved.status, 201);
    assert_eq!(folder_size(&s, &login, "/a").await, 0);
    assert_eq!(folder_size(&s, &login, "/").await, 40);
    assert_eq!(
        dav(&s, &login, "DELETE", "/moved/f", &[], "").await.status,
        204
    );
    assert_eq!(folder_size(&s, &login, "/moved").await, 0);
    assert_eq!(folder_size(&s, &login, "/").await, 0);
}
