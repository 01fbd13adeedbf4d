//! App passwords and login flow v2: how Nextcloud clients get and use a device credential.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{PASSWORD, TestServer};

async fn user_status(server: &TestServer, user: &str, password: &str) -> StatusCode {
    server
        .client
        .get(format!("{}/ocs/v1.php/cloud/user?format=json", server.url))
        .basic_auth(user, Some(password))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn app_passwords_work_for_basic_auth_and_revoke_alone() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 0).await;
    let resp = server
        .client
        .get(format!(
            "{}/ocs/v2.php/core/getapppassword?format=json",
            server.url
        ))
        .basic_auth("alice@example.com", Some(PASSWORD))
        .header("user-agent", "Test Desktop")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    let app_password = body["ocs"]["data"]["apppassword"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(app_password.len() >= 32);

    assert_eq!(
        user_status(&server, "alice@example.com", &app_password).await,
        StatusCode::OK
    );
    // Not for another user's name.
    server.add_user("bob@example.com", 0).await;
    assert_eq!(
        user_status(&server, "bob@example.com", &app_password).await,
        StatusCode::UNAUTHORIZED
    );

    // An app password cannot mint another one.
    let resp = server
        .client
        .get(format!(
            "{}/ocs/v2.php/core/getapppassword?format=json",
            server.url
        ))
        .basic_auth("alice@example.com", Some(&app_password))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    // Revoking "this" app password ends it and nothing else.
    let resp = server
        .client
        .delete(format!(
            "{}/ocs/v2.php/core/apppassword?format=json",
            server.url
        ))
        .basic_auth("alice@example.com", Some(&app_password))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        user_status(&server, "alice@example.com", &app_password).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        user_status(&server, "alice@example.com", PASSWORD).await,
        StatusCode::OK
    );
    // With the account password there is no "this" app password to revoke.
    let resp = server
        .client
        .delete(format!(
            "{}/ocs/v2.php/core/apppassword?format=json",
            server.url
        ))
        .basic_auth("alice@example.com", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_password_change_is_seen_at_once_despite_the_login_cache() {
    let server = TestServer::start().await;
    let id = server.add_user("alice@example.com", 0).await;
    assert_eq!(
        user_status(&server, "alice@example.com", PASSWORD).await,
        StatusCode::OK
    );
    server
        .ferry
        .set_password(
            &ferry_core::Actor::System,
            id.parse().unwrap(),
            "A-new-Passw0rd".into(),
        )
        .await
        .unwrap();
    assert_eq!(
        user_status(&server, "alice@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        user_status(&server, "alice@example.com", "A-new-Passw0rd").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn login_flow_v2_hands_out_an_app_password_once() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 0).await;
    let start = start_login_flow(&server).await;
    let poll_token = start["poll"]["token"].as_str().unwrap().to_owned();
    let endpoint = start["poll"]["endpoint"].as_str().unwrap().to_owned();
    let login = start["login"].as_str().unwrap().to_owned();
    assert_eq!(endpoint, format!("{}/index.php/login/v2/poll", server.url));
    assert!(login.starts_with(&format!("{}/index.php/login/v2/flow/", server.url)));

    let poll = |token: String| {
        let client = server.client.clone();
        let endpoint = endpoint.clone();
        async move {
            client
                .post(&endpoint)
                .form_body(&token)
                .send()
                .await
                .unwrap()
        }
    };
    // Not granted yet.
    assert_eq!(
        poll(poll_token.clone()).await.status(),
        StatusCode::NOT_FOUND
    );

    let page = server.client.get(&login).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("<form"));
    // A wrong password keeps the flow waiting.
    let wrong = server
        .client
        .post(&login)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("user=alice%40example.com&password=nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let granted = server
        .client
        .post(&login)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user=alice%40example.com&password={PASSWORD}"))
        .send()
        .await
        .unwrap();
    assert_eq!(granted.status(), StatusCode::OK);

    let done = poll(poll_token.clone()).await;
    assert_eq!(done.status(), StatusCode::OK);
    let result: Value = done.json().await.unwrap();
    assert_eq!(result["server"], server.url.as_str());
    assert_eq!(result["loginName"], "alice@example.com");
    let app_password = result["appPassword"].as_str().unwrap().to_owned();
    assert_eq!(
        user_status(&server, "alice@example.com", &app_password).await,
        StatusCode::OK
    );
    // Once only.
    assert_eq!(poll(poll_token).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        server.client.get(&login).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(poll("made-up".into()).await.status(), StatusCode::NOT_FOUND);
    let listed = server
        .ferry
        .list_app_passwords(&ferry_core::Actor::System)
        .await;
    assert!(
        listed.is_err(),
        "the system has no app passwords of its own"
    );
}

#[tokio::test]
async fn login_flows_expire() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 0).await;
    let start = start_login_flow(&server).await;
    let login = start["login"].as_str().unwrap().to_owned();
    server
        .clock
        .advance_ms(ferry_core::devices::LOGIN_FLOW_TTL_MS + 1);
    assert_eq!(
        server.client.get(&login).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let late = server
        .client
        .post(&login)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user=alice%40example.com&password={PASSWORD}"))
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), StatusCode::NOT_FOUND);
}

/// `token=…` as a form body.
trait FormBody {
    fn form_body(self, token: &str) -> Self;
}

impl FormBody for reqwest::RequestBuilder {
    fn form_body(self, token: &str) -> Self {
        self.header("content-type", "application/x-www-form-urlencoded")
            .body(format!("token={token}"))
    }
}

/// The login-flow sign-in page is a password login like `/auth`: wrong passwords count, and
/// past the limit the page refuses with Retry-After even the right one.
#[tokio::test]
async fn the_sign_in_page_goes_through_the_login_guard() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 0).await;
    let start = start_login_flow(&server).await;
    let login = start["login"].as_str().unwrap().to_owned();
    let sign_in = |password: String| {
        let client = server.client.clone();
        let login = login.clone();
        async move {
            client
                .post(&login)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("user=alice%40example.com&password={password}"))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..ferry_core::security::LOGIN_FAILURE_LIMIT {
        assert_eq!(
            sign_in("nope".into()).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let refused = sign_in(PASSWORD.into()).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Too many failed sign-ins")
    );
    server
        .clock
        .advance_ms(ferry_core::security::LOGIN_FAILURE_WINDOW_MS + 1);
    assert_eq!(sign_in(PASSWORD.into()).await.status(), StatusCode::OK);
}

/// Starts a login flow v2 as a desktop client does; returns its JSON answer.
async fn start_login_flow(server: &TestServer) -> Value {
    server
        .client
        .post(format!("{}/index.php/login/v2", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
