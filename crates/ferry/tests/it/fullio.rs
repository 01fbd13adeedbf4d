//! The FulliO face at `/v1/…`: users (paging, search, the quota object, groups,
//! enable/disable, capabilities) and groups (CRUD, members, the permission object and how it
//! governs the group's workspace through FileAgo), cross-face, credentials and bad input.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{PASSWORD, Session, TestServer};

async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    s: &Session,
    body: Option<Value>,
) -> (StatusCode, Value) {
    server.json(method, path, Some(&s.token), body).await
}

/// Asserts a FulliO error: the status and `{"status":"error","error":{"code","message"}}`.
fn assert_fullio_error(status: StatusCode, body: &Value, expected: u16) {
    assert_eq!(status.as_u16(), expected, "{body}");
    assert_eq!(body["status"], "error", "{body}");
    assert!(
        body["error"]["code"]
            .as_str()
            .is_some_and(|c| !c.is_empty()),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

async fn make_user(server: &TestServer, root: &Session, userid: &str, extra: Value) -> Value {
    let mut body = json!({
        "userid": userid,
        "password": PASSWORD,
        "email": format!("{userid}@example.com"),
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    let (status, body) = call(server, Method::POST, "/v1/users", root, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn make_group(server: &TestServer, root: &Session, id: &str, name: &str) -> Value {
    let (status, body) = call(
        server,
        Method::POST,
        "/v1/groups",
        root,
        Some(json!({"id": id, "displayName": name, "description": "A team of ours"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

#[tokio::test]
async fn users_are_created_read_updated_listed_and_deleted() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    make_group(&server, &root, "developers", "Development Team").await;
    let jane = make_user(
        &server,
        &root,
        "jane",
        json!({"displayName": "Jane Smith", "groups": ["developers"], "language": "de", "quota": "10GB"}),
    )
    .await;
    assert_eq!(jane["id"], "jane");
    assert_eq!(jane["displayName"], "Jane Smith");
    assert_eq!(jane["email"], "jane@example.com");
    assert_eq!(jane["enabled"], true);
    assert_eq!(jane["groups"], json!(["developers"]));
    assert_eq!(jane["subadmin"], json!([]));
    assert_eq!(jane["language"], "de");
    assert_eq!(jane["lastLogin"], Value::Null);
    assert_eq!(jane["backend"], "Database");
    assert_eq!(jane["quota"]["total"], 10_737_418_240_i64);
    assert_eq!(jane["quota"]["used"], 0);
    assert_eq!(jane["quota"]["free"], 10_737_418_240_i64);
    assert_eq!(jane["quota"]["relative"], 0.0);
    assert_eq!(jane["quota"]["definition"], "10 GB");
    for field in ["phone", "address", "website", "twitter"] {
        assert_eq!(jane[field], "", "{field}");
    }
    assert!(jane["createdAt"].as_str().unwrap().ends_with('Z'));

    // The user logs in (FileAgo) and reads themself by login name and by uuid.
    let me = server.login("jane").await;
    let (status, body) = call(&server, Method::GET, "/v1/users/jane", &me, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["lastLogin"].as_i64().is_some(), "{body}");
    let uuid = body["uuid"].as_str().unwrap().to_owned();
    let (status, _) = call(
        &server,
        Method::GET,
        &format!("/v1/users/{uuid}"),
        &me,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Profile fields: the user changes their own, not their quota.
    let (status, body) = call(
        &server,
        Method::PUT,
        "/v1/users/jane",
        &me,
        Some(json!({"phone": "+1 (555) 123-4567", "address": "123 Main St", "website": "https://janesmith.com", "twitter": "@janesmith"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["twitter"], "@janesmith");
    assert_eq!(body["phone"], "+1 (555) 123-4567");
    let (status, body) = call(
        &server,
        Method::PUT,
        "/v1/users/jane",
        &me,
        Some(json!({"quota": "1TB"})),
    )
    .await;
    assert_fullio_error(status, &body, 403);

    // The administrator changes the email, quota and groups.
    make_group(&server, &root, "marketing", "Marketing Team").await;
    let (status, body) = call(
        &server,
        Method::PUT,
        "/v1/users/jane",
        &root,
        Some(json!({"email": "jane.smith@example.com", "quota": "5GB", "groups": ["marketing"], "displayName": "Jane Q Smith"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "jane.smith@example.com");
    assert_eq!(body["quota"]["definition"], "5 GB");
    assert_eq!(body["groups"], json!(["marketing"]));
    assert_eq!(body["displayName"], "Jane Q Smith");
    let (status, body) = call(&server, Method::GET, "/v1/users/jane/groups", &me, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["groups"], json!(["marketing"]));

    // Another user cannot see jane; a plain user cannot list users.
    let bob = make_user(&server, &root, "bob", json!({})).await;
    assert_eq!(bob["displayName"], "bob");
    let bob = server.login("bob").await;
    let (status, body) = call(&server, Method::GET, "/v1/users/jane", &bob, None).await;
    assert_fullio_error(status, &body, 404);
    let (status, body) = call(&server, Method::GET, "/v1/users", &bob, None).await;
    assert_fullio_error(status, &body, 403);
    let (status, body) = call(&server, Method::DELETE, "/v1/users/jane", &bob, None).await;
    assert_fullio_error(status, &body, 403);

    // Delete.
    let (status, _) = call(&server, Method::DELETE, "/v1/users/jane", &root, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = call(&server, Method::GET, "/v1/users/jane", &root, None).await;
    assert_fullio_error(status, &body, 404);
    let (status, body) = call(&server, Method::DELETE, "/v1/users/jane", &root, None).await;
    assert_fullio_error(status, &body, 404);
}

#[tokio::test]
async fn quota_used_follows_uploads_through_fileago() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    make_user(&server, &root, "quinn", json!({"quota": 1000})).await;
    let quinn = server.login("quinn").await;
    let (status, body) = server
        .upload(&quinn, "home", &[("a.bin", vec![7; 200])])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = call(&server, Method::GET, "/v1/users/quinn", &quinn, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let q = &body["quota"];
    assert_eq!(q["used"], 200);
    assert_eq!(q["total"], 1000);
    assert_eq!(q["free"], 800);
    assert_eq!(q["relative"], 20.0);
    assert_eq!(q["definition"], "1000 B");
    // Unlimited.
    make_user(&server, &root, "ulla", json!({})).await;
    let (_, body) = call(&server, Method::GET, "/v1/users/ulla", &root, None).await;
    assert_eq!(
        body["quota"],
        json!({"free": null, "used": 0, "total": null, "relative": 0.0, "definition": "none"})
    );
}

#[tokio::test]
async fn users_page_search_and_filter_by_group() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    make_group(&server, &root, "ops", "Operations").await;
    for i in 0..7 {
        let groups = if i % 2 == 0 {
            json!(["ops"])
        } else {
            json!([])
        };
        make_user(
            &server,
            &root,
            &format!("member{i}"),
            json!({"displayName": format!("Member Number {i}"), "groups": groups}),
        )
        .await;
    }
    // root@example.com and seven members.
    let (status, body) = call(&server, Method::GET, "/v1/users", &root, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["limit"], 25);
    assert_eq!(body["offset"], 0);
    let total = body["total"].as_u64().unwrap();
    assert_eq!(total, 8, "{body}");
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/users?search=member&limit=3&offset=2",
        &root,
        None,
    )
    .await;
    assert_eq!(body["total"], 7);
    let ids: Vec<&str> = body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["member2", "member3", "member4"]);
    // Search reads the email and display name too, case-insensitively.
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/users?search=NUMBER%206",
        &root,
        None,
    )
    .await;
    assert_eq!(body["total"], 1);
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/users?search=member5%40example",
        &root,
        None,
    )
    .await;
    assert_eq!(body["users"][0]["id"], "member5");
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/users?group=ops&limit=100",
        &root,
        None,
    )
    .await;
    assert_eq!(body["total"], 4);
    assert!(
        body["users"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["groups"] == json!(["ops"]))
    );
    let (_, body) = call(&server, Method::GET, "/v1/users?offset=500", &root, None).await;
    assert_eq!(body["users"], json!([]));
    for bad in [
        "/v1/users?limit=101",
        "/v1/users?limit=0",
        "/v1/users?limit=-1",
        "/v1/users?limit=ten",
        "/v1/users?offset=-3",
    ] {
        let (status, body) = call(&server, Method::GET, bad, &root, None).await;
        assert_fullio_error(status, &body, 400);
    }
    let (status, body) = call(&server, Method::GET, "/v1/users?group=nope", &root, None).await;
    assert_fullio_error(status, &body, 404);
}

#[tokio::test]
async fn disable_enable_and_capabilities() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    make_group(&server, &root, "writers", "Writers").await;
    make_user(&server, &root, "dana", json!({"groups": ["writers"]})).await;
    let dana = server.login("dana").await;
    let (status, body) = call(
        &server,
        Method::GET,
        "/v1/users/dana/capabilities",
        &dana,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let caps: Vec<&str> = body["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(caps.contains(&"files:create"), "{caps:?}");
    assert!(caps.contains(&"group:writers:files:create"), "{caps:?}");
    assert!(!caps.contains(&"users:manage"), "{caps:?}");
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/users/root@example.com/capabilities",
        &root,
        None,
    )
    .await;
    assert!(
        body["capabilities"]
            .as_array()
            .unwrap()
            .contains(&json!("users:manage"))
    );

    let (status, body) = call(&server, Method::PUT, "/v1/users/dana/disable", &dana, None).await;
    assert_fullio_error(status, &body, 403);
    let (status, body) = call(&server, Method::PUT, "/v1/users/dana/disable", &root, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["enabled"], false);
    // Disabling ends the sessions.
    let (status, body) = call(&server, Method::GET, "/v1/users/dana", &dana, None).await;
    assert_fullio_error(status, &body, 401);
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/users/dana/capabilities",
        &root,
        None,
    )
    .await;
    assert_eq!(body["capabilities"], json!([]));
    let (status, body) = call(&server, Method::PUT, "/v1/users/dana/enable", &root, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["enabled"], true);
    server.login("dana").await;
}

#[tokio::test]
async fn groups_are_created_listed_updated_and_deleted() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let g = make_group(&server, &root, "developers", "Development Team").await;
    assert_eq!(g["id"], "developers");
    assert_eq!(g["displayName"], "Development Team");
    assert_eq!(g["description"], "A team of ours");
    assert_eq!(g["userCount"], 0);
    assert_eq!(g["permissions"], "edit");
    let (status, body) = call(
        &server,
        Method::POST,
        "/v1/groups",
        &root,
        Some(json!({"id": "administrators", "displayName": "Administrators", "permissions": "admin"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["permissions"], "admin");
    make_group(&server, &root, "marketing", "Marketing Team").await;
    // Same id again: 409.
    let (status, body) = call(
        &server,
        Method::POST,
        "/v1/groups",
        &root,
        Some(json!({"id": "marketing", "displayName": "Marketing Two"})),
    )
    .await;
    assert_fullio_error(status, &body, 409);

    let (status, body) = call(&server, Method::GET, "/v1/groups", &root, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids: Vec<&str> = body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["administrators", "developers", "marketing"]);
    assert_eq!(body["total"], 3);
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/groups?search=team&limit=1&offset=1",
        &root,
        None,
    )
    .await;
    assert_eq!(body["total"], 2);
    assert_eq!(body["groups"][0]["id"], "marketing");
    let (status, body) = call(&server, Method::GET, "/v1/groups?limit=500", &root, None).await;
    assert_fullio_error(status, &body, 400);

    // Update: the id stays, the name changes; by uuid too.
    let uuid = g["uuid"].as_str().unwrap();
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/v1/groups/{uuid}"),
        &root,
        Some(json!({"displayName": "Dev Team", "permissions": "read"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], "developers");
    assert_eq!(body["displayName"], "Dev Team");
    assert_eq!(body["permissions"], "read");
    let (status, body) = call(
        &server,
        Method::PUT,
        "/v1/groups/developers",
        &root,
        Some(json!({"id": "devs"})),
    )
    .await;
    assert_fullio_error(status, &body, 400);
    let (_, body) = call(&server, Method::GET, "/v1/groups/developers", &root, None).await;
    assert_eq!(body["displayName"], "Dev Team");

    // A plain user sees only their groups, and not others'.
    make_user(&server, &root, "pat", json!({"groups": ["marketing"]})).await;
    let pat = server.login("pat").await;
    let (_, body) = call(&server, Method::GET, "/v1/groups", &pat, None).await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["groups"][0]["id"], "marketing");
    assert_eq!(body["groups"][0]["userCount"], 1);
    let (status, body) = call(&server, Method::GET, "/v1/groups/developers", &pat, None).await;
    assert_fullio_error(status, &body, 404);
    let (status, body) = call(&server, Method::DELETE, "/v1/groups/marketing", &pat, None).await;
    assert_fullio_error(status, &body, 403);

    // Delete: the members stay users.
    let (status, _) = call(&server, Method::DELETE, "/v1/groups/marketing", &root, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = call(&server, Method::GET, "/v1/groups/marketing", &root, None).await;
    assert_fullio_error(status, &body, 404);
    let (status, body) = call(&server, Method::GET, "/v1/users/pat", &root, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["groups"], json!([]));
}

#[tokio::test]
async fn members_are_added_all_or_nothing_and_removed() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    make_group(&server, &root, "team", "The Team").await;
    make_user(&server, &root, "ann", json!({})).await;
    make_user(&server, &root, "ben", json!({})).await;
    // One unknown user: nobody is added.
    let (status, body) = call(
        &server,
        Method::POST,
        "/v1/groups/team/members",
        &root,
        Some(json!({"userIds": ["ann", "nobody"]})),
    )
    .await;
    assert_fullio_error(status, &body, 400);
    let (_, body) = call(&server, Method::GET, "/v1/groups/team/members", &root, None).await;
    assert_eq!(body["members"], json!([]));
    let (status, body) = call(
        &server,
        Method::POST,
        "/v1/groups/team/members",
        &root,
        Some(json!({"userIds": ["ann", "ben", "ann"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["members"].as_array().unwrap().len(), 2);
    // Adding again changes nothing.
    let (status, _) = call(
        &server,
        Method::POST,
        "/v1/groups/team/members",
        &root,
        Some(json!({"userIds": ["ben"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = call(&server, Method::GET, "/v1/groups/team", &root, None).await;
    assert_eq!(body["userCount"], 2);
    let ann = server.login("ann").await;
    let (status, body) = call(&server, Method::GET, "/v1/groups/team/members", &ann, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let names: Vec<&str> = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ann", "ben"]);
    // A plain member cannot manage members.
    let (status, body) = call(
        &server,
        Method::DELETE,
        "/v1/groups/team/members/ben",
        &ann,
        None,
    )
    .await;
    assert_fullio_error(status, &body, 403);
    let (status, _) = call(
        &server,
        Method::DELETE,
        "/v1/groups/team/members/ben",
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = call(
        &server,
        Method::DELETE,
        "/v1/groups/team/members/ben",
        &root,
        None,
    )
    .await;
    assert_fullio_error(status, &body, 404);
    let (_, body) = call(&server, Method::GET, "/v1/users?group=team", &root, None).await;
    assert_eq!(body["total"], 1);
}

#[tokio::test]
async fn permissions_govern_fileago_and_file_access() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let g = make_group(&server, &root, "docs", "Documents Team").await;
    let group_uuid = g["uuid"].as_str().unwrap().to_owned();
    let carl = make_user(&server, &root, "carl", json!({"groups": ["docs"]})).await;
    let carl_uuid = carl["uuid"].as_str().unwrap().to_owned();
    let carl = server.login("carl").await;

    // The default level (edit) reads as create/update/delete and share.
    let (status, body) = call(
        &server,
        Method::GET,
        "/v1/groups/docs/permissions",
        &carl,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["permissions"],
        json!({"files": {"create": true, "update": true, "delete": true, "share": true},
               "projects": {"create": false, "update": false, "delete": false}, "admin": false})
    );
    let home = format!("home:{group_uuid}");
    let (status, body) = server
        .upload(&carl, &home, &[("one.txt", b"one".to_vec())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Read-only: no create/update/delete/share.
    let read_only = json!({"permissions": {
        "files": {"create": false, "update": false, "delete": false, "share": false},
        "projects": {"create": true, "update": true, "delete": false},
        "admin": false}});
    let (status, body) = call(
        &server,
        Method::PUT,
        "/v1/groups/docs/permissions",
        &carl,
        Some(read_only.clone()),
    )
    .await;
    assert_fullio_error(status, &body, 403);
    let (status, body) = call(
        &server,
        Method::PUT,
        "/v1/groups/docs/permissions",
        &root,
        Some(read_only),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["permissions"]["files"]["create"], false);
    assert_eq!(body["permissions"]["projects"]["create"], false);

    // FileAgo shows the membership's permissions.
    let (status, body) = server
        .get(
            &format!("/api/groups/{group_uuid}/users/{carl_uuid}"),
            &carl,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["data"]["node_permissions"],
        json!(["read", "download"])
    );
    assert_eq!(body["data"]["share_permissions"], json!([]));
    assert_eq!(body["data"]["is_admin"], false);

    // And the file API enforces them.
    let (status, body) = server
        .get(&format!("/api/nodes/{home}/upload"), &carl)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(server.names(&carl, &home).await, vec!["one.txt"]);

    // Back to writing, and group admin; members added later get the same.
    let (status, body) = call(
        &server,
        Method::PUT,
        "/v1/groups/docs/permissions",
        &root,
        Some(json!({"permissions": {"files": {"create": true, "update": true, "delete": false, "share": true}, "admin": true}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = server
        .get(
            &format!("/api/groups/{group_uuid}/users/{carl_uuid}"),
            &carl,
        )
        .await;
    assert_eq!(
        body["data"]["node_permissions"],
        json!(["read", "write", "download"])
    );
    assert_eq!(body["data"]["is_admin"], true);
    let (status, body) = server
        .upload(&carl, &home, &[("two.txt", b"two".to_vec())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Carl is now a group admin: adds a member through FulliO.
    make_user(&server, &root, "dora", json!({})).await;
    let (status, body) = call(
        &server,
        Method::POST,
        "/v1/groups/docs/members",
        &carl,
        Some(json!({"userIds": ["dora"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["members"][0]["permissions"]["files"],
        json!({"create": true, "update": true, "delete": false, "share": true})
    );
    assert_eq!(body["members"][0]["permissions"]["admin"], true);
    let (_, body) = call(&server, Method::GET, "/v1/users/carl", &carl, None).await;
    assert_eq!(body["subadmin"], json!(["docs"]));

    // Bad permission objects change nothing.
    for bad in [
        json!({}),
        json!({"permissions": "admin"}),
        json!({"permissions": {"files": {"create": true, "update": false, "delete": false, "share": false}}}),
        json!({"permissions": {"files": {"create": true}}}),
        json!({"permissions": {"files": {"create": "yes", "update": true, "delete": true, "share": true}}}),
        json!({"permissions": {"admin": "no"}}),
        json!({"permissions": {"everything": true}}),
    ] {
        let (status, body) = call(
            &server,
            Method::PUT,
            "/v1/groups/docs/permissions",
            &root,
            Some(bad.clone()),
        )
        .await;
        assert_fullio_error(status, &body, 400);
    }
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/groups/docs/permissions",
        &root,
        None,
    )
    .await;
    assert_eq!(body["permissions"]["files"]["create"], true);
    assert_eq!(body["permissions"]["admin"], true);
}

#[tokio::test]
async fn the_faces_share_users_and_groups() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    // A user made through the FileAgo admin API is listed by /v1/users.
    let (status, body) = server
        .post(
            "/api/admin/users",
            &root,
            json!({"fullname": "John Doe", "email": "john@example.com", "password": "Passw0rd123"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let john_uuid = body["data"]["uuid"].as_str().unwrap().to_owned();
    let (_, body) = call(&server, Method::GET, "/v1/users?search=john", &root, None).await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["users"][0]["id"], "john@example.com");
    assert_eq!(body["users"][0]["uuid"], john_uuid.as_str());
    assert_eq!(body["users"][0]["displayName"], "John Doe");

    // A group made through /v1/groups is a FileAgo group.
    let g = make_group(&server, &root, "sales", "Sales Team").await;
    let uuid = g["uuid"].as_str().unwrap();
    let (status, body) = server
        .get(&format!("/api/admin/groups/{uuid}"), &root)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["group_name"], "Sales Team");
    assert_eq!(body["data"]["slug"], "sales");
    // A member added through FileAgo is a FulliO member.
    let (status, body) = server
        .post(
            &format!("/api/admin/groups/{uuid}/users"),
            &root,
            json!({"user": john_uuid}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/groups/sales/members",
        &root,
        None,
    )
    .await;
    assert_eq!(body["members"][0]["id"], "john@example.com");
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/users/john@example.com",
        &root,
        None,
    )
    .await;
    assert_eq!(body["groups"], json!(["sales"]));
}

#[tokio::test]
async fn credentials_and_bad_input_answer_4xx_in_the_envelope() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    make_group(&server, &root, "g1", "Group One").await;
    // No credentials, a wrong token.
    for path in ["/v1/users", "/v1/groups", "/v1/users/root@example.com"] {
        let (status, body) = server.json(Method::GET, path, None, None).await;
        assert_fullio_error(status, &body, 401);
        let (status, body) = server.json(Method::GET, path, Some("nope"), None).await;
        assert_fullio_error(status, &body, 401);
    }
    // An API key works; a Read key reads but cannot change anything.
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/v2/api-keys",
        &root,
        Some(json!({"name": "Reader", "scopes": ["read"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let key = body["data"]["key"].as_str().unwrap().to_owned();
    let (status, body) = server
        .json(Method::GET, "/v1/users", Some(&key), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        server
            .client
            .get(format!("{}/v1/groups", server.url))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .headers()
            .contains_key("x-ratelimit-limit")
    );
    let (status, body) = server
        .json(
            Method::POST,
            "/v1/groups",
            Some(&key),
            Some(json!({"id": "g2", "displayName": "Group Two"})),
        )
        .await;
    assert_fullio_error(status, &body, 403);
    let (status, body) = server
        .json(
            Method::POST,
            "/v1/users",
            Some(&key),
            Some(json!({"userid": "keyed", "password": PASSWORD, "email": "keyed@example.com"})),
        )
        .await;
    assert_fullio_error(status, &body, 403);
    let (_, body) = call(&server, Method::GET, "/v1/groups", &root, None).await;
    assert_eq!(body["total"], 1);

    // Malformed JSON, wrong types, missing fields, bad values: 400 and nothing made.
    for (method, path, raw) in [
        (Method::POST, "/v1/users", &b"{not json"[..]),
        (Method::POST, "/v1/users", b"[1,2]"),
        (Method::POST, "/v1/groups", b"\"text\""),
        (Method::PUT, "/v1/groups/g1", b"{"),
        (
            Method::POST,
            "/v1/groups/g1/members",
            b"{\"userIds\": \"ann\"}",
        ),
    ] {
        let (status, body) = server
            .raw(method, path, Some(&root.token), raw.to_vec())
            .await;
        assert_fullio_error(status, &body, 400);
    }
    for body in [
        json!({"userid": "x1", "password": PASSWORD}),
        json!({"userid": 5, "password": PASSWORD, "email": "x1@example.com"}),
        json!({"userid": "x1", "password": PASSWORD, "email": "x1@example.com", "quota": "lots"}),
        json!({"userid": "x1", "password": PASSWORD, "email": "x1@example.com", "quota": -5}),
        json!({"userid": "x1", "password": PASSWORD, "email": "x1@example.com", "groups": ["nope"]}),
        json!({"userid": "x1", "password": PASSWORD, "email": "x1@example.com", "groups": "g1"}),
        json!({"userid": "x1", "password": PASSWORD, "email": "x1@example.com", "language": "e n"}),
        json!({"userid": "x1", "password": "short", "email": "x1@example.com"}),
        json!({"userid": "bad name!", "password": PASSWORD, "email": "x1@example.com"}),
        json!({"userid": "x1", "password": PASSWORD, "email": "not-an-email"}),
    ] {
        let (status, resp) = call(
            &server,
            Method::POST,
            "/v1/users",
            &root,
            Some(body.clone()),
        )
        .await;
        assert_fullio_error(status, &resp, 400);
    }
    let (_, body) = call(&server, Method::GET, "/v1/users?search=x1", &root, None).await;
    assert_eq!(body["total"], 0);
    for body in [
        json!({"displayName": "No Id"}),
        json!({"id": "Not A Slug", "displayName": "Bad"}),
        json!({"id": "ok-slug", "displayName": "x"}),
        json!({"id": "ok-slug", "displayName": "Fine Name", "permissions": "owner"}),
        json!({"id": "ok-slug", "displayName": "Fine Name", "description": "x"}),
    ] {
        let (status, resp) = call(
            &server,
            Method::POST,
            "/v1/groups",
            &root,
            Some(body.clone()),
        )
        .await;
        assert_fullio_error(status, &resp, 400);
    }
    let (_, body) = call(&server, Method::GET, "/v1/groups", &root, None).await;
    assert_eq!(body["total"], 1);
    let (status, body) = call(
        &server,
        Method::POST,
        "/v1/groups/g1/members",
        &root,
        Some(json!({"userIds": []})),
    )
    .await;
    assert_fullio_error(status, &body, 400);

    // Unknown ids and paths: 404 in the envelope; a wrong method 405.
    for path in [
        "/v1/users/ghost",
        "/v1/users/ghost/groups",
        "/v1/users/ghost/capabilities",
        "/v1/groups/ghost",
        "/v1/groups/ghost/members",
        "/v1/groups/ghost/permissions",
        "/v1/nothing/here",
    ] {
        let (status, body) = call(&server, Method::GET, path, &root, None).await;
        assert_fullio_error(status, &body, 404);
    }
    let (status, body) = call(&server, Method::PUT, "/v1/users/ghost/enable", &root, None).await;
    assert_fullio_error(status, &body, 404);
    let (status, body) = call(
        &server,
        Method::DELETE,
        "/v1/groups/g1/members/ghost",
        &root,
        None,
    )
    .await;
    assert_fullio_error(status, &body, 404);
    let (status, body) = call(&server, Method::PATCH, "/v1/users", &root, None).await;
    assert_fullio_error(status, &body, 405);
}

#[tokio::test]
async fn past_the_rate_limit_a_key_gets_429_in_the_fullio_envelope() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/v2/api-keys",
        &root,
        Some(json!({"name": "load", "scopes": ["read"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let key = body["data"]["key"].as_str().unwrap().to_owned();
    // Start at the beginning of a window so the whole test stays inside one minute.
    let now = server.ferry.now_ms();
    server.clock.advance_ms(60_000 - now.rem_euclid(60_000) + 1);
    for i in 1..=100u32 {
        let (status, _) = server
            .json(Method::GET, "/v1/groups", Some(&key), None)
            .await;
        assert_eq!(status, StatusCode::OK, "request {i}");
    }
    let resp = server
        .client
        .get(format!("{}/v1/users", server.url))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().contains_key("retry-after"));
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "0");
    let body: Value = resp.json().await.unwrap();
    assert_fullio_error(StatusCode::TOO_MANY_REQUESTS, &body, 429);
    assert_eq!(body["error"]["code"], "rate-limited");
}

#[tokio::test]
async fn a_users_groups_are_added_and_removed_from_the_user_side() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    make_group(&server, &root, "alpha", "Alpha Team").await;
    make_group(&server, &root, "beta", "Beta Team").await;
    make_user(&server, &root, "erin", json!({"groups": ["alpha"]})).await;
    let erin = server.login("erin").await;
    // One unknown group: nothing changes.
    let (status, body) = call(
        &server,
        Method::POST,
        "/v1/users/erin/groups",
        &root,
        Some(json!({"groups": ["beta", "gamma"]})),
    )
    .await;
    assert_fullio_error(status, &body, 400);
    let (status, body) = call(
        &server,
        Method::POST,
        "/v1/users/erin/groups",
        &erin,
        Some(json!({"groups": ["beta"]})),
    )
    .await;
    assert_fullio_error(status, &body, 403);
    let (_, body) = call(&server, Method::GET, "/v1/users/erin/groups", &erin, None).await;
    assert_eq!(body["groups"], json!(["alpha"]));
    let (status, body) = call(
        &server,
        Method::POST,
        "/v1/users/erin/groups",
        &root,
        Some(json!({"groups": ["beta"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut groups: Vec<String> = body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap().to_owned())
        .collect();
    groups.sort();
    assert_eq!(groups, ["alpha", "beta"]);
    let (status, _) = call(
        &server,
        Method::DELETE,
        "/v1/users/erin/groups/alpha",
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, body) = call(&server, Method::GET, "/v1/users/erin/groups", &erin, None).await;
    assert_eq!(body["groups"], json!(["beta"]));
    let (status, body) = call(
        &server,
        Method::DELETE,
        "/v1/users/erin/groups/alpha",
        &root,
        None,
    )
    .await;
    assert_fullio_error(status, &body, 404);
}

#[tokio::test]
async fn permissions_set_on_an_empty_group_hold_for_its_first_members() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    make_group(&server, &root, "empty", "Empty Team").await;
    make_user(&server, &root, "ann", json!({})).await;
    let object = json!({"files": {"create": true, "update": true, "delete": false, "share": false}, "admin": false});
    let (status, body) = call(
        &server,
        Method::PUT,
        "/v1/groups/empty/permissions",
        &root,
        Some(json!({"permissions": object})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["permissions"]["files"], object["files"], "{body}");
    // Still what GET shows with no members, after a restart too.
    let server = server.restarted().await;
    let root = server.login("root@example.com").await;
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/groups/empty/permissions",
        &root,
        None,
    )
    .await;
    assert_eq!(body["permissions"]["files"], object["files"], "{body}");
    // The first member gets exactly that, as FileAgo shows it.
    let (status, body) = call(
        &server,
        Method::POST,
        "/v1/groups/empty/members",
        &root,
        Some(json!({"userIds": ["ann"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["members"][0]["permissions"]["files"], object["files"],
        "{body}"
    );
    let (_, body) = call(
        &server,
        Method::GET,
        "/v1/groups/empty/permissions",
        &root,
        None,
    )
    .await;
    assert_eq!(body["permissions"]["files"], object["files"], "{body}");
    // A level set later through FileAgo replaces the exact permissions for new members.
    let (_, group) = call(&server, Method::GET, "/v1/groups/empty", &root, None).await;
    let uuid = group["uuid"].as_str().unwrap();
    let (status, body) = server
        .json(
            Method::PUT,
            &format!("/api/groups/{uuid}"),
            Some(&root.token),
            Some(json!({"default_permission": "read"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bob = make_user(&server, &root, "bob", json!({})).await;
    let (status, body) = server
        .post(
            &format!("/api/admin/groups/{uuid}/users"),
            &root,
            json!({"user": bob["uuid"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["data"]["node_permissions"],
        json!(["read", "download"]),
        "{body}"
    );
}
