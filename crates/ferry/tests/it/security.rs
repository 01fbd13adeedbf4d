//! Sessions security on the FileAgo face: TOTP 2FA on `POST /auth`, logout, login history
//! and the brute-force guard (counted in the database).

use ferry_core::Clock;
use ferry_core::ports::MetaStore;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{PASSWORD, Session, TestServer, assert_error};

async fn auth(server: &TestServer, body: Value) -> (StatusCode, Value) {
    server.json(Method::POST, "/auth", None, Some(body)).await
}

/// The code an authenticator app shows at the server's (manual) time.
fn code(secret: &str, now_ms: i64) -> String {
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap();
    totp.generate(u64::try_from(now_ms / 1000).unwrap())
        .to_string()
}

async fn enable_twofa(server: &TestServer, s: &Session) -> String {
    let (status, body) = server
        .post("/api/user/2fa", s, json!({"twofa": true}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "success");
    assert_eq!(body["data"]["twofa"], true);
    assert!(
        body["data"]["otpauth_url"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    let secret = body["data"]["secret_twofa"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 26, "at least 128 bits of base32: {secret}");
    secret
}

async fn ocs_status(server: &TestServer, user: &str, password: &str) -> StatusCode {
    server
        .client
        .get(format!("{}/ocs/v1.php/cloud/user?format=json", server.url))
        .basic_auth(user, Some(password))
        .send()
        .await
        .unwrap()
        .status()
}

async fn history(server: &TestServer, s: &Session) -> Vec<Value> {
    let (status, body) = server.get("/api/user/login_history", s).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn twofa_logins_need_a_fresh_code() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let (status, body) = server.get("/api/user/2fa", &alice).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"], json!({"twofa": false}));
    // Before 2FA, the account password works for Basic auth (and is remembered briefly).
    assert_eq!(
        ocs_status(&server, "alice@example.com", PASSWORD).await,
        StatusCode::OK
    );

    let secret = enable_twofa(&server, &alice).await;
    let (_, body) = server.get("/api/user/2fa", &alice).await;
    assert_eq!(
        body["data"],
        json!({"twofa": true}),
        "the secret is shown once"
    );
    let (_, body) = server.get("/api/user", &alice).await;
    assert_eq!(body["data"]["twofa"], true);

    // The password alone: 401 saying a code is needed, and no session at all.
    let (status, body) = auth(
        &server,
        json!({"username": "alice@example.com", "password": PASSWORD}),
    )
    .await;
    assert_error(status, &body, 401);
    assert!(body["msg"].as_str().unwrap().contains("2FA"), "{body}");
    assert!(body.get("token").is_none(), "{body}");
    // A wrong password with a code is the plain refusal.
    let now = server.clock.now_ms();
    let (status, body) = auth(
        &server,
        json!({"username": "alice@example.com", "password": "Wrong-passw0rd", "otp": code(&secret, now)}),
    )
    .await;
    assert_error(status, &body, 401);
    assert!(!body["msg"].as_str().unwrap().contains("2FA"), "{body}");
    // A wrong code.
    let wrong = if code(&secret, now) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let (status, body) = auth(
        &server,
        json!({"username": "alice@example.com", "password": PASSWORD, "otp": wrong}),
    )
    .await;
    assert_error(status, &body, 401);

    // The right code logs in, once.
    let good =
        json!({"username": "alice@example.com", "password": PASSWORD, "otp": code(&secret, now)});
    let (status, body) = auth(&server, good.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    let (status, _) = server
        .json(Method::GET, "/api/user", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = auth(&server, good).await;
    assert_error(status, &body, 401);
    // The next step's code works.
    server.clock.advance_ms(30_000);
    let now = server.clock.now_ms();
    let (status, body) = auth(
        &server,
        json!({"username": "alice@example.com", "password": PASSWORD, "otp": code(&secret, now)}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The form body takes the code too.
    server.clock.advance_ms(30_000);
    let form = format!(
        "username=alice%40example.com&password={PASSWORD}&otp={}",
        code(&secret, server.clock.now_ms())
    );
    let resp = server
        .client
        .post(format!("{}/auth", server.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    // Basic auth no longer takes the account password (not even from the login cache),
    // but an app password made with a full session works.
    assert_eq!(
        ocs_status(&server, "alice@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    let resp = server
        .client
        .get(format!(
            "{}/ocs/v2.php/core/getapppassword?format=json",
            server.url
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    let app_password = body["ocs"]["data"]["apppassword"].as_str().unwrap();
    assert_eq!(
        ocs_status(&server, "alice@example.com", app_password).await,
        StatusCode::OK
    );

    let statuses: Vec<String> = history(&server, &alice)
        .await
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        statuses[..6],
        [
            "success",
            "success",
            "2fa-failure",
            "success",
            "2fa-failure",
            "failure"
        ],
        "{statuses:?}"
    );
    assert!(statuses.contains(&"2fa-required".to_owned()));

    // Off again: the password alone is enough.
    let (status, body) = server
        .post("/api/user/2fa", &alice, json!({"twofa": false}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"], json!({"twofa": false}));
    server.login("alice@example.com").await;
}

#[tokio::test]
async fn twofa_requests_are_checked() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    for bad in [
        json!({}),
        json!({"twofa": "yes"}),
        json!({"twofa": 1}),
        json!([]),
    ] {
        let (status, body) = server.post("/api/user/2fa", &alice, bad).await;
        assert_error(status, &body, 400);
    }
    let (status, body) = server
        .raw(
            Method::POST,
            "/api/user/2fa",
            Some(&alice.token),
            b"{".to_vec(),
        )
        .await;
    assert_error(status, &body, 400);
    let (status, body) = server
        .json(
            Method::POST,
            "/api/user/2fa",
            None,
            Some(json!({"twofa": true})),
        )
        .await;
    assert_error(status, &body, 401);
    let (_, body) = server.get("/api/user/2fa", &alice).await;
    assert_eq!(body["data"]["twofa"], false);
}

#[tokio::test]
async fn logout_ends_the_session_at_once_and_is_recorded() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let other = server.login("alice@example.com").await;
    let (status, body) = server.get("/api/user/logout", &alice).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "success");
    let (status, body) = server.get("/api/user", &alice).await;
    assert_error(status, &body, 401);
    let (status, body) = server.get("/api/user/logout", &alice).await;
    assert_error(status, &body, 401);
    // The file access key of that session is gone too; another session is untouched.
    let resp = server.download(&alice, "nothing", 1).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = server.get("/api/user", &other).await;
    assert_eq!(status, StatusCode::OK);

    let events = history(&server, &other).await;
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["logout", "login", "login"]);
    assert_eq!(events[0]["status"], "success");
    assert_eq!(events[0]["ip_address"], "127.0.0.1");
}

#[tokio::test]
async fn login_history_lists_every_attempt_newest_first() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 0).await;
    let (status, _) = auth(
        &server,
        json!({"username": "alice@example.com", "password": "Wrong-passw0rd"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.clock.advance_ms(1000);
    let alice = server.login("alice@example.com").await;
    let events = history(&server, &alice).await;
    assert_eq!(events.len(), 2, "{events:?}");
    let (newest, oldest) = (&events[0], &events[1]);
    assert_eq!(newest["action"], "login");
    assert_eq!(newest["status"], "success");
    assert_eq!(newest["ip_address"], "127.0.0.1");
    assert_eq!(newest["error_details"], "");
    assert!(newest["timestamp"].as_i64().unwrap() > oldest["timestamp"].as_i64().unwrap());
    assert_eq!(oldest["status"], "failure");
    assert_eq!(oldest["error_details"], "password");
    for e in &events {
        for field in [
            "action",
            "action_args",
            "error_details",
            "ip_address",
            "status",
        ] {
            assert!(e[field].is_string(), "{field} in {e}");
        }
        assert!(e["timestamp"].is_i64());
    }
    // Only one's own history.
    let bob = server.user("bob@example.com").await;
    assert_eq!(history(&server, &bob).await.len(), 1);
    // History older than the retention goes at the next login.
    server
        .clock
        .advance_ms(ferry_core::security::LOGIN_HISTORY_KEEP_MS + 1);
    let alice = server.login("alice@example.com").await;
    assert_eq!(history(&server, &alice).await.len(), 1);
    let (status, body) = server
        .json(Method::GET, "/api/user/login_history", None, None)
        .await;
    assert_error(status, &body, 401);
}

async fn failed_login(server: &TestServer, username: &str) -> reqwest::Response {
    server
        .client
        .post(format!("{}/auth", server.url))
        .json(&json!({"username": username, "password": "Wrong-passw0rd"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn too_many_failures_lock_the_account_until_the_window_passes() {
    let server = TestServer::start().await;
    let uuid = server.add_user("alice@example.com", 0).await;
    for _ in 0..ferry_core::security::LOGIN_FAILURE_LIMIT {
        assert_eq!(
            failed_login(&server, "alice@example.com").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password is refused, with a Retry-After.
    let resp = server
        .client
        .post(format!("{}/auth", server.url))
        .json(&json!({"username": "alice@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry), "{retry}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "error");

    // The counters are rows in the database, so a restarted (or another) instance sees
    // them: still locked after a restart.
    let dir = server.dir.path().to_path_buf();
    let store =
        ferry_store_sqlite::SqliteStore::open(&format!("sqlite://{}/ferry.db", dir.display()))
            .await
            .unwrap();
    let mut tx = store.read().await.unwrap();
    let rows = tx
        .recent_login_failures(&format!("user:{uuid}"), 0, 100)
        .await
        .unwrap();
    assert_eq!(rows.len(), ferry_core::security::LOGIN_FAILURE_LIMIT);
    let by_address = tx
        .recent_login_failures("ip:127.0.0.1", 0, 100)
        .await
        .unwrap();
    assert_eq!(by_address.len(), ferry_core::security::LOGIN_FAILURE_LIMIT);
    drop(tx);
    store.close().await;
    let server = server.restarted().await;
    let (status, _) = auth(
        &server,
        json!({"username": "alice@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // Once the window has passed, the right password works again.
    server.clock.advance_ms(retry as i64 * 1000);
    let alice = server.login("alice@example.com").await;
    let (status, _) = server.get("/api/user", &alice).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn too_many_failures_from_one_address_lock_it_for_every_account() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 0).await;
    // Guessing at many (mostly unknown) accounts from one address.
    for i in 0..ferry_core::security::LOGIN_FAILURE_LIMIT {
        let resp = failed_login(&server, &format!("nobody{i}@example.com")).await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = failed_login(&server, "alice@example.com").await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().contains_key("retry-after"));
    let (status, _) = auth(
        &server,
        json!({"username": "alice@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    server
        .clock
        .advance_ms(ferry_core::security::LOGIN_FAILURE_WINDOW_MS + 1);
    server.login("alice@example.com").await;
}

#[tokio::test]
async fn a_successful_login_forgives_the_accounts_failures() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 0).await;
    for _ in 0..ferry_core::security::LOGIN_FAILURE_LIMIT - 1 {
        failed_login(&server, "alice@example.com").await;
    }
    server.login("alice@example.com").await;
    // The account starts afresh; the address still counts its nine.
    assert_eq!(
        failed_login(&server, "alice@example.com").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        failed_login(&server, "alice@example.com").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Credentials change only with a login session: an API key (even Full Access) may not set
/// a password or touch 2FA, and a Read key may change nothing.
#[tokio::test]
async fn api_keys_cannot_change_credentials() {
    let server = TestServer::start().await;
    server
        .ferry
        .ensure_admin(Some(PASSWORD.to_owned()))
        .await
        .unwrap();
    let admin = server.login("admin").await;
    let mut keys = Vec::new();
    for scope in ["Full Access", "Read"] {
        let (status, body) = server
            .post(
                "/api/v2/api-keys",
                &admin,
                json!({"name": scope, "scopes": [scope], "expiration": "90d"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        keys.push(body["data"]["key"].as_str().unwrap().to_owned());
    }
    let (full, read) = (&keys[0], &keys[1]);
    let call = |token: &str, method: Method, path: &str, body: Option<Value>| {
        let token = token.to_owned();
        let path = path.to_owned();
        let server = &server;
        async move { server.json(method, &path, Some(&token), body).await }
    };
    let (status, body) = call(
        full,
        Method::PUT,
        "/api/user",
        Some(json!({"password": "Newpass123"})),
    )
    .await;
    assert_error(status, &body, 403);
    let (status, body) = call(
        full,
        Method::POST,
        "/api/user/2fa",
        Some(json!({"twofa": true})),
    )
    .await;
    assert_error(status, &body, 403);
    let (status, body) = call(
        full,
        Method::PUT,
        "/api/user",
        Some(json!({"fullname": "Chief Admin"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = call(read, Method::GET, "/api/user", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["fullname"], "Chief Admin");
    let (status, body) = call(
        read,
        Method::PUT,
        "/api/user",
        Some(json!({"fullname": "Read Only"})),
    )
    .await;
    assert_error(status, &body, 403);
    let (status, body) = call(
        read,
        Method::PUT,
        "/api/user/notifications",
        Some(json!({"email_alert_owned": false})),
    )
    .await;
    assert_error(status, &body, 403);
    // The password still works.
    server.login("admin").await;
}

/// 2FA with its replay guard, the brute-force guard and a delete with hand-over, on
/// PostgreSQL when `FERRY_TEST_POSTGRES_URL` is set.
#[tokio::test]
async fn accounts_and_security_on_postgres() {
    let Ok(url) = std::env::var("FERRY_TEST_POSTGRES_URL") else {
        eprintln!("FERRY_TEST_POSTGRES_URL is not set: skipping");
        return;
    };
    let schema = format!("it_{}", uuid::Uuid::new_v4().simple());
    let store = ferry_store_postgres::PgStore::open_in_schema(&url, &schema)
        .await
        .unwrap();
    let server = TestServer::start_on(std::sync::Arc::new(store)).await;
    server
        .ferry
        .ensure_admin(Some(PASSWORD.to_owned()))
        .await
        .unwrap();
    let admin = server.login("admin").await;
    let alice = server.user("alice@example.com").await;
    let bob = server.user("bob@example.com").await;

    let secret = enable_twofa(&server, &alice).await;
    let good = json!({
        "username": "alice@example.com",
        "password": PASSWORD,
        "otp": code(&secret, server.clock.now_ms())
    });
    let (status, body) = auth(&server, good.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = auth(&server, good).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    for _ in 0..ferry_core::security::LOGIN_FAILURE_LIMIT {
        failed_login(&server, "bob@example.com").await;
    }
    let resp = failed_login(&server, "bob@example.com").await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().contains_key("retry-after"));
    server
        .clock
        .advance_ms(ferry_core::security::LOGIN_FAILURE_WINDOW_MS + 1);

    let (status, body) = server
        .upload(&bob, "home", &[("b.txt", b"bee".to_vec())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .json(
            Method::DELETE,
            &format!(
                "/api/admin/users/{}?confirm_delete=yes&transfer_data_to={}",
                bob.uuid, alice.uuid
            ),
            Some(&admin.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let handed = server
        .find(&alice, "home", "bob@example.com")
        .await
        .unwrap();
    assert_eq!(server.names(&alice, &handed).await, ["b.txt"]);
    let events = history(&server, &alice).await;
    assert_eq!(events[0]["status"], "2fa-failure");

    drop(server);
    ferry_store_postgres::PgStore::drop_schema(&url, &schema)
        .await
        .unwrap();
}

/// A DAV PROPFIND with Basic credentials; returns the reply.
async fn dav_propfind(server: &TestServer, user: &str, password: &str) -> reqwest::Response {
    server
        .client
        .request(
            reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
            format!("{}/remote.php/dav/files/{user}/", server.url),
        )
        .header("Depth", "0")
        .basic_auth(user, Some(password))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn basic_logins_go_through_the_same_guard() {
    let server = TestServer::start().await;
    server.add_user("alice@example.com", 0).await;
    server.add_user("bob@example.com", 0).await;
    // Bob's client signed in before the attack: its login is remembered.
    let resp = dav_propfind(&server, "bob@example.com", PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::MULTI_STATUS);

    // Wrong passwords over WebDAV and OCS count against the account and the address.
    for i in 0..ferry_core::security::LOGIN_FAILURE_LIMIT {
        let status = if i % 2 == 0 {
            dav_propfind(&server, "alice@example.com", "Wrong-passw0rd")
                .await
                .status()
        } else {
            ocs_status(&server, "alice@example.com", "Wrong-passw0rd").await
        };
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Past the limit, even the right password is refused, with Retry-After, on every face.
    let resp = dav_propfind(&server, "alice@example.com", PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry), "{retry}");
    let resp = server
        .client
        .get(format!("{}/ocs/v2.php/cloud/user?format=json", server.url))
        .basic_auth("alice@example.com", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().contains_key("retry-after"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["ocs"]["meta"]["status"], "failure", "{body}");
    let (status, _) = auth(
        &server,
        json!({"username": "alice@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // The address is locked for new logins too, but Bob's remembered one keeps working.
    let resp = dav_propfind(&server, "bob@example.com", "Other-passw0rd").await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let resp = dav_propfind(&server, "bob@example.com", PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::MULTI_STATUS);

    // The failures are in Alice's login history, and the lock ends with the window.
    server.clock.advance_ms(retry * 1000);
    let alice = server.login("alice@example.com").await;
    let events = history(&server, &alice).await;
    let basic_failures = events
        .iter()
        .filter(|e| e["status"] == "failure" && e.to_string().contains("basic"))
        .count();
    assert_eq!(
        basic_failures,
        ferry_core::security::LOGIN_FAILURE_LIMIT,
        "{events:?}"
    );
    let resp = dav_propfind(&server, "alice@example.com", PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::MULTI_STATUS);
}

async fn failed_login_from(server: &TestServer, forwarded_for: &str) -> StatusCode {
    server
        .client
        .post(format!("{}/auth", server.url))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"username": "nobody@example.com", "password": "Wrong-passw0rd"}))
        .send()
        .await
        .unwrap()
        .status()
}

/// Behind a trusted proxy the guard counts per client (from `X-Forwarded-For`), so one
/// client's guessing does not lock out everyone behind the proxy; without trust the header
/// changes nothing.
#[tokio::test]
async fn behind_a_trusted_proxy_the_guard_counts_per_client() {
    let server = TestServer::start_behind("127.0.0.1").await;
    server.add_user("alice@example.com", 0).await;
    for _ in 0..ferry_core::security::LOGIN_FAILURE_LIMIT {
        assert_eq!(
            failed_login_from(&server, "203.0.113.5").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        failed_login_from(&server, "203.0.113.5").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A spoofed hop to the left of the real one changes nothing.
    assert_eq!(
        failed_login_from(&server, "198.51.100.1, 203.0.113.5").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same proxy logs in, and its address is in the history.
    let resp = server
        .client
        .post(format!("{}/auth", server.url))
        .header("x-forwarded-for", "198.51.100.9")
        .json(&json!({"username": "alice@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let alice = server.login("alice@example.com").await;
    let events = history(&server, &alice).await;
    assert!(
        events
            .iter()
            .any(|e| e.to_string().contains("198.51.100.9")),
        "{events:?}"
    );

    // Not trusted: every request is the connection's address, whatever the header says.
    let server = TestServer::start().await;
    for i in 0..ferry_core::security::LOGIN_FAILURE_LIMIT {
        let status = failed_login_from(&server, &format!("203.0.113.{i}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        failed_login_from(&server, "192.0.2.77").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
