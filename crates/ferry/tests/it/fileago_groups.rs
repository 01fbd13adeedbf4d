//! `/api/groups…`, `/api/admin/groups…` and `/api/admin/users/{u}/groups`: groups, their
//! members, permissions, tags, quota and deletion, and how memberships govern the group's
//! workspace through the file API.

use ferry_core::Actor;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Session, TestServer, assert_error};

async fn send(
    server: &TestServer,
    method: Method,
    path: &str,
    s: &Session,
    body: Option<Value>,
) -> (StatusCode, Value) {
    server.json(method, path, Some(&s.token), body).await
}

/// `{key: value}`.
fn keyed(key: &str, value: Value) -> Value {
    let mut map = serde_json::Map::new();
    map.insert(key.to_owned(), value);
    Value::Object(map)
}

/// Makes a group through the admin API and returns its uuid.
async fn make_group(server: &TestServer, admin: &Session, name: &str, quota: i64) -> String {
    let (status, body) = server
        .post(
            "/api/admin/groups",
            admin,
            json!({"name": name, "disk_quota": quota}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]["group_uuid"].as_str().unwrap().to_owned()
}

/// Adds a member through the admin API with the given node permissions.
async fn add(
    server: &TestServer,
    admin: &Session,
    group: &str,
    user: &str,
    node: &[&str],
    is_admin: bool,
) {
    let (status, body) = server
        .post(
            &format!("/api/admin/groups/{group}/users"),
            admin,
            json!({"user": user, "permissions": {
                "is_admin": is_admin,
                "node_permissions": node,
                "tag_permissions": [],
                "share_permissions": [],
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn admins_create_read_update_and_list_groups() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let (status, body) = server
        .post(
            "/api/admin/groups",
            &root,
            json!({"name": "Sales", "disk_quota": 1_073_741_824u64}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "success");
    let data = &body["data"];
    let uuid = data["group_uuid"].as_str().unwrap().to_owned();
    assert_eq!(data["group_name"], "Sales");
    assert_eq!(data["slug"], "sales");
    assert_eq!(data["disk_quota"], 1_073_741_824u64);
    assert_eq!(data["disk_used"], 0);
    assert_eq!(data["members"], 0);
    assert_eq!(data["default_permission"], "edit");
    assert_eq!(data["accept_incoming"], "members");
    assert_eq!(data["avatar"], "/images/group_avatar.png");
    assert!(data["created"].as_i64().unwrap() > 1_600_000_000_000);

    let (status, body) = server.get("/api/admin/groups", &root).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"][0]["group_uuid"], uuid.as_str());
    assert_eq!(body["data"][0]["group_name"], "Sales");
    let (status, body) = server.get("/api/admin/groups?org_id=nope", &root).await;
    assert!(status.is_client_error(), "{body}");

    let (status, body) = server
        .get(&format!("/api/admin/groups/{uuid}"), &root)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["group_name"], "Sales");

    let (status, body) = send(
        &server,
        Method::PUT,
        &format!("/api/admin/groups/{uuid}"),
        &root,
        Some(json!({"name": "Sales Team", "description": "Sales workspace", "disk_quota": "2GB"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["group_name"], "Sales Team");
    assert_eq!(body["data"]["slug"], "sales", "the slug outlives a rename");
    assert_eq!(body["data"]["description"], "Sales workspace");
    assert_eq!(body["data"]["disk_quota"], 2_147_483_648u64);

    // Names are unique by their slug.
    let (status, body) = server
        .post("/api/admin/groups", &root, json!({"name": "sales"}))
        .await;
    assert_error(status, &body, 409);
    let (_, body) = server.get("/api/admin/groups", &root).await;
    assert_eq!(
        body["data"].as_array().unwrap().len(),
        1,
        "nothing half-made"
    );
}

#[tokio::test]
async fn bad_group_input_is_a_4xx_and_changes_nothing() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let group = make_group(&server, &root, "Sales", 0).await;
    for body in [
        json!({"name": "ab"}),
        json!({"name": 5}),
        json!({}),
        json!({"name": "Okay", "disk_quota": -1}),
        json!({"name": "Okay", "disk_quota": "lots"}),
        json!({"name": "Okay", "description": "ab"}),
        json!({"name": "Okay", "default_permission": "owner"}),
        json!([1, 2]),
    ] {
        let (status, resp) = server.post("/api/admin/groups", &root, body.clone()).await;
        assert_error(status, &resp, 400);
    }
    let (status, resp) = server
        .raw(
            Method::POST,
            "/api/admin/groups",
            Some(&root.token),
            b"{not json".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{resp}");
    let put = format!("/api/groups/{group}");
    for body in [
        json!({"description": "x".repeat(1025)}),
        json!({"accept_incoming": "everyone"}),
        json!({"private_shares_notify": 1}),
        json!({"avatar": "data:image/gif;base64,R0lGODlh"}),
        json!({"avatar": "data:image/png;base64,%%%"}),
        json!({"broadcast_message": ""}),
        json!({"name": "no"}),
    ] {
        let (status, resp) = send(&server, Method::PUT, &put, &root, Some(body.clone())).await;
        assert_error(status, &resp, 400);
    }
    for path in [
        "/api/groups/not-a-uuid",
        "/api/admin/groups/not-a-uuid",
        "/api/groups/not-a-uuid/users",
    ] {
        let (status, resp) = server.get(path, &root).await;
        assert_error(status, &resp, 400);
    }
    let missing = uuid::Uuid::now_v7();
    for path in [
        format!("/api/groups/{missing}"),
        format!("/api/admin/groups/{missing}"),
        format!("/api/groups/{missing}/tags"),
    ] {
        let (status, resp) = server.get(&path, &root).await;
        assert_error(status, &resp, 404);
    }
    let (_, body) = server.get(&format!("/api/groups/{group}"), &root).await;
    assert_eq!(body["data"]["group_name"], "Sales");
    assert_eq!(body["data"]["description"], "");
    assert_eq!(body["data"]["accept_incoming"], "members");
}

#[tokio::test]
async fn only_admins_use_the_admin_routes() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let group = make_group(&server, &root, "Sales", 0).await;
    let alice = server.user("alice@example.com").await;
    // Even a group administrator is no administrator.
    add(&server, &root, &group, &alice.uuid, &["read"], true).await;
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/admin/groups".into(), None),
        (
            Method::POST,
            "/api/admin/groups".into(),
            Some(json!({"name": "Mine"})),
        ),
        (Method::GET, format!("/api/admin/groups/{group}"), None),
        (
            Method::PUT,
            format!("/api/admin/groups/{group}"),
            Some(json!({"name": "Ours"})),
        ),
        (
            Method::DELETE,
            format!("/api/admin/groups/{group}?confirm_delete=yes"),
            None,
        ),
        (
            Method::GET,
            format!("/api/admin/groups/{group}/users"),
            None,
        ),
        (
            Method::POST,
            format!("/api/admin/groups/{group}/users"),
            Some(json!({"user": alice.uuid})),
        ),
        (
            Method::GET,
            format!("/api/admin/groups/{group}/users/{}", alice.uuid),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/admin/groups/{group}/users/{}", alice.uuid),
            None,
        ),
        (
            Method::GET,
            format!("/api/admin/users/{}/groups", alice.uuid),
            None,
        ),
        (
            Method::POST,
            format!("/api/admin/users/{}/groups", alice.uuid),
            Some(json!({"groups": {}})),
        ),
    ];
    for (method, path, body) in &routes {
        let (status, resp) = send(&server, method.clone(), path, &alice, body.clone()).await;
        assert_error(status, &resp, 403);
        let (status, _) = server.json(method.clone(), path, None, body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    let (_, body) = server.get(&format!("/api/groups/{group}"), &alice).await;
    assert_eq!(body["data"]["group_name"], "Sales", "nothing changed");
    assert_eq!(body["data"]["is_admin"], true);
}

#[tokio::test]
async fn group_admins_manage_members_and_members_only_read() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let group = make_group(&server, &root, "Sales", 0).await;
    let other = make_group(&server, &root, "Support", 0).await;
    let alice = server.user("alice@example.com").await;
    let bob = server.user("bob@example.com").await;
    let carol = server.user("carol@example.com").await;
    add(
        &server,
        &root,
        &group,
        &alice.uuid,
        &["read", "write"],
        true,
    )
    .await;

    // A group administrator adds a member with the documented permission object.
    let (status, body) = server
        .post(
            &format!("/api/groups/{group}/users"),
            &alice,
            json!({"user": bob.uuid, "permissions": {
                "is_admin": false,
                "node_permissions": ["download", "read", "write"],
                "tag_permissions": ["create"],
                "share_permissions": ["private_create", "private_delete"],
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["uuid"], bob.uuid.as_str());
    assert_eq!(
        body["data"]["node_permissions"],
        json!(["read", "write", "download"])
    );
    let (status, body) = server
        .post(
            &format!("/api/groups/{group}/users"),
            &alice,
            json!({"user": bob.uuid}),
        )
        .await;
    assert_error(status, &body, 409);

    // Members see their groups with their permissions.
    let (status, body) = server.get("/api/groups", &bob).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["msg"], "Details fetched successfully");
    assert_eq!(
        body["data"],
        json!([{
            "group_uuid": group,
            "group_name": "Sales",
            "is_admin": false,
            "node_permissions": ["read", "write", "download"],
            "tag_permissions": ["create"],
            "share_permissions": ["private_create", "private_delete"],
            "avatar": "/images/group_avatar.png",
        }])
    );
    let (_, body) = server.get(&format!("/api/groups/{group}"), &bob).await;
    assert_eq!(body["data"]["members"], 2);
    let (status, body) = server
        .get(&format!("/api/groups/{group}/users"), &bob)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let emails: Vec<_> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].clone())
        .collect();
    assert_eq!(
        emails,
        vec![json!("alice@example.com"), json!("bob@example.com")]
    );
    let (status, body) = server
        .get(&format!("/api/groups/{group}/users/{}", alice.uuid), &bob)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["is_admin"], true);
    let (status, body) = server
        .get(&format!("/api/groups/{group}/users/{}", carol.uuid), &bob)
        .await;
    assert_error(status, &body, 404);

    // A non-member learns nothing; a plain member may not manage.
    for path in [
        format!("/api/groups/{group}"),
        format!("/api/groups/{group}/users"),
        format!("/api/groups/{group}/tags"),
        format!("/api/groups/{group}/users/{}", bob.uuid),
    ] {
        let (status, body) = server.get(&path, &carol).await;
        assert_error(status, &body, 404);
    }
    let (status, body) = send(
        &server,
        Method::PUT,
        &format!("/api/groups/{group}"),
        &carol,
        Some(json!({"name": "Mine"})),
    )
    .await;
    assert_error(status, &body, 404);
    let plain_member_writes: Vec<(Method, String, Value)> = vec![
        (
            Method::PUT,
            format!("/api/groups/{group}"),
            json!({"name": "Bob's"}),
        ),
        (
            Method::POST,
            format!("/api/groups/{group}/users"),
            json!({"user": carol.uuid}),
        ),
        (
            Method::PUT,
            format!("/api/groups/{group}/users/{}", bob.uuid),
            json!({"is_admin": true}),
        ),
    ];
    for (method, path, body) in plain_member_writes {
        let (status, resp) = send(&server, method, &path, &bob, Some(body)).await;
        assert_error(status, &resp, 403);
    }
    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!("/api/groups/{group}/users/{}", alice.uuid),
        &bob,
        None,
    )
    .await;
    assert_error(status, &body, 403);
    let (_, body) = server.get("/api/groups", &carol).await;
    assert_eq!(body["data"], json!([]));
    let (_, body) = server.get("/api/groups?show=all", &carol).await;
    assert_eq!(body["data"], json!([]), "no share-with-all-groups setting");

    // Bad membership input: unknown permission names, user ids, types.
    for bad in [
        json!({"user": carol.uuid, "permissions": {"node_permissions": ["read", "fly"]}}),
        json!({"user": carol.uuid, "permissions": {"share_permissions": ["public"]}}),
        json!({"user": carol.uuid, "permissions": {"tag_permissions": "create"}}),
        json!({"user": uuid::Uuid::now_v7().to_string()}),
        json!({"user": "nobody"}),
        json!({"user": 7}),
    ] {
        let (status, body) = server
            .post(&format!("/api/groups/{group}/users"), &alice, bad)
            .await;
        assert_error(status, &body, 400);
    }
    let (_, body) = server
        .get(&format!("/api/groups/{group}/users"), &alice)
        .await;
    assert_eq!(
        body["data"].as_array().unwrap().len(),
        2,
        "nothing half-made"
    );

    // The group administrator updates the group and a member's permissions.
    let (status, body) = send(
        &server,
        Method::PUT,
        &format!("/api/groups/{group}"),
        &alice,
        Some(json!({
            "name": "Sales Team",
            "description": "Sales team workspace",
            "accept_incoming": "admins",
            "private_shares_notify": "members",
            "avatar": "data:image/png;base64,iVBORw0KGgoAAAA=",
        })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["group_name"], "Sales Team");
    assert_eq!(body["data"]["accept_incoming"], "admins");
    assert_eq!(
        body["data"]["avatar"],
        "data:image/png;base64,iVBORw0KGgoAAAA="
    );
    let (status, body) = send(
        &server,
        Method::PUT,
        &format!("/api/groups/{group}"),
        &alice,
        Some(json!({"avatar": ""})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["avatar"], "/images/group_avatar.png");
    let (status, body) = send(
        &server,
        Method::PUT,
        &format!("/api/groups/{group}"),
        &alice,
        Some(json!({"disk_quota": 5})),
    )
    .await;
    assert_error(status, &body, 403);
    let (status, body) = send(
        &server,
        Method::PUT,
        &format!("/api/groups/{group}/users/{}", bob.uuid),
        &alice,
        Some(json!({"node_permissions": ["read"], "share_permissions": ["public_create"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["node_permissions"], json!(["read"]));
    assert_eq!(
        body["data"]["tag_permissions"],
        json!(["create"]),
        "not given, kept"
    );
    let (status, body) = send(
        &server,
        Method::PUT,
        &format!("/api/groups/{group}/users/{}", bob.uuid),
        &alice,
        Some(json!({"node_permissions": ["rule"]})),
    )
    .await;
    assert_error(status, &body, 400);
    let (status, body) = send(
        &server,
        Method::PUT,
        &format!("/api/groups/{group}/users/{}", carol.uuid),
        &alice,
        Some(json!({"is_admin": true})),
    )
    .await;
    assert_error(status, &body, 404);

    // Group admins of one group have no say in another.
    let (status, body) = server
        .post(
            &format!("/api/groups/{other}/users"),
            &alice,
            json!({"user": carol.uuid}),
        )
        .await;
    assert_error(status, &body, 404);

    // Removal.
    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!("/api/groups/{group}/users/{}", bob.uuid),
        &alice,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!("/api/groups/{group}/users/{}", bob.uuid),
        &alice,
        None,
    )
    .await;
    assert_error(status, &body, 404);
    let (status, body) = server.get(&format!("/api/groups/{group}"), &bob).await;
    assert_error(status, &body, 404);

    // Administrators see every group with show=all, member or not.
    let (_, body) = server.get("/api/groups?show=all", &root).await;
    let names: Vec<_> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group_name"].clone())
        .collect();
    assert_eq!(names, vec![json!("Sales Team"), json!("Support")]);
    assert_eq!(body["data"][0]["node_permissions"], json!([]));
    let (_, body) = server.get("/api/groups", &root).await;
    assert_eq!(body["data"], json!([]));
}

#[tokio::test]
async fn admin_member_routes_and_user_groups() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let sales = make_group(&server, &root, "Sales", 0).await;
    let support = make_group(&server, &root, "Support", 0).await;
    let alice = server.user("alice@example.com").await;
    // Without permissions the group's default level (edit) applies.
    let (status, body) = server
        .post(
            &format!("/api/admin/groups/{sales}/users"),
            &root,
            json!({"user": alice.uuid}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["data"]["node_permissions"],
        json!(["read", "write", "delete", "download"])
    );
    let (status, body) = server
        .get(&format!("/api/admin/groups/{sales}/users"), &root)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"][0]["uuid"], alice.uuid.as_str());
    let (status, body) = send(
        &server,
        Method::PUT,
        &format!("/api/admin/groups/{sales}/users/{}", alice.uuid),
        &root,
        Some(json!({"is_admin": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .get(
            &format!("/api/admin/groups/{sales}/users/{}", alice.uuid),
            &root,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["is_admin"], true);

    let path = format!("/api/admin/users/{}/groups", alice.uuid);
    let (status, body) = server.get(&path, &root).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"][0]["group_uuid"], sales.as_str());
    assert_eq!(body["data"][0]["is_admin"], true);

    // Setting the groups: listed ones are made or updated, others end; all or nothing.
    let (status, body) = server
        .post(
            &path,
            &root,
            json!({"groups": keyed(&support, json!({
                "is_admin": false,
                "node_permissions": ["read"],
                "tag_permissions": [],
                "share_permissions": [],
            }))}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
    assert_eq!(body["data"][0]["group_uuid"], support.as_str());
    assert_eq!(body["data"][0]["node_permissions"], json!(["read"]));
    for bad in [
        json!({"groups": keyed(&uuid::Uuid::now_v7().to_string(), json!({}))}),
        json!({"groups": {"nope": {}}}),
        json!({"groups": keyed(&sales, json!({"node_permissions": ["own"]}))}),
        json!({"groups": []}),
        json!({}),
    ] {
        let (status, body) = server.post(&path, &root, bad).await;
        assert_error(status, &body, 400);
    }
    let (_, body) = server.get(&path, &root).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 1, "nothing changed");
    let (status, body) = server
        .get(
            &format!("/api/admin/users/{}/groups", uuid::Uuid::now_v7()),
            &root,
        )
        .await;
    assert_error(status, &body, 404);

    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!("/api/admin/groups/{support}/users/{}", alice.uuid),
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = server.get(&path, &root).await;
    assert_eq!(body["data"], json!([]));
}

#[tokio::test]
async fn broadcast_messages_are_recorded_once_per_member() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let group = make_group(&server, &root, "Sales", 0).await;
    let put = format!("/api/admin/groups/{group}");
    // No members: nothing to record.
    let (status, body) = send(
        &server,
        Method::PUT,
        &put,
        &root,
        Some(json!({"broadcast_message": "Anyone?"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        server
            .ferry
            .outgoing_mail(&Actor::System)
            .await
            .unwrap()
            .is_empty()
    );

    let alice = server.user("alice@example.com").await;
    let bob = server.user("bob@example.com").await;
    add(&server, &root, &group, &alice.uuid, &["read"], true).await;
    add(&server, &root, &group, &bob.uuid, &["read"], false).await;
    let (status, body) = send(
        &server,
        Method::PUT,
        &format!("/api/groups/{group}"),
        &alice,
        Some(json!({"broadcast_message": "Team meeting at noon"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mail = server.ferry.outgoing_mail(&Actor::System).await.unwrap();
    let mut to: Vec<_> = mail.iter().map(|m| m.address.clone().unwrap()).collect();
    to.sort();
    assert_eq!(to, vec!["alice@example.com", "bob@example.com"]);
    assert!(mail.iter().all(|m| m.body == "Team meeting at noon"));
}

#[tokio::test]
async fn group_tags_need_membership_and_a_valid_class() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let group = make_group(&server, &root, "Sales", 0).await;
    let alice = server.user("alice@example.com").await;
    let bob = server.user("bob@example.com").await;
    let carol = server.user("carol@example.com").await;
    let (status, body) = server
        .post(
            &format!("/api/groups/{group}/users"),
            &root,
            json!({"user": alice.uuid, "permissions": {"tag_permissions": ["create"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    add(&server, &root, &group, &bob.uuid, &["read"], false).await;
    let tags = format!("/api/groups/{group}/tags");
    for (name, class) in [("Important", "red"), ("Archive", "grey"), ("Later", "Blue")] {
        let (status, body) = server
            .post(&tags, &alice, json!({"name": name, "class": class}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"]["name"], name);
    }
    let (status, body) = server.get(&tags, &bob).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let names: Vec<_> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert_eq!(
        names,
        vec![json!("Archive"), json!("Important"), json!("Later")]
    );
    assert_eq!(body["data"][2]["class"], "blue");
    let (_, body) = server.get(&format!("{tags}?limit=2"), &bob).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    let (_, body) = server.get(&format!("{tags}?limit=0"), &bob).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 3);
    for bad in ["?limit=-1", "?limit=many"] {
        let (status, body) = server.get(&format!("{tags}{bad}"), &bob).await;
        assert_error(status, &body, 400);
    }

    let (status, body) = server
        .post(&tags, &bob, json!({"name": "Mine", "class": "red"}))
        .await;
    assert_error(status, &body, 403);
    let (status, body) = server
        .post(&tags, &carol, json!({"name": "Mine", "class": "red"}))
        .await;
    assert_error(status, &body, 404);
    let (status, body) = server
        .post(&tags, &alice, json!({"name": "Important", "class": "red"}))
        .await;
    assert_error(status, &body, 409);
    for bad in [
        json!({"name": "Shiny", "class": "sparkly"}),
        json!({"name": "", "class": "red"}),
        json!({"name": "Shiny"}),
        json!({"name": ["Shiny"], "class": "red"}),
    ] {
        let (status, body) = server.post(&tags, &alice, bad).await;
        assert_error(status, &body, 400);
    }
    let (_, body) = server.get(&tags, &alice).await;
    assert_eq!(
        body["data"].as_array().unwrap().len(),
        3,
        "nothing half-made"
    );
}

#[tokio::test]
async fn memberships_govern_the_group_workspace() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let group = make_group(&server, &root, "Sales", 0).await;
    let writer = server.user("writer@example.com").await;
    let reader = server.user("reader@example.com").await;
    let fetcher = server.user("fetcher@example.com").await;
    let outsider = server.user("outsider@example.com").await;
    add(
        &server,
        &root,
        &group,
        &writer.uuid,
        &["read", "write", "delete", "download"],
        false,
    )
    .await;
    add(&server, &root, &group, &reader.uuid, &["read"], false).await;
    add(
        &server,
        &root,
        &group,
        &fetcher.uuid,
        &["read", "download"],
        false,
    )
    .await;
    let home = format!("home:{group}");

    // The writer works in the group's home like in their own.
    let docs = server.mkdir(&writer, &home, "Docs").await;
    let (status, body) = server
        .upload(&writer, &docs, &[("plan.txt", b"the plan".to_vec())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let plan = server.find(&writer, &docs, "plan.txt").await.unwrap();
    let (status, body) = server.get(&format!("/api/nodes/{home}"), &writer).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["owner_type"], "Group");
    assert_eq!(body["data"]["owner_uuid"], group.as_str());
    assert_eq!(body["data"]["owner_fullname"], "Sales");

    // A reader sees but cannot change or download.
    assert_eq!(server.names(&reader, &home).await, vec!["Docs"]);
    assert_eq!(server.names(&reader, &docs).await, vec!["plan.txt"]);
    let (_, body) = server
        .get(&format!("/api/nodes/{docs}/myaccess"), &reader)
        .await;
    assert_eq!(body["data"], json!(["read"]));
    let (status, body) = server
        .post(
            &format!("/api/nodes/{home}"),
            &reader,
            json!({"new_dir": "Mine"}),
        )
        .await;
    assert_error(status, &body, 403);
    let (status, body) = server
        .get(&format!("/api/nodes/{docs}/upload"), &reader)
        .await;
    assert_error(status, &body, 403);
    let (status, body) = server
        .post(
            &format!("/api/nodes/{plan}"),
            &reader,
            json!({"new_name": "x.txt"}),
        )
        .await;
    assert_error(status, &body, 403);
    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!("/api/nodes/{plan}"),
        &reader,
        None,
    )
    .await;
    assert_error(status, &body, 403);
    let (status, body) = server
        .post(
            &format!("/api/nodes/{plan}"),
            &reader,
            json!({"copy_to": "home"}),
        )
        .await;
    assert_error(status, &body, 403);
    assert_eq!(
        server.download(&reader, &plan, 1).await.status(),
        StatusCode::FORBIDDEN
    );
    let (status, _) = server
        .get(&format!("/api/nodes/trash:{group}/dirlist"), &reader)
        .await;
    assert_eq!(status, StatusCode::OK);

    // Download permission lets the fetcher download, nothing more.
    let resp = server.download(&fetcher, &plan, 1).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"the plan");
    let (_, body) = server
        .get(&format!("/api/nodes/{plan}/myaccess"), &fetcher)
        .await;
    assert_eq!(body["data"], json!(["read", "download"]));
    let (status, body) = server
        .post(
            &format!("/api/nodes/{plan}"),
            &fetcher,
            json!({"copy_to": "home"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(server.names(&fetcher, "home").await, vec!["plan.txt"]);

    // An outsider cannot tell any of it exists.
    for path in [
        format!("/api/nodes/{home}"),
        format!("/api/nodes/{home}/dirlist"),
        format!("/api/nodes/trash:{group}/dirlist"),
        format!("/api/nodes/{docs}"),
        format!("/api/nodes/{plan}/path"),
    ] {
        let (status, body) = server.get(&path, &outsider).await;
        assert_error(status, &body, 404);
    }
    assert_eq!(
        server.download(&outsider, &plan, 1).await.status(),
        StatusCode::NOT_FOUND
    );
    // Administrators get no file access from being administrators.
    let (status, body) = server
        .get(&format!("/api/nodes/{home}/dirlist"), &root)
        .await;
    assert_error(status, &body, 404);

    // Removing the member takes their access away at once.
    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!("/api/admin/groups/{group}/users/{}", reader.uuid),
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .get(&format!("/api/nodes/{docs}/dirlist"), &reader)
        .await;
    assert_error(status, &body, 404);

    // The writer deletes into the group's trash.
    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!("/api/nodes/{plan}"),
        &writer,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(
        server.names(&writer, &format!("trash:{group}")).await,
        vec!["plan.txt"]
    );
}

#[tokio::test]
async fn group_quota_counts_the_group_workspace() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let group = make_group(&server, &root, "Sales", 10).await;
    let writer = server.user("writer@example.com").await;
    add(
        &server,
        &root,
        &group,
        &writer.uuid,
        &["read", "write", "delete", "download"],
        false,
    )
    .await;
    let home = format!("home:{group}");
    let (status, body) = server
        .upload(&writer, &home, &[("a.bin", vec![1; 8])])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .upload(&writer, &home, &[("b.bin", vec![2; 5])])
        .await;
    assert_error(status, &body, 507);
    assert_eq!(server.names(&writer, &home).await, vec!["a.bin"]);
    let (_, body) = server.get(&format!("/api/groups/{group}"), &writer).await;
    assert_eq!(body["data"]["disk_used"], 8);
    // The writer's own quota is not what counts.
    let (status, body) = server
        .upload(&writer, "home", &[("b.bin", vec![2; 5])])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A quota below the usage is refused; 0 lifts it.
    let put = format!("/api/admin/groups/{group}");
    let (status, body) = send(
        &server,
        Method::PUT,
        &put,
        &root,
        Some(json!({"disk_quota": 4})),
    )
    .await;
    assert_error(status, &body, 400);
    let (status, body) = send(
        &server,
        Method::PUT,
        &put,
        &root,
        Some(json!({"disk_quota": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .upload(&writer, &home, &[("b.bin", vec![2; 5])])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn deleting_a_group_needs_confirmation_and_can_transfer_its_files() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let sales = make_group(&server, &root, "Sales", 0).await;
    let alice = server.user("alice@example.com").await;
    add(
        &server,
        &root,
        &sales,
        &alice.uuid,
        &["read", "write", "delete", "download"],
        true,
    )
    .await;
    let docs = server.mkdir(&alice, &format!("home:{sales}"), "Docs").await;
    server
        .upload(&alice, &docs, &[("plan.txt", b"plan".to_vec())])
        .await;
    server.mkdir(&alice, "home", "Sales").await;

    let path = format!("/api/admin/groups/{sales}");
    for query in [
        "".to_owned(),
        "?confirm_delete=no".to_owned(),
        format!(
            "?confirm_delete=yes&transfer_data_to={}",
            uuid::Uuid::now_v7()
        ),
        "?confirm_delete=yes&transfer_data_to=nobody".to_owned(),
        format!("?confirm_delete=yes&transfer_data_to={sales}"),
        "?confirm_delete=yes&delete_all_public_shares=perhaps".to_owned(),
    ] {
        let (status, body) = send(
            &server,
            Method::DELETE,
            &format!("{path}{query}"),
            &root,
            None,
        )
        .await;
        assert_error(status, &body, 400);
    }
    let (status, _) = server.get(&path, &root).await;
    assert_eq!(status, StatusCode::OK, "still there");

    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!(
            "{path}?confirm_delete=yes&transfer_data_to={}&delete_all_public_shares=true&delete_all_private_shares=true",
            alice.uuid
        ),
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server.get(&path, &root).await;
    assert_error(status, &body, 404);
    let (_, body) = server.get("/api/groups", &alice).await;
    assert_eq!(body["data"], json!([]));
    // The files went to the target's home, in a folder named after the group (numbered,
    // as a folder of that name was there).
    assert_eq!(
        server.names(&alice, "home").await,
        vec!["Sales", "Sales (2)"]
    );
    let moved = server.find(&alice, "home", "Sales (2)").await.unwrap();
    assert_eq!(server.names(&alice, &moved).await, vec!["Docs"]);
    let plan = server.find(&alice, &docs, "plan.txt").await.unwrap();
    let resp = server.download(&alice, &plan, 1).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, body) = server.get(&format!("/api/nodes/{plan}"), &alice).await;
    assert_eq!(body["data"]["owner_type"], "User");

    // Into another group, and without a transfer (the files go with the group).
    let support = make_group(&server, &root, "Support", 0).await;
    let ops = make_group(&server, &root, "Ops", 0).await;
    add(
        &server,
        &root,
        &support,
        &alice.uuid,
        &["read", "write", "delete", "download"],
        false,
    )
    .await;
    add(
        &server,
        &root,
        &ops,
        &alice.uuid,
        &["read", "write", "delete", "download"],
        false,
    )
    .await;
    server
        .mkdir(&alice, &format!("home:{support}"), "Tickets")
        .await;
    let gone = server
        .mkdir(&alice, &format!("home:{ops}"), "Runbooks")
        .await;
    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!("/api/admin/groups/{support}?confirm_delete=yes&transfer_data_to={ops}"),
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        server.names(&alice, &format!("home:{ops}")).await,
        vec!["Runbooks", "Support"]
    );
    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!("/api/admin/groups/{ops}?confirm_delete=yes"),
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server.get(&format!("/api/nodes/{gone}"), &alice).await;
    assert_error(status, &body, 404);
}

#[tokio::test]
async fn share_copy_with_a_group_lands_in_its_incoming_folder() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let group = make_group(&server, &root, "Sales", 0).await;
    let alice = server.user("alice@example.com").await;
    let bob = server.user("bob@example.com").await;
    add(&server, &root, &group, &bob.uuid, &["read"], false).await;
    server
        .upload(&alice, "home", &[("offer.txt", b"offer".to_vec())])
        .await;
    let offer = server.find(&alice, "home", "offer.txt").await.unwrap();
    let (status, body) = server
        .post(
            &format!("/api/nodes/{offer}"),
            &alice,
            json!({"share_copy_with": [group]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(
        server.names(&bob, &format!("incoming:{group}")).await,
        vec!["offer.txt"]
    );
    // Alice is no member: the group's folders stay invisible to her.
    let (status, body) = server
        .get(&format!("/api/nodes/incoming:{group}/dirlist"), &alice)
        .await;
    assert_error(status, &body, 404);
}

#[tokio::test]
async fn groups_work_end_to_end_on_postgres() {
    let Ok(url) = std::env::var("FERRY_TEST_POSTGRES_URL") else {
        eprintln!("FERRY_TEST_POSTGRES_URL is not set: skipping groups on PostgreSQL");
        return;
    };
    let schema = format!("it_{}", uuid::Uuid::new_v4().simple());
    let store = ferry_store_postgres::PgStore::open_in_schema(&url, &schema)
        .await
        .unwrap();
    let server = TestServer::start_on(std::sync::Arc::new(store)).await;
    let root = server.root_admin().await;
    let group = make_group(&server, &root, "Sales", 6).await;
    let alice = server.user("alice@example.com").await;
    let bob = server.user("bob@example.com").await;
    add(
        &server,
        &root,
        &group,
        &alice.uuid,
        &["read", "write", "delete", "download"],
        true,
    )
    .await;
    add(&server, &root, &group, &bob.uuid, &["read"], false).await;
    let home = format!("home:{group}");
    let (status, body) = server
        .upload(&alice, &home, &[("a.txt", b"abcd".to_vec())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .upload(&alice, &home, &[("b.txt", b"abcd".to_vec())])
        .await;
    assert_error(status, &body, 507);
    assert_eq!(server.names(&bob, &home).await, vec!["a.txt"]);
    let (status, body) = server.get(&format!("/api/nodes/{home}/upload"), &bob).await;
    assert_error(status, &body, 403);
    let (status, body) = server.get("/api/groups", &bob).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"][0]["node_permissions"], json!(["read"]));
    let (status, body) = server
        .post(
            &format!("/api/groups/{group}/tags"),
            &alice,
            json!({"name": "Hot", "class": "red"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!(
            "/api/admin/groups/{group}?confirm_delete=yes&transfer_data_to={}",
            alice.uuid
        ),
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(server.names(&alice, "home").await, vec!["Sales"]);
    let (_, body) = server.get("/api/groups", &bob).await;
    assert_eq!(body["data"], json!([]));
}
