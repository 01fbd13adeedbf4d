//! OCS `cloud/apps…`: Ferry's faces as switchable apps. A face switched off answers 404 in
//! its own envelope and comes back when switched on; the provisioning API cannot be
//! switched off; only administrators see or switch anything.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::harness::{PASSWORD, TestServer};
use crate::ocs_provisioning::{Body, admin, call, call_raw, code, failed, ok};

const V1: &str = "/ocs/v1.php/cloud/apps";
const V2: &str = "/ocs/v2.php/cloud/apps";

fn ids(body: &Value) -> Vec<String> {
    body["ocs"]["data"]["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

async fn fullio_users(s: &TestServer, token: &str) -> (StatusCode, Value) {
    let resp = s
        .client
        .get(format!("{}/v1/users", s.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn administrators_list_and_switch_faces() {
    let s = TestServer::start().await;
    let root = admin(&s).await;
    let a = Some("admin");
    let all = [
        "fileago",
        "fullio",
        "fileonion",
        "webdav",
        "provisioning_api",
    ];

    let (status, body) = call(&s, Method::GET, V2, a, Body::None).await;
    ok(status, &body);
    assert_eq!(ids(&body), all);
    let (status, body) = call(
        &s,
        Method::GET,
        &format!("{V1}?filter=disabled"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    assert_eq!(code(&body), 100);
    assert!(ids(&body).is_empty());
    let (status, body) = call(
        &s,
        Method::GET,
        &format!("{V2}?filter=sideways"),
        a,
        Body::None,
    )
    .await;
    failed(status, &body, 400, 101);

    let (status, body) = call(&s, Method::GET, &format!("{V2}/webdav"), a, Body::None).await;
    ok(status, &body);
    assert_eq!(body["ocs"]["data"]["id"], "webdav");
    assert_eq!(body["ocs"]["data"]["enabled"], true);
    assert!(body["ocs"]["data"]["version"].as_str().is_some());
    let (status, body) = call(&s, Method::GET, &format!("{V2}/calendar"), a, Body::None).await;
    failed(status, &body, 404, 998);

    // Switched off, FulliO answers 404 in its own envelope; switched on, it is back.
    assert_eq!(fullio_users(&s, &root.token).await.0, StatusCode::OK);
    let (status, body) = call(&s, Method::DELETE, &format!("{V2}/fullio"), a, Body::None).await;
    ok(status, &body);
    let (status, body) = fullio_users(&s, &root.token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], "error", "{body}");
    let (_, body) = call(
        &s,
        Method::GET,
        &format!("{V2}?filter=disabled"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(ids(&body), ["fullio"]);
    let (_, body) = call(
        &s,
        Method::GET,
        &format!("{V2}?filter=enabled"),
        a,
        Body::None,
    )
    .await;
    assert!(!ids(&body).contains(&"fullio".to_owned()));
    let (status, body) = call(&s, Method::POST, &format!("{V1}/fullio"), a, Body::None).await;
    ok(status, &body);
    assert_eq!(fullio_users(&s, &root.token).await.0, StatusCode::OK);

    // WebDAV too; the OCS face stays, and the provisioning API cannot be switched off.
    let (status, _) = call(&s, Method::DELETE, &format!("{V2}/webdav"), a, Body::None).await;
    assert_eq!(status, StatusCode::OK);
    let propfind = s
        .client
        .request(
            Method::from_bytes(b"PROPFIND").unwrap(),
            format!("{}/remote.php/webdav/", s.url),
        )
        .basic_auth("admin", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(propfind.status(), StatusCode::NOT_FOUND);
    let (status, body) = call(
        &s,
        Method::DELETE,
        &format!("{V2}/provisioning_api"),
        a,
        Body::None,
    )
    .await;
    failed(status, &body, 400, 101);
    let (status, _) = call(&s, Method::POST, &format!("{V2}/webdav"), a, Body::None).await;
    assert_eq!(status, StatusCode::OK);

    // XML by default.
    let (status, text) = call_raw(&s, Method::GET, V1, a, Body::None, false).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("<apps><element>fileago</element>"), "{text}");
}

#[tokio::test]
async fn only_administrators_see_or_switch_apps() {
    let s = TestServer::start().await;
    let root = admin(&s).await;
    s.add_user("plain@example.com", 0).await;
    let p = Some("plain@example.com");
    let (status, body) = call(&s, Method::GET, V2, p, Body::None).await;
    failed(status, &body, 403, 403);
    for method in [Method::POST, Method::DELETE] {
        let (status, body) = call(&s, method, &format!("{V2}/fullio"), p, Body::None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
    let (status, _) = call(&s, Method::GET, V2, None, Body::None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Nothing changed.
    assert_eq!(fullio_users(&s, &root.token).await.0, StatusCode::OK);
}
