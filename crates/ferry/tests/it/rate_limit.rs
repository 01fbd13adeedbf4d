//! 100 requests per minute per API key, counted in the database: the 101st within a
//! minute answers 429 with `Retry-After` and the `X-RateLimit-*` headers — even when the
//! server restarted in between — in the envelope of the face that was called.

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

    // Session logins are not limited per key; the next minute the key works again.
    let resp = server
        .client
        .get(format!("{}/api/nodes/home", server.url))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().get("x-ratelimit-limit").is_none());
    server.clock.advance_ms(60_000);
    let resp = get(&server, "/api/nodes/home", &key).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "x-ratelimit-remaining"), "99");
}
