//! FileOnion API keys: managed at `/api/v2/api-keys`, accepted as bearer tokens on every
//! face, bounded by their scopes, and stopped at once by disable, revoke, delete or expiry.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{PASSWORD, TestServer};

async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    server.json(method, path, Some(token), body).await
}

fn assert_envelope_error(status: StatusCode, body: &Value, expected: u16) {
    assert_eq!(status.as_u16(), expected, "{body}");
    assert!(body["data"].is_null(), "{body}");
    assert_eq!(body["meta"]["status"], expected, "{body}");
    assert!(
        body["meta"]["error"]["code"]
            .as_str()
            .is_some_and(|c| !c.is_empty()),
        "{body}"
    );
    assert!(
        body["meta"]["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

async fn admin(server: &TestServer) -> String {
    server
        .ferry
        .ensure_admin(Some(PASSWORD.to_owned()))
        .await
        .unwrap();
    server.login("admin").await.token
}

async fn new_key(
    server: &TestServer,
    admin: &str,
    scopes: Value,
    expires: Value,
) -> (String, String) {
    let (status, body) = call(
        server,
        Method::POST,
        "/api/v2/api-keys",
        admin,
        Some(json!({"name": "Zapier Integration", "scopes": scopes, "expiresInDays": expires})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (
        body["data"]["id"].as_str().unwrap().to_owned(),
        body["data"]["key"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn keys_are_shown_once_and_listed_masked() {
    let server = TestServer::start().await;
    let admin = admin(&server).await;
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/v2/api-keys",
        &admin,
        Some(json!({"name": "Zapier Integration", "scopes": ["Read", "Manage Webhooks"], "expiration": "90d"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let data = &body["data"];
    let raw = data["key"].as_str().unwrap();
    assert!(raw.starts_with("fo_live_") && raw.len() > 40, "{raw}");
    assert_eq!(data["scopes"], json!(["read", "manage_webhooks"]));
    assert_eq!(data["status"], "active");
    assert_eq!(
        data["expiresAt"].as_i64().unwrap() - data["createdAt"].as_i64().unwrap(),
        90 * 24 * 60 * 60 * 1000
    );
    assert!(data["prefix"].as_str().unwrap().starts_with("fo_live_"));
    assert!(data["prefix"].as_str().unwrap().ends_with('…'));

    let (status, body) = call(&server, Method::GET, "/api/v2/api-keys", &admin, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["meta"]["total"], 1);
    let listed = &body["data"][0];
    assert!(
        listed.get("key").is_none(),
        "the raw key is never shown again: {listed}"
    );
    assert!(
        !listed.to_string().contains(&raw[10..]),
        "no part of the secret leaks"
    );
    let id = listed["id"].as_str().unwrap();
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("/api/v2/api-keys/{id}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["name"], "Zapier Integration");
}

#[tokio::test]
async fn a_key_works_on_every_face() {
    let server = TestServer::start().await;
    let admin = admin(&server).await;
    let (_, key) = new_key(&server, &admin, json!(["full_access"]), Value::Null).await;
    let (status, body) = server
        .json(Method::GET, "/api/nodes/home/dirlist", Some(&key), None)
        .await;
    assert_eq!(status, StatusCode::OK, "FileAgo: {body}");
    let (status, body) = server
        .json(
            Method::POST,
            "/api/nodes/home",
            Some(&key),
            Some(json!({"new_dir": "by-key"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let resp = server
        .client
        .get(format!("{}/ocs/v2.php/cloud/user?format=json", server.url))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "OCS");
    let resp = server
        .client
        .request(
            Method::from_bytes(b"PROPFIND").unwrap(),
            format!("{}/remote.php/dav/files/admin/", server.url),
        )
        .bearer_auth(&key)
        .header("depth", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207, "WebDAV");
    assert!(resp.text().await.unwrap().contains("by-key"));
}

#[tokio::test]
async fn a_read_key_changes_nothing_on_any_face() {
    let server = TestServer::start().await;
    let admin = admin(&server).await;
    server
        .mkdir(
            &crate::harness::Session {
                uuid: String::new(),
                token: admin.clone(),
                key: String::new(),
            },
            "home",
            "existing",
        )
        .await;
    let (_, key) = new_key(&server, &admin, json!(["read"]), json!(30)).await;

    let (status, _) = server
        .json(Method::GET, "/api/nodes/home/dirlist", Some(&key), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = server
        .json(
            Method::POST,
            "/api/nodes/home",
            Some(&key),
            Some(json!({"new_dir": "nope"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = server
        .json(Method::GET, "/api/nodes/home/upload", Some(&key), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let resp = server
        .client
        .request(
            Method::from_bytes(b"MKCOL").unwrap(),
            format!("{}/remote.php/dav/files/admin/nope", server.url),
        )
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "WebDAV MKCOL");
    let resp = server
        .client
        .put(format!(
            "{}/remote.php/dav/files/admin/nope.txt",
            server.url
        ))
        .bearer_auth(&key)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "WebDAV PUT");
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/v2/api-keys",
        &key,
        Some(json!({"name": "x", "scopes": ["full_access"]})),
    )
    .await;
    assert_envelope_error(status, &body, 403);
    let resp = server
        .client
        .get(format!(
            "{}/ocs/v2.php/core/getapppassword?format=json",
            server.url
        ))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::FORBIDDEN,
        "no app password from a key"
    );
    assert_eq!(
        server
            .names(
                &crate::harness::Session {
                    uuid: String::new(),
                    token: admin.clone(),
                    key: String::new()
                },
                "home"
            )
            .await,
        vec!["existing"]
    );
}

#[tokio::test]
async fn disable_revoke_delete_and_expiry_stop_a_key_at_once() {
    let server = TestServer::start().await;
    let admin = admin(&server).await;
    let (id, key) = new_key(&server, &admin, json!(["read", "write"]), json!(30)).await;
    let works = |key: String| {
        let server = &server;
        async move {
            server
                .json(Method::GET, "/api/nodes/home", Some(&key), None)
                .await
                .0
        }
    };
    assert_eq!(works(key.clone()).await, StatusCode::OK);

    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/api/v2/api-keys/{id}"),
        &admin,
        Some(json!({"status": "disabled", "name": "Renamed", "scopes": ["read"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["name"], "Renamed");
    assert_eq!(body["data"]["scopes"], json!(["read"]));
    assert_eq!(works(key.clone()).await, StatusCode::UNAUTHORIZED);
    call(
        &server,
        Method::PUT,
        &format!("/api/v2/api-keys/{id}"),
        &admin,
        Some(json!({"status": "active"})),
    )
    .await;
    assert_eq!(works(key.clone()).await, StatusCode::OK);

    let (status, body) = call(
        &server,
        Method::POST,
        &format!("/api/v2/api-keys/{id}/revoke"),
        &admin,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["status"], "revoked");
    assert!(body["data"]["revokedAt"].as_i64().is_some());
    assert_eq!(works(key.clone()).await, StatusCode::UNAUTHORIZED);
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/api/v2/api-keys/{id}"),
        &admin,
        Some(json!({"status": "active"})),
    )
    .await;
    assert_envelope_error(status, &body, 409);
    let (_, body) = call(&server, Method::GET, "/api/v2/api-keys", &admin, None).await;
    assert_eq!(body["data"][0]["status"], "revoked", "kept for audit");

    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v2/api-keys/{id}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("/api/v2/api-keys/{id}"),
        &admin,
        None,
    )
    .await;
    assert_envelope_error(status, &body, 404);

    let (id, key) = new_key(&server, &admin, json!(["read"]), json!(30)).await;
    server.clock.advance_ms(31 * 24 * 60 * 60 * 1000);
    assert_eq!(works(key).await, StatusCode::UNAUTHORIZED);
    let admin = server.login("admin").await.token;
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("/api/v2/api-keys/{id}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(body["data"]["status"], "expired");
}

#[tokio::test]
async fn only_admins_manage_keys_and_bad_input_is_400() {
    let server = TestServer::start().await;
    let admin = admin(&server).await;
    let alice = server.user("alice@example.com").await;
    let (status, body) = call(&server, Method::GET, "/api/v2/api-keys", &alice.token, None).await;
    assert_envelope_error(status, &body, 403);
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/v2/api-keys",
        &alice.token,
        Some(json!({"name": "x", "scopes": ["read"]})),
    )
    .await;
    assert_envelope_error(status, &body, 403);
    let (status, body) = server
        .json(Method::GET, "/api/v2/api-keys", None, None)
        .await;
    assert_envelope_error(status, &body, 401);
    let (status, body) = server
        .json(
            Method::GET,
            "/api/v2/api-keys",
            Some("fo_live_made-up"),
            None,
        )
        .await;
    assert_envelope_error(status, &body, 401);

    for bad in [
        json!({"scopes": ["read"]}),
        json!({"name": "x"}),
        json!({"name": "x", "scopes": []}),
        json!({"name": "x", "scopes": ["root"]}),
        json!({"name": "x", "scopes": "read"}),
        json!({"name": 5, "scopes": ["read"]}),
        json!({"name": "x", "scopes": ["read"], "expiresInDays": 7}),
        json!({"name": "x", "scopes": ["read"], "expiration": "forever"}),
        json!({"name": "", "scopes": ["read"]}),
        json!([1, 2]),
    ] {
        let (status, body) = call(
            &server,
            Method::POST,
            "/api/v2/api-keys",
            &admin,
            Some(bad.clone()),
        )
        .await;
        assert_envelope_error(status, &body, 400);
    }
    let (status, body) = server
        .raw(
            Method::POST,
            "/api/v2/api-keys",
            Some(&admin),
            b"{nope".to_vec(),
        )
        .await;
    assert_envelope_error(status, &body, 400);
    for id in ["not-a-uuid", &uuid::Uuid::now_v7().to_string()] {
        let (status, body) = call(
            &server,
            Method::GET,
            &format!("/api/v2/api-keys/{id}"),
            &admin,
            None,
        )
        .await;
        assert_envelope_error(status, &body, 404);
    }
    let (status, body) = call(&server, Method::GET, "/api/v2/nothing-here", &admin, None).await;
    assert_envelope_error(status, &body, 404);
    let (_, body) = call(&server, Method::GET, "/api/v2/api-keys", &admin, None).await;
    assert_eq!(body["meta"]["total"], 0, "nothing half-made");
}
