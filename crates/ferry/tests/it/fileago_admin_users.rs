//! `/api/admin/users` and `/api/admin/users/{uuid}` on the FileAgo face.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{PASSWORD, Session, TestServer, assert_error};

async fn admin(server: &TestServer) -> Session {
    server
        .ferry
        .ensure_admin(Some(PASSWORD.to_owned()))
        .await
        .unwrap();
    server.login("admin").await
}

async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    s: &Session,
    body: Option<Value>,
) -> (StatusCode, Value) {
    server.json(method, path, Some(&s.token), body).await
}

fn john() -> Value {
    json!({
        "fullname": "John Doe",
        "email": "john@example.com",
        "password": "Passw0rd123",
        "disk_quota": 1073741824,
        "is_active": true,
        "is_admin": false,
        "comment": "Created using API"
    })
}

#[tokio::test]
async fn admins_create_list_get_and_update_users() {
    let server = TestServer::start().await;
    let root = admin(&server).await;
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/admin/users",
        &root,
        Some(john()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "success");
    let d = &body["data"];
    let uuid = d["uuid"].as_str().unwrap().to_owned();
    assert_eq!(d["fullname"], "John Doe");
    assert_eq!(d["email"], "john@example.com");
    assert_eq!(d["disk_quota"], 1073741824);
    assert_eq!(d["disk_used"], 0);
    assert_eq!(d["is_active"], true);
    assert_eq!(d["is_admin"], false);
    assert_eq!(d["twofa"], false);
    assert_eq!(d["comment"], "Created using API");
    assert_eq!(d["last_login"], Value::Null);
    // The new user can log in with the email.
    let (status, body) = server
        .json(
            Method::POST,
            "/auth",
            None,
            Some(json!({"username": "john@example.com", "password": "Passw0rd123"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = call(&server, Method::GET, "/api/admin/users", &root, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let list = body["data"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let listed = list.iter().find(|u| u["uuid"] == uuid.as_str()).unwrap();
    assert!(listed["last_login"].is_i64());
    let (status, _) = call(
        &server,
        Method::GET,
        "/api/admin/users?org_id=default",
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(
        &server,
        Method::GET,
        "/api/admin/users?org_id=acme",
        &root,
        None,
    )
    .await;
    assert_error(status, &body, 400);

    let path = format!("/api/admin/users/{uuid}");
    let (status, body) = call(&server, Method::GET, &path, &root, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["email"], "john@example.com");

    let (status, body) = call(
        &server,
        Method::PUT,
        &path,
        &root,
        Some(json!({
            "fullname": "Johnny Doe",
            "email": "johnny@example.com",
            "disk_quota": "5GB",
            "is_admin": true,
            "comment": "Updated using API",
            "phone": "+1 555 0100"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let d = &body["data"];
    assert_eq!(d["fullname"], "Johnny Doe");
    assert_eq!(d["email"], "johnny@example.com");
    assert_eq!(d["disk_quota"], 5u64 * 1024 * 1024 * 1024);
    assert_eq!(d["is_admin"], true);
    assert_eq!(d["comment"], "Updated using API");
    assert_eq!(d["phone"], "+1 555 0100");
}

#[tokio::test]
async fn bad_input_is_a_400_and_makes_nothing() {
    let server = TestServer::start().await;
    let root = admin(&server).await;
    let mut cases = Vec::new();
    for (field, value) in [
        ("password", json!("short1A")),
        ("password", json!("nouppercase123")),
        ("password", json!("NoDigitsHere")),
        ("fullname", json!("Jo")),
        ("fullname", json!("John 2nd")),
        ("email", json!("not-an-email")),
        ("disk_quota", json!(-1)),
        ("disk_quota", json!("lots")),
        ("disk_quota", json!(true)),
        ("is_admin", json!("yes")),
        ("fullname", json!(null)),
    ] {
        let mut body = john();
        body[field] = value;
        cases.push(body);
    }
    let mut missing = john();
    missing.as_object_mut().unwrap().remove("password");
    cases.push(missing);
    cases.push(json!([]));
    for body in cases {
        let (status, answer) = call(
            &server,
            Method::POST,
            "/api/admin/users",
            &root,
            Some(body.clone()),
        )
        .await;
        assert_error(status, &answer, 400);
    }
    let (status, body) = server
        .raw(
            Method::POST,
            "/api/admin/users",
            Some(&root.token),
            b"{\"email\"".to_vec(),
        )
        .await;
    assert_error(status, &body, 400);
    let (_, body) = call(&server, Method::GET, "/api/admin/users", &root, None).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 1, "only the admin");

    // A taken email is a conflict.
    let (status, _) = call(
        &server,
        Method::POST,
        "/api/admin/users",
        &root,
        Some(john()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/admin/users",
        &root,
        Some(john()),
    )
    .await;
    assert_error(status, &body, 409);
}

#[tokio::test]
async fn updates_are_checked_and_whole() {
    let server = TestServer::start().await;
    let root = admin(&server).await;
    let uuid = server.add_user("alice@example.com", 0).await;
    let alice = server.login("alice@example.com").await;
    let (status, body) = server
        .upload(&alice, "home", &[("big.bin", vec![1; 4096])])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let path = format!("/api/admin/users/{uuid}");
    for bad in [
        json!({"disk_quota": 1000}),
        json!({"fullname": "Alice Again", "password": "weak"}),
        json!({"fullname": "Alice Again", "avatar": "data:image/png;base64,AAAA"}),
        json!({"is_active": "no"}),
        json!({"twofa": true}),
    ] {
        let (status, body) = call(&server, Method::PUT, &path, &root, Some(bad.clone())).await;
        assert_error(status, &body, 400);
    }
    let (_, body) = call(&server, Method::GET, &path, &root, None).await;
    assert_eq!(body["data"]["fullname"], "User alice@example.com");
    assert_eq!(body["data"]["disk_quota"], 0);
    assert_eq!(body["data"]["disk_used"], 4096);
    // Exactly the usage is fine; 0 is unlimited.
    let (status, body) = call(
        &server,
        Method::PUT,
        &path,
        &root,
        Some(json!({"disk_quota": 4096})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Disabling ends the sessions and refuses logins; enabling lets the user back in.
    let (status, body) = call(
        &server,
        Method::PUT,
        &path,
        &root,
        Some(json!({"is_active": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server.get("/api/user", &alice).await;
    assert_error(status, &body, 401);
    let (status, body) = server
        .json(
            Method::POST,
            "/auth",
            None,
            Some(json!({"username": "alice@example.com", "password": PASSWORD})),
        )
        .await;
    assert_error(status, &body, 403);
    let (status, _) = call(
        &server,
        Method::PUT,
        &path,
        &root,
        Some(json!({"is_active": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let alice = server.login("alice@example.com").await;

    // An admin turns 2FA off for a user who lost their device.
    let (status, _) = server
        .post("/api/user/2fa", &alice, json!({"twofa": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(
        &server,
        Method::PUT,
        &path,
        &root,
        Some(json!({"twofa": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["twofa"], false);
    server.login("alice@example.com").await;

    // The built-in admin stays an active administrator.
    let admin_path = format!("/api/admin/users/{}", root.uuid);
    for bad in [json!({"is_active": false}), json!({"is_admin": false})] {
        let (status, body) = call(&server, Method::PUT, &admin_path, &root, Some(bad)).await;
        assert_error(status, &body, 400);
    }
    // Unknown users.
    let missing = format!("/api/admin/users/{}", uuid::Uuid::now_v7());
    let (status, body) = call(
        &server,
        Method::PUT,
        &missing,
        &root,
        Some(json!({"fullname": "Nobody Here"})),
    )
    .await;
    assert_error(status, &body, 404);
    let (status, body) = call(
        &server,
        Method::GET,
        "/api/admin/users/not-a-uuid",
        &root,
        None,
    )
    .await;
    assert_error(status, &body, 404);
}

#[tokio::test]
async fn deleting_needs_confirmation_and_can_hand_the_files_over() {
    let server = TestServer::start().await;
    let root = admin(&server).await;
    let alice_id = server.add_user("alice@example.com", 0).await;
    let alice = server.login("alice@example.com").await;
    let bob = server.user("bob@example.com").await;
    let docs = server.mkdir(&alice, "home", "Docs").await;
    let (status, body) = server
        .upload(&alice, &docs, &[("report.txt", b"quarterly".to_vec())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Bob already has a folder of that name: the handed-over one is numbered.
    server.mkdir(&bob, "home", "alice@example.com").await;

    let path = format!("/api/admin/users/{alice_id}");
    for query in ["", "?confirm_delete=no", "?confirm_delete=YES"] {
        let (status, body) = call(
            &server,
            Method::DELETE,
            &format!("{path}{query}"),
            &root,
            None,
        )
        .await;
        assert_error(status, &body, 400);
    }
    for target in ["not-a-uuid", &uuid::Uuid::now_v7().to_string(), &alice_id] {
        let (status, body) = call(
            &server,
            Method::DELETE,
            &format!("{path}?confirm_delete=yes&transfer_data_to={target}"),
            &root,
            None,
        )
        .await;
        assert_error(status, &body, 400);
    }
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{path}?confirm_delete=yes&delete_all_public_shares=maybe"),
        &root,
        None,
    )
    .await;
    assert_error(status, &body, 400);
    // Still there after every refusal.
    let (status, _) = server.get("/api/user", &alice).await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!(
            "{path}?confirm_delete=yes&transfer_data_to={}&delete_all_public_shares=true&delete_all_private_shares=true",
            bob.uuid
        ),
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server.get("/api/user", &alice).await;
    assert_error(status, &body, 401);
    let (status, body) = call(&server, Method::GET, &path, &root, None).await;
    assert_error(status, &body, 404);

    let names = server.names(&bob, "home").await;
    assert_eq!(names, ["alice@example.com", "alice@example.com (2)"]);
    let handed = server
        .find(&bob, "home", "alice@example.com (2)")
        .await
        .unwrap();
    let docs = server.find(&bob, &handed, "Docs").await.unwrap();
    let report = server.find(&bob, &docs, "report.txt").await.unwrap();
    let resp = server.download(&bob, &report, 1).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"quarterly");
    let (_, body) = server.get("/api/user", &bob).await;
    assert_eq!(body["data"]["disk_used"], 9);

    // Without a target everything goes; the built-in admin cannot go.
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/admin/users/{}?confirm_delete=yes", bob.uuid),
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("/api/admin/users/{}?confirm_delete=yes", root.uuid),
        &root,
        None,
    )
    .await;
    assert!(status.is_client_error(), "{status} {body}");
}

#[tokio::test]
async fn only_administrators_may_use_the_admin_api() {
    let server = TestServer::start().await;
    let root = admin(&server).await;
    let alice = server.user("alice@example.com").await;
    let target = format!("/api/admin/users/{}", root.uuid);
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/admin/users".into(), None),
        (Method::POST, "/api/admin/users".into(), Some(john())),
        (Method::GET, target.clone(), None),
        (
            Method::PUT,
            target.clone(),
            Some(json!({"fullname": "Mallory Evil"})),
        ),
        (Method::DELETE, format!("{target}?confirm_delete=yes"), None),
        (Method::GET, "/api/admin/users?org_id=default".into(), None),
    ];
    for (method, path, body) in calls {
        let (status, answer) = call(&server, method.clone(), &path, &alice, body.clone()).await;
        assert_error(status, &answer, 403);
        let (status, answer) = server.json(method, &path, None, body).await;
        assert_error(status, &answer, 401);
    }
    // Even a malformed body gets the 403 first.
    let (status, body) = server
        .raw(
            Method::POST,
            "/api/admin/users",
            Some(&alice.token),
            b"{".to_vec(),
        )
        .await;
    assert_error(status, &body, 403);
    let (_, body) = call(&server, Method::GET, "/api/admin/users", &root, None).await;
    assert_eq!(
        body["data"].as_array().unwrap().len(),
        2,
        "nothing was made"
    );

    // Another administrator works in the one organization but may not pick it.
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/api/admin/users/{}", alice.uuid),
        &root,
        Some(json!({"is_admin": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = call(&server, Method::GET, "/api/admin/users", &alice, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(
        &server,
        Method::GET,
        "/api/admin/users?org_id=default",
        &alice,
        None,
    )
    .await;
    assert_error(status, &body, 403);
}

/// `ferry user disable|enable|quota`, checked through core on the same data folder.
#[tokio::test]
async fn the_cli_disables_enables_and_sets_quotas() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = crate::cli::ferry(dir.path()).args(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    let (ok, out) = run(&[
        "user",
        "add",
        "--email",
        "eve@example.com",
        "--name",
        "Eve Moneypenny",
        "--password",
        PASSWORD,
    ]);
    assert!(ok, "{out}");
    let (ok, out) = run(&["user", "disable", "eve@example.com"]);
    assert!(ok && out.contains("disabled user eve@example.com"), "{out}");
    let (ok, out) = run(&["user", "quota", "eve@example.com", "5GB"]);
    assert!(ok && out.contains("5368709120 bytes"), "{out}");
    let (ok, out) = run(&["user", "quota", "eve@example.com", "five"]);
    assert!(!ok, "{out}");
    let (ok, out) = run(&["user", "disable", "nobody@example.com"]);
    assert!(!ok, "{out}");

    let stores = ferry::settings::StoreSettings {
        data_dir: dir.path().to_path_buf(),
        database: ferry::settings::DatabaseUrl::Sqlite(format!(
            "sqlite://{}/ferry.db",
            dir.path().display()
        )),
        storage: ferry::settings::StorageUrl::Fs(dir.path().join("blobs")),
        durability: ferry_core::Durability::Strict,
    };
    let clock = std::sync::Arc::new(ferry_core::SystemClock);
    let ferry = ferry::wiring::open_ferry(&stores, clock.clone())
        .await
        .unwrap();
    let eve = ferry
        .find_user(&ferry_core::Actor::System, "eve@example.com")
        .await
        .unwrap();
    assert!(!eve.is_active);
    assert_eq!(eve.quota_bytes, 5 * 1024 * 1024 * 1024);
    assert!(ferry.login("eve@example.com", PASSWORD).await.is_err());

    let (ok, out) = run(&["user", "enable", "eve@example.com"]);
    assert!(ok && out.contains("enabled user"), "{out}");
    assert!(ferry.login("eve@example.com", PASSWORD).await.is_ok());
}

#[tokio::test]
async fn the_admin_views_show_group_memberships() {
    let server = TestServer::start().await;
    let root = admin(&server).await;
    let alice = server.add_user("alice@example.com", 0).await;
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/admin/groups",
        &root,
        Some(json!({"name": "Sales", "disk_quota": 0})),
    )
    .await;
    assert_eq!(status.as_u16() / 100, 2, "{body}");
    let (_, body) = call(&server, Method::GET, "/api/admin/groups", &root, None).await;
    let group = body["data"][0]["group_uuid"].as_str().unwrap().to_owned();
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("/api/admin/users/{alice}/groups"),
        &root,
        Some(json!({"groups": {group.clone(): {"is_admin": true}}})),
    )
    .await;
    assert_eq!(status.as_u16() / 100, 2, "{body}");

    let (status, body) = call(
        &server,
        Method::GET,
        &format!("/api/admin/users/{alice}"),
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let groups = body["data"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{body}");
    assert_eq!(groups[0]["group_uuid"], group.as_str());
    assert_eq!(groups[0]["group_name"], "Sales");
    let (_, body) = call(&server, Method::GET, "/api/admin/users", &root, None).await;
    let listed = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["uuid"] == alice.as_str())
        .unwrap();
    assert_eq!(listed["groups"][0]["group_name"], "Sales");
    // The user's own view has no such list.
    let me = server.login("alice@example.com").await;
    let (_, body) = server.get("/api/user", &me).await;
    assert!(body["data"].get("groups").is_none());
}

#[tokio::test]
async fn a_deleted_users_files_can_go_to_a_group() {
    let server = TestServer::start().await;
    let root = admin(&server).await;
    let carol_id = server.add_user("carol@example.com", 0).await;
    let carol = server.login("carol@example.com").await;
    let docs = server.mkdir(&carol, "home", "Docs").await;
    let (status, body) = server
        .upload(&carol, &docs, &[("plan.txt", b"the plan".to_vec())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .post(
            "/api/admin/groups",
            &root,
            serde_json::json!({"name": "Archive Team"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let group = body["data"]["group_uuid"].as_str().unwrap().to_owned();

    // An unknown target refuses the whole delete.
    let path = format!("/api/admin/users/{carol_id}");
    let unknown = uuid::Uuid::now_v7();
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{path}?confirm_delete=yes&transfer_data_to={unknown}"),
        &root,
        None,
    )
    .await;
    assert_error(status, &body, 400);
    assert_eq!(server.get("/api/user", &carol).await.0, StatusCode::OK);

    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{path}?confirm_delete=yes&transfer_data_to={group}"),
        &root,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The group's files are its members' to see.
    let (status, body) = server
        .post(
            &format!("/api/admin/groups/{group}/users"),
            &root,
            serde_json::json!({"user": root.uuid, "permissions": {"node_permissions": ["read", "download"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let group_home = format!("home:{group}");
    assert_eq!(
        server.names(&root, &group_home).await,
        ["carol@example.com"]
    );
    let handed = server
        .find(&root, &group_home, "carol@example.com")
        .await
        .unwrap();
    let docs = server.find(&root, &handed, "Docs").await.unwrap();
    let plan = server.find(&root, &docs, "plan.txt").await.unwrap();
    let resp = server.download(&root, &plan, 1).await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"the plan");
    let (_, body) = server.get(&format!("/api/groups/{group}"), &root).await;
    assert_eq!(body["data"]["disk_used"], 8, "{body}");
}
