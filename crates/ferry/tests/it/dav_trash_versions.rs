//! The DAV collections nc-py-api uses beside the files: the trash bin, file versions,
//! SEARCH (by file id and by name, and hostile bodies) and REPORT of favorites.

use reqwest::StatusCode;

use crate::dav_uploads::{call, user};
use crate::harness::TestServer;

/// The text of the first `<prefix:name>` element.
fn first<'a>(xml: &'a str, element: &str) -> &'a str {
    let open = format!("<{element}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no {element} in {xml}"))
        + open.len();
    let end = xml[start..].find('<').unwrap() + start;
    &xml[start..end]
}

async fn file_id(s: &TestServer, u: &str, path: &str) -> String {
    let body = r#"<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop><oc:fileid/></d:prop></d:propfind>"#;
    let reply = call(
        s,
        u,
        "PROPFIND",
        &format!("/remote.php/dav/files/{u}{path}"),
        &[("Depth", "0")],
        body,
    )
    .await;
    first(&reply.text(), "oc:fileid").to_owned()
}

const TRASH_PROPS: &str = r#"<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:prop><d:getetag/><oc:id/><oc:fileid/><d:getcontentlength/><nc:trashbin-filename/><nc:trashbin-original-location/><nc:trashbin-deletion-time/></d:prop></d:propfind>"#;

