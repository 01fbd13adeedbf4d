//! `/status.php` and the OCS core endpoints, as Nextcloud clients read them.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{PASSWORD, TestServer};

async fn ocs(
    server: &TestServer,
    path: &str,
    user: Option<&str>,
    accept_json: bool,
) -> (StatusCode, String, reqwest::header::HeaderMap) {
    let mut req = server
        .client
        .get(format!("{}{path}", server.url))
        .header("OCS-APIRequest", "true");
    if let Some(u) = user {
        req = req.basic_auth(u, Some(PASSWORD));
    }
    if accept_json {
        req = req.header("accept", "application/json");
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, resp.text().await.unwrap(), headers)
}

#[tokio::test]
async fn status_php_is_what_clients_probe() {
    let server = TestServer::start().await;
    let resp = server
        .client
        .get(format!("{}/status.php", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["installed"], true);
    assert_eq!(body["maintenance"], false);
    assert_eq!(body["needsDbUpgrade"], false);
    assert_eq!(body["productname"], "Ferry");
    assert!(body["version"].as_str().unwrap().starts_with("28.0.4"));
    assert_eq!(body["versionstring"], "28.0.4");
    assert_eq!(body["extendedSupport"], false);
}

#[tokio::test]
async fn capabilities_in_json_and_xml_with_v1_and_v2_codes() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 0).await;
    let (status, text, _) = ocs(
        &server,
        "/ocs/v1.php/cloud/capabilities?format=json",
        Some("alice@example.com"),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains(r#""statuscode":100"#), "compact JSON: {text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    let data = &body["ocs"]["data"];
    assert_eq!(body["ocs"]["meta"]["status"], "ok");
    assert_eq!(data["version"]["major"], 28);
    assert_eq!(data["version"]["extendedSupport"], false);
    assert_eq!(data["capabilities"]["dav"]["chunking"], "1.0");
    assert_eq!(
        data["capabilities"]["core"]["webdav-root"],
        "remote.php/webdav"
    );
    assert_eq!(data["capabilities"]["files"]["bigfilechunking"], true);
    assert_eq!(data["capabilities"]["files"]["versioning"], true);
    assert_eq!(data["capabilities"]["files"]["undelete"], true);
    assert!(data["capabilities"]["files_sharing"]["api_enabled"].is_boolean());

    let (status, text, _) = ocs(
        &server,
        "/ocs/v2.php/cloud/capabilities",
        Some("alice@example.com"),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains(r#""statuscode":200"#), "{text}");

    let (status, text, headers) = ocs(
        &server,
        "/ocs/v1.php/cloud/capabilities",
        Some("alice@example.com"),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml")
    );
    assert!(text.starts_with("<?xml"), "{text}");
    assert!(text.contains("<statuscode>100</statuscode>"), "{text}");
    assert!(text.contains("<chunking>1.0</chunking>"), "{text}");
    assert!(text.find("<meta>").unwrap() < text.find("<data>").unwrap());
}

#[tokio::test]
async fn current_user_gives_the_dav_user_id() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 1_000_000).await;
    let (status, text, _) = ocs(
        &server,
        "/ocs/v1.php/cloud/user?format=json",
        Some("alice@example.com"),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    let data = &body["ocs"]["data"];
    assert_eq!(data["id"], "alice@example.com");
    assert_eq!(data["display-name"], "User alice@example.com");
    assert_eq!(data["email"], "alice@example.com");
    assert_eq!(data["enabled"], true);
    assert_eq!(data["quota"]["quota"], 1_000_000);
    assert_eq!(data["quota"]["used"], 0);
    assert_eq!(data["quota"]["free"], 1_000_000);

    // A FileAgo session token works too.
    let session = server.login("alice@example.com").await;
    let resp = server
        .client
        .get(format!("{}/ocs/v2.php/cloud/user?format=json", server.url))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn failures_use_the_envelope_and_version_rules() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 0).await;
    // No credentials: 401 in both versions, with a Basic challenge.
    for path in [
        "/ocs/v1.php/cloud/user?format=json",
        "/ocs/v2.php/cloud/user?format=json",
    ] {
        let (status, text, headers) = ocs(&server, path, None, false).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(
            headers["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Basic")
        );
        assert!(text.contains(r#""statuscode":997"#), "{text}");
    }
    let resp = server
        .client
        .get(format!("{}/ocs/v1.php/cloud/user?format=json", server.url))
        .basic_auth("alice@example.com", Some("wrong-password"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // Unknown path: v1 keeps HTTP 200 with statuscode 998, v2 answers 404.
    let (status, text, _) = ocs(
        &server,
        "/ocs/v1.php/no/such?format=json",
        Some("alice@example.com"),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains(r#""statuscode":998"#), "{text}");
    let (status, _, _) = ocs(
        &server,
        "/ocs/v2.php/no/such?format=json",
        Some("alice@example.com"),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn config_names_the_host() {
    let server = TestServer::start().await;
    let (status, text, _) = ocs(&server, "/ocs/v1.php/config?format=json", None, false).await;
    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["ocs"]["data"]["version"], "1.7");
    assert_eq!(
        body["ocs"]["data"]["host"],
        server.url.trim_start_matches("http://")
    );
    assert_eq!(body["ocs"]["data"]["ssl"], "false");
}
