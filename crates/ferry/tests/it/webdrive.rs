//! FileAgo's WebDrive endpoints: `/api/user/webdrive` and `/api/groups/{g}/webdrive` (GET,
//! POST, DELETE), and the same WebDAV engine serving each at `/webdrive/{endpoint}/` over
//! the owner's files, with the caller's usual access.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{PASSWORD, Session, TestServer, assert_error};

async fn call(
    s: &TestServer,
    method: Method,
    path: &str,
    who: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    s.json(method, path, Some(who), body).await
}

/// A WebDAV request with Basic auth below `/webdrive/`.
async fn drive(
    s: &TestServer,
    user: &str,
    verb: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &'static str,
) -> (StatusCode, String) {
    let mut req = s
        .client
        .request(
            Method::from_bytes(verb.as_bytes()).unwrap(),
            format!("{}/webdrive/{path}", s.url),
        )
        .basic_auth(user, Some(PASSWORD))
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    (resp.status(), resp.text().await.unwrap())
}

/// A group with lead@ as its administrator, reader@ with read access only and writer@
/// with read, write and delete access (all @example.com); returns the group's uuid and
/// the administrator's session.
async fn team(s: &TestServer) -> (String, Session) {
    let root = s.root_admin().await;
    let lead = s.add_user("lead@example.com", 0).await;
    let reader = s.add_user("reader@example.com", 0).await;
    let writer = s.add_user("writer@example.com", 0).await;
    let root = &root;
    let (status, body) = s
        .post("/api/admin/groups", root, json!({"name": "Sales Team"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let group = body["data"]["group_uuid"].as_str().unwrap().to_owned();
    for (user, node, is_admin) in [
        (&lead, vec!["read", "write", "delete", "download"], true),
        (&reader, vec!["read", "download"], false),
        (&writer, vec!["read", "write", "delete", "download"], false),
    ] {
        let (status, body) = s
            .post(
                &format!("/api/admin/groups/{group}/users"),
                root,
                json!({"user": user, "permissions": {
                    "is_admin": is_admin, "node_permissions": node,
                    "tag_permissions": [], "share_permissions": [],
                }}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    (group, s.login("lead@example.com").await)
}

#[tokio::test]
async fn a_user_configures_their_endpoint_and_mounts_their_files() {
    let s = TestServer::start().await;
    s.add_user("ann@example.com", 0).await;
    s.add_user("bob@example.com", 0).await;
    let ann = s.login("ann@example.com").await;
    let bob = s.login("bob@example.com").await;

    let (status, body) = call(&s, Method::GET, "/api/user/webdrive", &ann.token, None).await;
    assert_error(status, &body, 404);
    let (status, body) = s
        .post("/api/user/webdrive", &ann, json!({"endpoint": "annhome"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["endpoint"], "annhome");
    assert_eq!(body["data"]["url"], format!("{}/webdrive/annhome/", s.url));
    assert!(body["data"].get("show_url_to_group_members").is_none());
    let (_, body) = call(&s, Method::GET, "/api/user/webdrive", &ann.token, None).await;
    assert_eq!(body["data"]["endpoint"], "annhome");

    // Files through the endpoint are Ann's own, as FileAgo shows them.
    let (status, _) = drive(&s, "ann@example.com", "MKCOL", "annhome/docs/", &[], "").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = drive(
        &s,
        "ann@example.com",
        "PUT",
        "annhome/docs/a.txt",
        &[],
        "hello",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let docs = s.find(&ann, "home", "docs").await.unwrap();
    assert_eq!(s.names(&ann, &docs).await, ["a.txt"]);
    let (status, text) = drive(&s, "ann@example.com", "GET", "annhome/docs/a.txt", &[], "").await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "hello"));
    let (status, text) = drive(
        &s,
        "ann@example.com",
        "PROPFIND",
        "annhome/docs/",
        &[("Depth", "1")],
        "",
    )
    .await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert!(
        text.contains("<d:href>/webdrive/annhome/docs/a.txt</d:href>"),
        "{text}"
    );
    // MOVE stays within the mount; another mount is refused.
    let dest = format!("{}/webdrive/annhome/docs/b.txt", s.url);
    let (status, _) = drive(
        &s,
        "ann@example.com",
        "MOVE",
        "annhome/docs/a.txt",
        &[("Destination", &dest)],
        "",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(s.names(&ann, &docs).await, ["b.txt"]);
    let elsewhere = format!("{}/remote.php/webdav/b.txt", s.url);
    let (status, _) = drive(
        &s,
        "ann@example.com",
        "COPY",
        "annhome/docs/b.txt",
        &[("Destination", &elsewhere)],
        "",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Someone else's endpoint does not exist for Bob, and an unknown one for anybody.
    let (status, _) = drive(&s, "bob@example.com", "PROPFIND", "annhome/", &[], "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = drive(&s, "ann@example.com", "PROPFIND", "nosuch/", &[], "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = drive(&s, "ann@example.com", "PROPFIND", "%2e%2e/", &[], "").await;
    assert!(status.is_client_error());

    // The name is Ann's: Bob cannot take it; bad names are refused in FileAgo's envelope.
    let (status, body) = s
        .post("/api/user/webdrive", &bob, json!({"endpoint": "annhome"}))
        .await;
    assert_error(status, &body, 409);
    for bad in [
        json!("ab"),
        json!("Upper"),
        json!("a/b"),
        json!("elevenchars"),
        json!(7),
    ] {
        let (status, body) = s
            .post("/api/user/webdrive", &bob, json!({"endpoint": bad}))
            .await;
        assert_error(status, &body, 400);
    }
    let (status, body) = s.post("/api/user/webdrive", &bob, json!({})).await;
    assert_error(status, &body, 400);

    // Replacing frees the old name at once; deleting stops the mount at once.
    let (status, _) = s
        .post("/api/user/webdrive", &ann, json!({"endpoint": "annnew"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = drive(&s, "ann@example.com", "PROPFIND", "annhome/", &[], "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = drive(
        &s,
        "ann@example.com",
        "PROPFIND",
        "annnew/",
        &[("Depth", "0")],
        "",
    )
    .await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    let (status, body) = call(&s, Method::DELETE, "/api/user/webdrive", &ann.token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = drive(&s, "ann@example.com", "PROPFIND", "annnew/", &[], "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(&s, Method::DELETE, "/api/user/webdrive", &ann.token, None).await;
    assert_error(status, &body, 404);
    // Without credentials: 401.
    let (status, body) = s.json(Method::GET, "/api/user/webdrive", None, None).await;
    assert_error(status, &body, 401);
}

#[tokio::test]
async fn a_group_endpoint_serves_the_group_workspace_with_member_permissions() {
    let s = TestServer::start().await;
    let (group, lead) = team(&s).await;
    s.add_user("stranger@example.com", 0).await;
    let root = s.login("root@example.com").await;
    let reader = s.login("reader@example.com").await;
    let stranger = s.login("stranger@example.com").await;
    let path = format!("/api/groups/{group}/webdrive");

    // Only group administrators configure it.
    let (status, body) = s
        .post(&path, &reader, json!({"endpoint": "salesdocs"}))
        .await;
    assert_error(status, &body, 403);
    let (status, body) = s
        .post(&path, &stranger, json!({"endpoint": "salesdocs"}))
        .await;
    assert_error(status, &body, 404);
    let (status, body) = s
        .post(
            &path,
            &lead,
            json!({"endpoint": "salesdocs", "show_url_to_group_members": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["show_url_to_group_members"], false);
    let (status, body) = s
        .post(
            &path,
            &lead,
            json!({"endpoint": "salesdocs", "show_url_to_group_members": "yes"}),
        )
        .await;
    assert_error(status, &body, 400);

    // Plain members see the URL only when it is shown to them.
    let (status, body) = call(&s, Method::GET, &path, &reader.token, None).await;
    assert_error(status, &body, 403);
    let (status, body) = call(&s, Method::GET, &path, &stranger.token, None).await;
    assert_error(status, &body, 404);
    let (status, _) = s
        .post(
            &path,
            &lead,
            json!({"endpoint": "salesdocs", "show_url_to_group_members": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(&s, Method::GET, &path, &reader.token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["data"]["url"],
        format!("{}/webdrive/salesdocs/", s.url)
    );
    // A read-only API key cannot change it.
    let (_, key) = crate::auth_matrix::new_key(&s, &root, json!(["Read"]), json!(30)).await;
    let (status, body) = call(&s, Method::DELETE, &path, &key, None).await;
    assert_error(status, &body, 403);

    // Over WebDAV: the writer writes, the reader reads, the stranger sees nothing.
    let (status, _) = drive(
        &s,
        "writer@example.com",
        "PUT",
        "salesdocs/plan.txt",
        &[],
        "q1 plan",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let plan = s
        .find(&lead, &format!("home:{group}"), "plan.txt")
        .await
        .unwrap();
    let bytes = s.download(&lead, &plan, 1).await.bytes().await.unwrap();
    assert_eq!(&bytes[..], b"q1 plan");
    let (status, text) = drive(
        &s,
        "reader@example.com",
        "GET",
        "salesdocs/plan.txt",
        &[],
        "",
    )
    .await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "q1 plan"));
    for (who, verb, path, body, expected) in [
        (
            "reader",
            "PUT",
            "salesdocs/mine.txt",
            "no",
            StatusCode::FORBIDDEN,
        ),
        (
            "reader",
            "DELETE",
            "salesdocs/plan.txt",
            "",
            StatusCode::FORBIDDEN,
        ),
        (
            "stranger",
            "GET",
            "salesdocs/plan.txt",
            "",
            StatusCode::NOT_FOUND,
        ),
    ] {
        let user = format!("{who}@example.com");
        let (status, _) = drive(&s, &user, verb, path, &[], body).await;
        assert_eq!(status, expected, "{who} {verb} {path}");
    }
    assert_eq!(s.names(&lead, &format!("home:{group}")).await, ["plan.txt"]);

    // Deleting the endpoint stops the mount at once.
    let (status, body) = call(&s, Method::DELETE, &path, &lead.token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = drive(
        &s,
        "writer@example.com",
        "GET",
        "salesdocs/plan.txt",
        &[],
        "",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn litmus_passes_basic_and_copymove_on_a_group_endpoint() {
    if !crate::litmus::litmus_installed() {
        return;
    }
    let s = TestServer::start().await;
    let (group, lead) = team(&s).await;
    let (status, _) = s
        .post(
            &format!("/api/groups/{group}/webdrive"),
            &lead,
            json!({"endpoint": "litmus"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let url = format!("{}/webdrive/litmus/", s.url);
    crate::litmus::run_litmus(&url, "writer@example.com", "basic copymove").await;
}