#[tokio::test]
async fn trash_bin_lists_restores_and_deletes() {
    let s = TestServer::start().await;
    let u = user(&s, "trash").await;
    let files = format!("/remote.php/dav/files/{u}");
    let bin = format!("/remote.php/dav/trashbin/{u}/trash");
    call(&s, &u, "MKCOL", &format!("{files}/docs"), &[], "").await;
    call(&s, &u, "PUT", &format!("{files}/docs/a.txt"), &[], "aaa").await;
    call(&s, &u, "PUT", &format!("{files}/b.txt"), &[], "bb").await;
    assert_eq!(
        call(&s, &u, "DELETE", &format!("{files}/docs/a.txt"), &[], "")
            .await
            .status,
        StatusCode::NO_CONTENT
    );

    let listed = call(&s, &u, "PROPFIND", &bin, &[("Depth", "1")], TRASH_PROPS).await;
    assert_eq!(listed.status, StatusCode::MULTI_STATUS);
    let text = listed.text();
    assert_eq!(text.matches("<d:response>").count(), 2, "{text}");
    assert_eq!(first(&text, "nc:trashbin-filename"), "a.txt");
    assert_eq!(first(&text, "nc:trashbin-original-location"), "docs/a.txt");
    assert!(
        first(&text, "nc:trashbin-deletion-time")
            .parse::<i64>()
            .unwrap()
            > 1_600_000_000
    );
    assert_eq!(first(&text, "d:getcontentlength"), "3");
    let href = text
        .split("<d:href>")
        .filter_map(|h| h.split("</d:href>").next())
        .find(|h| h.contains("a.txt.d"))
        .unwrap()
        .to_owned();
    assert!(href.starts_with(&format!("{bin}/a.txt.d")), "{href}");
    // Another user's bin does not exist for the caller.
    let other = user(&s, "nosy").await;
    assert_eq!(
        call(&s, &other, "PROPFIND", &bin, &[("Depth", "1")], TRASH_PROPS)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Restore by MOVE to restore/<name>.
    let restore = format!("{}/remote.php/dav/trashbin/{u}/restore/a.txt", s.url);
    let restored = call(&s, &u, "MOVE", &href, &[("Destination", &restore)], "").await;
    assert_eq!(restored.status, StatusCode::CREATED);
    assert_eq!(
        call(&s, &u, "GET", &format!("{files}/docs/a.txt"), &[], "")
            .await
            .bytes,
        b"aaa"
    );
    // Elsewhere is not a restore.
    call(&s, &u, "DELETE", &format!("{files}/docs/a.txt"), &[], "").await;
    let text = call(&s, &u, "PROPFIND", &bin, &[("Depth", "1")], TRASH_PROPS)
        .await
        .text();
    let href = text
        .split("<d:href>")
        .filter_map(|h| h.split("</d:href>").next())
        .find(|h| h.contains("a.txt.d"))
        .unwrap()
        .to_owned();
    let wrong = format!("/remote.php/dav/files/{u}/x.txt");
    assert_eq!(
        call(&s, &u, "MOVE", &href, &[("Destination", &wrong)], "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // DELETE of an item deletes it for good; a missing one is 404.
    assert_eq!(
        call(&s, &u, "DELETE", &href, &[], "").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&s, &u, "DELETE", &href, &[], "").await.status,
        StatusCode::NOT_FOUND
    );
    // A trashed folder is listed one level down, below its trash name.
    call(&s, &u, "PUT", &format!("{files}/docs/inner.txt"), &[], "in").await;
    call(&s, &u, "DELETE", &format!("{files}/docs"), &[], "").await;
    let text = call(&s, &u, "PROPFIND", &bin, &[("Depth", "1")], TRASH_PROPS)
        .await
        .text();
    let folder = text
        .split("<d:href>")
        .filter_map(|h| h.split("</d:href>").next())
        .find(|h| h.contains("/docs.d"))
        .unwrap()
        .to_owned();
    assert!(folder.ends_with('/'), "{folder}");
    let inside = call(&s, &u, "PROPFIND", &folder, &[("Depth", "1")], TRASH_PROPS)
        .await
        .text();
    assert_eq!(inside.matches("<d:response>").count(), 2, "{inside}");
    assert_eq!(first(&inside, "nc:trashbin-original-location"), "docs");
    assert!(
        inside.contains(&format!("<d:href>{folder}inner.txt</d:href>")),
        "{inside}"
    );
    assert!(inside.contains("<nc:trashbin-original-location>docs/inner.txt<"));

    // DELETE of the bin empties it.
    call(&s, &u, "DELETE", &format!("{files}/b.txt"), &[], "").await;
    assert_eq!(
        call(&s, &u, "DELETE", &bin, &[], "").await.status,
        StatusCode::NO_CONTENT
    );
    let text = call(&s, &u, "PROPFIND", &bin, &[("Depth", "1")], TRASH_PROPS)
        .await
        .text();
    assert_eq!(text.matches("<d:response>").count(), 1, "{text}");
}

#[tokio::test]
async fn versions_list_download_and_restore() {
    let s = TestServer::start().await;
    let u = user(&s, "versions").await;
    let file = format!("/remote.php/dav/files/{u}/notes.txt");
    for content in ["one", "two!", "three"] {
        assert!(
            call(&s, &u, "PUT", &file, &[], content)
                .await
                .status
                .is_success()
        );
    }
    let id = file_id(&s, &u, "/notes.txt").await;
    let base = format!("/remote.php/dav/versions/{u}/versions/{id}");
    let props = r#"<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:getcontentlength/><d:getlastmodified/></d:prop></d:propfind>"#;
    let listed = call(&s, &u, "PROPFIND", &base, &[("Depth", "1")], props).await;
    assert_eq!(listed.status, StatusCode::MULTI_STATUS);
    let text = listed.text();
    assert_eq!(text.matches("<d:response>").count(), 4, "{text}");
    for n in 1..=3 {
        assert!(
            text.contains(&format!("<d:href>{base}/{n}</d:href>")),
            "{text}"
        );
    }
    // The folder itself has no ETag (nc-py-api reads every entry with one as a version).
    let folder = text.split("</d:response>").next().unwrap();
    assert!(!folder.contains("<d:getetag>"), "{folder}");

    assert_eq!(
        call(&s, &u, "GET", &format!("{base}/1"), &[], "")
            .await
            .bytes,
        b"one"
    );
    assert_eq!(
        call(&s, &u, "GET", &format!("{base}/9"), &[], "")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let restore = format!("/remote.php/dav/versions/{u}/restore/target");
    let copied = call(
        &s,
        &u,
        "COPY",
        &format!("{base}/1"),
        &[("Destination", &restore)],
        "",
    )
    .await;
    assert_eq!(copied.status, StatusCode::NO_CONTENT);
    assert_eq!(call(&s, &u, "GET", &file, &[], "").await.bytes, b"one");
    let moved = call(
        &s,
        &u,
        "MOVE",
        &format!("{base}/2"),
        &[("Destination", &restore)],
        "",
    )
    .await;
    assert_eq!(moved.status, StatusCode::NO_CONTENT);
    assert_eq!(call(&s, &u, "GET", &file, &[], "").await.bytes, b"two!");
    // Restoring added versions; nothing was lost.
    let text = call(&s, &u, "PROPFIND", &base, &[("Depth", "1")], props)
        .await
        .text();
    assert_eq!(text.matches("<d:response>").count(), 6, "{text}");
    // Someone else cannot see the file's versions.
    let other = user(&s, "peeker").await;
    let theirs = format!("/remote.php/dav/versions/{other}/versions/{id}");
    assert_eq!(
        call(&s, &other, "PROPFIND", &theirs, &[("Depth", "1")], props)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

fn search_body(user: &str, scope: &str, condition: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><d:searchrequest xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:basicsearch><d:select><d:prop><d:getetag/><oc:fileid/><d:displayname/><nc:lock/></d:prop></d:select><d:from><d:scope><d:href>/files/{user}/{scope}</d:href><d:depth>infinity</d:depth></d:scope></d:from><d:where>{condition}</d:where></d:basicsearch></d:searchrequest>"#
    )
}

#[tokio::test]
async fn search_by_file_id_and_name_and_report_favorites() {
    let s = TestServer::start().await;
    let u = user(&s, "search").await;
    let files = format!("/remote.php/dav/files/{u}");
    call(&s, &u, "MKCOL", &format!("{files}/docs"), &[], "").await;
    for name in ["docs/Report 2026.pdf", "docs/notes.txt", "report-old.pdf"] {
        call(&s, &u, "PUT", &format!("{files}/{name}"), &[], "x").await;
    }
    let id = file_id(&s, &u, "/docs/notes.txt").await;

    // By file id, plain or as OC-FileId spells it, at the DAV root with or without slash.
    for (path, literal) in [
        ("/remote.php/dav", id.clone()),
        ("/remote.php/dav/", format!("{:0>8}ocferry0000", id)),
    ] {
        let body = search_body(
            &u,
            "",
            &format!("<d:eq><d:prop><oc:fileid/></d:prop><d:literal>{literal}</d:literal></d:eq>"),
        );
        let found = call(
            &s,
            &u,
            "SEARCH",
            path,
            &[("Content-Type", "text/xml")],
            body,
        )
        .await;
        assert_eq!(found.status, StatusCode::MULTI_STATUS, "{}", found.text());
        let text = found.text();
        assert_eq!(text.matches("<d:response>").count(), 1, "{text}");
        assert!(text.contains(&format!("<d:href>{files}/docs/notes.txt</d:href>")));
        assert_eq!(first(&text, "oc:fileid"), id);
        // An unknown property comes back in a 404 propstat.
        assert!(text.contains("<nc:lock/>") && text.contains("404 Not Found"));
    }

    // By name, case-insensitively with `like`, within a scope.
    let like = "<d:like><d:prop><d:displayname/></d:prop><d:literal>report%</d:literal></d:like>";
    let text = call(
        &s,
        &u,
        "SEARCH",
        "/remote.php/dav/",
        &[],
        search_body(&u, "", like),
    )
    .await
    .text();
    assert_eq!(text.matches("<d:response>").count(), 2, "{text}");
    assert!(text.contains("Report%202026.pdf") && text.contains("report-old.pdf"));
    let text = call(&s, &u, "SEARCH", &files, &[], search_body(&u, "docs", like))
        .await
        .text();
    assert_eq!(text.matches("<d:response>").count(), 1, "{text}");

    // Another user's scope is not there for the caller.
    let other = user(&s, "other").await;
    let theirs = call(
        &s,
        &other,
        "SEARCH",
        "/remote.php/dav",
        &[],
        search_body(&u, "", like),
    )
    .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);

    // Favorites by REPORT.
    let fav = r#"<d:propertyupdate xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:set><d:prop><oc:favorite>1</oc:favorite></d:prop></d:set></d:propertyupdate>"#;
    call(
        &s,
        &u,
        "PROPPATCH",
        &format!("{files}/report-old.pdf"),
        &[],
        fav,
    )
    .await;
    let report = r#"<oc:filter-files xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop><oc:fileid/><oc:favorite/></d:prop><oc:filter-rules><oc:favorite>1</oc:favorite></oc:filter-rules></oc:filter-files>"#;
    let listed = call(&s, &u, "REPORT", &files, &[], report).await;
    assert_eq!(listed.status, StatusCode::MULTI_STATUS);
    let text = listed.text();
    assert_eq!(text.matches("<d:response>").count(), 1, "{text}");
    assert!(text.contains(&format!("<d:href>{files}/report-old.pdf</d:href>")));
    assert_eq!(first(&text, "oc:favorite"), "1");
    let other_report = r#"<d:sync-collection xmlns:d="DAV:"/>"#;
    assert_eq!(
        call(&s, &u, "REPORT", &files, &[], other_report)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn hostile_search_bodies_are_refused() {
    let s = TestServer::start().await;
    let u = user(&s, "hostile").await;
    let deep = format!("{}{}", "<d:and>".repeat(100), "</d:and>".repeat(100));
    let bodies = [
        format!(
            r#"<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>{}"#,
            search_body(
                &u,
                "",
                "<d:eq><d:prop><d:displayname/></d:prop><d:literal>&e;</d:literal></d:eq>"
            )
        ),
        search_body(&u, "", &deep),
        search_body(
            &u,
            "",
            "<d:gt><d:prop><d:getcontentlength/></d:prop><d:literal>1</d:literal></d:gt>",
        ),
        search_body(
            &u,
            "",
            "<d:eq><d:prop><oc:fileid/></d:prop><d:literal>x</d:literal></d:eq>",
        ),
        search_body(&u, "", ""),
        "<d:searchrequest xmlns:d=\"DAV:\"><d:basicsearch>".to_owned(),
        "not xml at all".to_owned(),
        "x".repeat(2 * 1024 * 1024),
    ];
    for body in bodies {
        let reply = call(&s, &u, "SEARCH", "/remote.php/dav/", &[], body.clone()).await;
        assert!(
            reply.status == StatusCode::BAD_REQUEST
                || reply.status == StatusCode::PAYLOAD_TOO_LARGE,
            "{}: {}",
            reply.status,
            &body[..body.len().min(200)]
        );
    }
    // Without credentials: 401 with the challenge.
    let anonymous = s
        .client
        .request(
            reqwest::Method::from_bytes(b"SEARCH").unwrap(),
            format!("{}/remote.php/dav/", s.url),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
