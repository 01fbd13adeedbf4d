//! 100 requests per minute per API key, counted in the database: the 101st within a
//! minute answers 429 with `Retry-After` and the `X-RateLimit-*` headers — even when the
//! server restarted in between — in the envelope of the face that was called. Other API
//! requests are counted per session, login or address (600 a minute by default).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{PASSWORD, TestServer};

async fn get(server: &TestServer, path: &str, key: &str) -> reqwest::Response {
    server
        .client
        .get(format!("{}{path}", server.url))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_101st_request_in_a_minute_is_refused_even_across_a_restart() {
    let server = TestServer::start().await;
    server
        .ferry
        .ensure_admin(Some(PASSWORD.to_owned()))
        .await
        .unwrap();
    let admin = server.login("admin").await.token;
    let (status, body) = server
        .json(
            Method::POST,
            "/api/v2/api-keys",
            Some(&admin),
            Some(json!({"name": "load", "scopes": ["read"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let key = body["data"]["key"].as_str().unwrap().to_owned();
    // Start at the beginning of a window so the whole test stays inside one minute.
    let now = server.ferry.now_ms();
    server.clock.advance_ms(60_000 - now.rem_euclid(60_000) + 1);

    for i in 1..=60u32 {
        let resp = get(&server, "/api/nodes/home", &key).await;
        assert_eq!(resp.status(), StatusCode::OK, "request {i}");
        assert_eq!(header(&resp, "x-ratelimit-limit"), "100");
        assert_eq!(
            header(&resp, "x-ratelimit-remaining"),
            (100 - i).to_string()
        );
        assert!(header(&resp, "x-ratelimit-reset").parse::<i64>().unwrap() > now / 1000);
    }
    let server = server.restarted().await;
    for i in 61..=100u32 {
        let path = if i % 2 == 0 {
            "/api/nodes/home"
        } else {
            "/api/v2/api-keys"
        };
        let resp = get(&server, path, &key).await;
        assert!(
            resp.status().is_success() || resp.status() == StatusCode::FORBIDDEN,
            "request {i}: {}",
            resp.status()
        );
        assert_eq!(
            header(&resp, "x-ratelimit-remaining"),
            (100 - i).to_string(),
            "the window survived the restart"
        );
    }
    let resp = get(&server, "/api/nodes/home", &key).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&resp, "x-ratelimit-remaining"), "0");
    assert_eq!(header(&resp, "x-ratelimit-limit"), "100");
    let retry: u64 = header(&resp, "retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "error", "FileAgo's envelope: {body}");

    let resp = get(&server, "/api/v2/api-keys", &key).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["meta"]["error"]["code"], "rate-limited",
        "FileOnion's envelope: {body}"
    );
    let resp = get(&server, "/ocs/v2.php/cloud/user?format=json", &key).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.text().await.unwrap().contains(r#""statuscode":429"#));
    let resp = server
        .client
        .request(
            Method::from_bytes(b"PROPFIND").unwrap(),
            format!("{}/remote.php/dav/files/admin/", server.url),
        )
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);

    // A session has its own window, not the key's; the next minute the key works again.
    let resp = server
        .client
        .get(format!("{}/api/nodes/home", server.url))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "x-ratelimit-limit"), "600");
    server.clock.advance_ms(60_000);
    let resp = get(&server, "/api/nodes/home", &key).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "x-ratelimit-remaining"), "99");
}

/// Every API reply carries the headers, counted per session, login or address; WebDAV and
/// file transfers are not counted.
#[tokio::test]
async fn every_api_reply_carries_the_rate_limit_headers() {
    let server = TestServer::start().await;
    server.add_user("ann@example.com", 0).await;
    // An anonymous login is counted against the address.
    let resp = server
        .client
        .post(format!("{}/auth", server.url))
        .json(&json!({"username": "ann@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "x-ratelimit-limit"), "600");
    assert_eq!(header(&resp, "x-ratelimit-remaining"), "599");
    let body: Value = resp.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    // A session's requests have their own window.
    for (n, path) in [
        "/api/user",
        "/v1/users/ann@example.com",
        "/api/v2/teams/my-teams",
    ]
    .iter()
    .enumerate()
    {
        let resp = get(&server, path, &token).await;
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        assert_eq!(header(&resp, "x-ratelimit-limit"), "600", "{path}");
        assert_eq!(
            header(&resp, "x-ratelimit-remaining"),
            (599 - n).to_string(),
            "{path}"
        );
        let reset: i64 = header(&resp, "x-ratelimit-reset").parse().unwrap();
        assert!(reset * 1000 > ferry_core::Clock::now_ms(server.clock.as_ref()));
    }
    // Basic on OCS: the login's window.
    let resp = server
        .client
        .get(format!("{}/ocs/v2.php/cloud/user?format=json", server.url))
        .basic_auth("ann@example.com", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "x-ratelimit-remaining"), "599");
    // WebDAV and /status.php are not API replies.
    let resp = server
        .client
        .request(
            Method::from_bytes(b"PROPFIND").unwrap(),
            format!("{}/remote.php/webdav/", server.url),
        )
        .basic_auth("ann@example.com", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::MULTI_STATUS);
    assert_eq!(header(&resp, "x-ratelimit-limit"), "");
    let resp = server
        .client
        .get(format!("{}/status.php", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&resp, "x-ratelimit-limit"), "");
}

/// Past the per-principal limit: 429 with `Retry-After` and the headers, in the envelope of
/// each face; another principal is not affected, and the next window starts afresh.
#[tokio::test]
async fn a_session_past_its_limit_is_refused_in_each_faces_envelope() {
    let core = ferry_core::CoreSettings {
        api_requests_per_minute: 3,
        ..ferry_core::CoreSettings::default()
    };
    let server = TestServer::start_configured(ferry_core::Durability::Strict, core).await;
    server.add_user("ann@example.com", 0).await;
    server.add_user("bob@example.com", 0).await;
    let ann = server.login("ann@example.com").await.token;
    let bob = server.login("bob@example.com").await.token;
    for _ in 0..3 {
        assert_eq!(
            get(&server, "/api/user", &ann).await.status(),
            StatusCode::OK
        );
    }
    let resp = get(&server, "/api/user", &ann).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&resp, "x-ratelimit-remaining"), "0");
    assert!(header(&resp, "retry-after").parse::<u64>().unwrap() >= 1);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "error", "{body}");
    let resp = get(&server, "/v1/users", &ann).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate-limited", "{body}");
    let resp = get(&server, "/api/v2/teams/my-teams", &ann).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["meta"]["error"]["code"], "rate-limited", "{body}");
    let resp = get(&server, "/ocs/v2.php/cloud/user?format=json", &ann).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["ocs"]["meta"]["status"], "failure", "{body}");
    // Bob has his own window; WebDAV is not counted.
    assert_eq!(
        get(&server, "/api/user", &bob).await.status(),
        StatusCode::OK
    );
    // A minute later Ann starts afresh.
    server.clock.advance_ms(60_000);
    assert_eq!(
        get(&server, "/api/user", &ann).await.status(),
        StatusCode::OK
    );
}
