//! The caller's own account on the FileAgo face: `/api/user`, `/api/user/notifications`
//! and the directory, `/api/users`.

use data_encoding::BASE64;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{PASSWORD, Session, TestServer, assert_error};

fn png() -> String {
    format!(
        "data:image/png;base64,{}",
        BASE64.encode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    )
}

async fn put(server: &TestServer, path: &str, s: &Session, body: Value) -> (StatusCode, Value) {
    server
        .json(Method::PUT, path, Some(&s.token), Some(body))
        .await
}

#[tokio::test]
async fn profile_has_every_documented_field() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 1 << 30).await;
    let alice = server.login("alice@example.com").await;
    let (status, body) = server
        .upload(&alice, "home", &[("a.bin", vec![7; 1234])])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server.get("/api/user", &alice).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "success");
    assert_eq!(body["msg"], "User details fetched successfully");
    let d = &body["data"];
    assert_eq!(d["uuid"], alice.uuid.as_str());
    assert_eq!(d["fullname"], "User alice@example.com");
    assert_eq!(d["email"], "alice@example.com");
    assert_eq!(d["is_active"], true);
    assert_eq!(d["is_admin"], false);
    assert_eq!(d["avatar"], "/images/default_avatar.png");
    assert_eq!(d["disk_quota"], 1u64 << 30);
    assert_eq!(d["disk_used"], 1234);
    assert_eq!(d["twofa"], false);
    assert!(d["created"].as_i64().unwrap() > 1_500_000_000_000);
    assert!(d["last_login"].as_i64().unwrap() >= d["created"].as_i64().unwrap());
    assert_eq!(d["language"], "en");
    assert_eq!(d["org_id"], "default");
    assert!(d.get("comment").is_none(), "the admin's note is for admins");
    let (status, body) = server.json(Method::GET, "/api/user", None, None).await;
    assert_error(status, &body, 401);
}

