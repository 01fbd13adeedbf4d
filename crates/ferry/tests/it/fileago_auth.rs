//! `POST /auth` and bearer credentials.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{PASSWORD, TestServer, assert_error};

#[tokio::test]
async fn login_returns_every_documented_field() {
    let server = TestServer::start().await;
    let uuid = server.add_user("alice@example.com", 0).await;
    let (status, body) = server
        .json(
            Method::POST,
            "/auth",
            None,
            Some(json!({"username": "ALICE@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["uuid"], uuid.as_str());
    assert_eq!(body["status"], "success");
    assert_eq!(body["msg"], "Login successful.");
    assert_eq!(body["is_admin"], false);
    assert_eq!(body["fullname"], "User alice@example.com");
    assert!(body["token"].as_str().unwrap().len() >= 32);
    assert!(body["fileaccesskey"].as_str().unwrap().len() >= 32);
    assert!(body["avatar"].as_str().unwrap().starts_with('/'));
}

#[tokio::test]
async fn admin_logs_in_as_admin() {
    let server = TestServer::start().await;
    server
        .ferry
        .ensure_admin(Some(PASSWORD.to_owned()))
        .await
        .unwrap();
    let (status, body) = server
        .json(
            Method::POST,
            "/auth",
            None,
            Some(json!({"username": "admin", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["is_admin"], true);
}

#[tokio::test]
async fn curl_style_json_with_a_form_content_type_is_accepted() {
    let server = TestServer::start().await;
    server.add_user("bob@example.com", 0).await;
    let body = format!(r#"{{"username":"bob@example.com", "password": "{PASSWORD}"}}"#);
    let resp = server
        .client
        .post(format!("{}/auth", server.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let form = server
        .client
        .post(format!("{}/auth", server.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("username=bob%40example.com&password={PASSWORD}"))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_credentials_are_refused_alike() {
    let server = TestServer::start().await;
    server.add_user("carol@example.com", 0).await;
    let (s1, b1) = server
        .json(
            Method::POST,
            "/auth",
            None,
            Some(json!({"username": "carol@example.com", "password": "wrong-password"})),
        )
        .await;
    assert_error(s1, &b1, 401);
    let (s2, b2) = server
        .json(
            Method::POST,
            "/auth",
            None,
            Some(json!({"username": "nobody@example.com", "password": "whatever1"})),
        )
        .await;
    assert_error(s2, &b2, 401);
    assert_eq!(
        b1["msg"], b2["msg"],
        "the answer must not tell which part was wrong"
    );
}

#[tokio::test]
async fn malformed_login_bodies_get_400() {
    let server = TestServer::start().await;
    for body in [
        &b"{not json"[..],
        b"",
        br#"{"username": 5, "password": "x"}"#,
        br#"{"username": "a"}"#,
        br#"[]"#,
        br#"{"username":"","password":""}"#,
    ] {
        let (status, value) = server.raw(Method::POST, "/auth", None, body.to_vec()).await;
        assert_error(status, &value, 400);
    }
}

#[tokio::test]
async fn oversize_login_body_gets_413() {
    let server = TestServer::start().await;
    let huge = format!(
        r#"{{"username":"{}","password":"x"}}"#,
        "a".repeat(2 * 1024 * 1024)
    );
    let (status, value) = server
        .raw(Method::POST, "/auth", None, huge.into_bytes())
        .await;
    assert_error(status, &value, 413);
}

#[tokio::test]
async fn api_needs_a_valid_unexpired_token() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let (status, _) = server.get("/api/nodes/home", &alice).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = server
        .json(Method::GET, "/api/nodes/home", None, None)
        .await;
    assert_error(status, &body, 401);
    let (status, body) = server
        .json(Method::GET, "/api/nodes/home", Some("forged-token"), None)
        .await;
    assert_error(status, &body, 401);
    let resp = server
        .client
        .get(format!("{}/api/nodes/home", server.url))
        .header("authorization", "Basic !!!")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // The token is valid for 24 hours.
    server.clock.advance_ms(24 * 60 * 60 * 1000 + 1);
    let (status, body) = server.get("/api/nodes/home", &alice).await;
    assert_error(status, &body, 401);
}

#[tokio::test]
async fn a_password_change_ends_sessions() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let id = alice.uuid.parse().unwrap();
    server
        .ferry
        .set_password(&ferry_core::Actor::System, id, "Another-Passw0rd".into())
        .await
        .unwrap();
    let (status, body) = server.get("/api/nodes/home", &alice).await;
    assert_error(status, &body, 401);
}

#[tokio::test]
async fn health_and_unknown_routes() {
    let server = TestServer::start().await;
    let resp = server
        .client
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().contains_key("x-request-id"));
    assert_eq!(resp.text().await.unwrap(), "ok");
    let resp = server
        .client
        .get(format!("{}/no/such/route", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}