#[tokio::test]
async fn profile_updates_apply_whole_or_not_at_all() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let (status, body) = put(
        &server,
        "/api/user",
        &alice,
        json!({
            "fullname": "Alice Liddell",
            "avatar": png(),
            "language": "pt-BR",
            "phone": "+44 20 7946 0000",
            "address": "Oxford",
            "website": "https://example.org/alice",
            "twitter": "@alice"
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["fullname"], "Alice Liddell");
    let (_, body) = server.get("/api/user", &alice).await;
    let d = &body["data"];
    assert_eq!(d["fullname"], "Alice Liddell");
    assert_eq!(d["avatar"], png().as_str());
    assert_eq!(d["language"], "pt-BR");
    assert_eq!(d["phone"], "+44 20 7946 0000");
    assert_eq!(d["address"], "Oxford");
    assert_eq!(d["website"], "https://example.org/alice");
    assert_eq!(d["twitter"], "@alice");

    // Each bad field is a 400 and, even next to good ones, changes nothing.
    let gif = format!("data:image/gif;base64,{}", BASE64.encode(b"GIF89a"));
    for bad in [
        json!({"fullname": "Al"}),
        json!({"fullname": "Alice 2"}),
        json!({"fullname": "Bob Builder", "password": "short1A"}),
        json!({"fullname": "Bob Builder", "password": "alllowercase1"}),
        json!({"fullname": "Bob Builder", "password": "ALLUPPERCASE1"}),
        json!({"fullname": "Bob Builder", "password": "NoDigitsAtAll"}),
        json!({"fullname": "Bob Builder", "avatar": gif}),
        json!({"fullname": "Bob Builder", "avatar": "data:image/png;base64,!!!"}),
        json!({"fullname": "Bob Builder", "avatar": "/images/mine.png"}),
        json!({"fullname": "Bob Builder", "language": "en us!"}),
        json!({"fullname": 42}),
        json!({"fullname": "Bob Builder", "phone": ["x"]}),
        json!(["fullname"]),
    ] {
        let (status, body) = put(&server, "/api/user", &alice, bad.clone()).await;
        assert_error(status, &body, 400);
    }
    let (status, body) = server
        .raw(
            Method::PUT,
            "/api/user",
            Some(&alice.token),
            b"{\"fullname\":".to_vec(),
        )
        .await;
    assert_error(status, &body, 400);
    let (_, body) = server.get("/api/user", &alice).await;
    assert_eq!(body["data"]["fullname"], "Alice Liddell");
    assert_eq!(body["data"]["avatar"], png().as_str());

    // "" puts the default avatar back.
    let (status, _) = put(&server, "/api/user", &alice, json!({"avatar": ""})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = server.get("/api/user", &alice).await;
    assert_eq!(body["data"]["avatar"], "/images/default_avatar.png");
    assert_eq!(body["data"]["fullname"], "Alice Liddell");
}

#[tokio::test]
async fn a_new_password_ends_every_session() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let other = server.login("alice@example.com").await;
    let (status, body) = put(
        &server,
        "/api/user",
        &alice,
        json!({"password": "Newpass123"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for s in [&alice, &other] {
        let (status, body) = server.get("/api/user", s).await;
        assert_error(status, &body, 401);
    }
    let (status, _) = server
        .json(
            Method::POST,
            "/auth",
            None,
            Some(json!({"username": "alice@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = server
        .json(
            Method::POST,
            "/auth",
            None,
            Some(json!({"username": "alice@example.com", "password": "Newpass123"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn notification_settings_default_on_and_change_one_by_one() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let names = [
        "email_alert_owned",
        "email_alert_group_owned",
        "email_alert_shared_with_me",
        "email_alert_shared_with_my_groups",
        "realtime_alert_owned",
        "realtime_alert_group_owned",
        "realtime_alert_shared_with_me",
        "realtime_alert_shared_with_my_groups",
    ];
    let (status, body) = server.get("/api/user/notifications", &alice).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["msg"],
        "User notification settings fetched successfully"
    );
    for name in names {
        assert_eq!(body["data"][name], true, "{name}");
    }
    let (status, body) = put(
        &server,
        "/api/user/notifications",
        &alice,
        json!({"email_alert_owned": true, "realtime_alert_shared_with_me": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = server.get("/api/user/notifications", &alice).await;
    for name in names {
        let expected = name != "realtime_alert_shared_with_me";
        assert_eq!(body["data"][name], expected, "{name}");
    }
    for bad in [
        json!({"email_alert_owned": "no"}),
        json!({"realtime_alert_owned": 0}),
        json!("x"),
    ] {
        let (status, body) = put(&server, "/api/user/notifications", &alice, bad).await;
        assert_error(status, &body, 400);
    }
    // Another user's settings are their own.
    let bob = server.user("bob@example.com").await;
    let (_, body) = server.get("/api/user/notifications", &bob).await;
    assert_eq!(body["data"]["realtime_alert_shared_with_me"], true);
    let (status, body) = server
        .json(Method::GET, "/api/user/notifications", None, None)
        .await;
    assert_error(status, &body, 401);
}

#[tokio::test]
async fn the_directory_lists_users_in_three_formats() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let bob = server.add_user("bob@example.com", 0).await;
    server
        .ferry
        .set_account_active(&ferry_core::Actor::System, bob.parse().unwrap(), false)
        .await
        .unwrap();

    let (status, body) = server.get("/api/users", &alice).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let all = body["data"].as_array().unwrap();
    assert_eq!(all.len(), 2);
    let b = all.iter().find(|u| u["uuid"] == bob.as_str()).unwrap();
    assert_eq!(b["is_active"], false);
    assert_eq!(b["fullname"], "User bob@example.com");
    assert_eq!(b["email"], "bob@example.com");
    assert!(b["created"].is_i64());

    let (_, body) = server.get("/api/users?format=short", &alice).await;
    let short = body["data"].as_array().unwrap();
    assert_eq!(short.len(), 2);
    let keys: Vec<&String> = short[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["email", "fullname", "uuid"]);

    let (_, body) = server.get("/api/users?format=short_active", &alice).await;
    let active = body["data"].as_array().unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["uuid"], alice.uuid.as_str());

    let (status, body) = server.get("/api/users?format=long", &alice).await;
    assert_error(status, &body, 400);
    let (status, body) = server.json(Method::GET, "/api/users", None, None).await;
    assert_error(status, &body, 401);
}
