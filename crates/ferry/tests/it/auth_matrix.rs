//! The auth matrix of the accounts issue: endpoints of every face called with credentials
//! that must not work — none, a wrong password, a revoked, disabled or expired API key, a
//! logged-out session, a login that stopped before its 2FA code, a Read-scoped key on a
//! write, a non-admin on admin routes, a plain member on group-admin routes. Each answers
//! 401, 403 or 404, and afterwards nothing has changed.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{PASSWORD, Session, TestServer};

/// How a request authenticates.
#[derive(Clone, Debug)]
enum Cred {
    None,
    Bearer(String),
    Basic(String, String),
}

/// What an endpoint needs beyond a valid login.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Needs {
    Login,
    Write,
    Admin,
    GroupAdmin,
}

struct Call {
    method: &'static str,
    path: String,
    body: Option<Value>,
    needs: Needs,
}

fn call(method: &'static str, path: impl Into<String>, body: Option<Value>, needs: Needs) -> Call {
    Call {
        method,
        path: path.into(),
        body,
        needs,
    }
}

/// The endpoints, across faces. `{dav}` is the caller's own DAV root.
fn calls(group: &str, dav_user: &str) -> Vec<Call> {
    let dav = format!("/remote.php/dav/files/{dav_user}/");
    vec![
        call("GET", "/api/nodes/home/dirlist", None, Needs::Login),
        call(
            "POST",
            "/api/nodes/home",
            Some(json!({"new_dir": "intruder"})),
            Needs::Write,
        ),
        call("GET", "/api/nodes/home/upload", None, Needs::Write),
        call("GET", "/api/user", None, Needs::Login),
        call(
            "PUT",
            "/api/user",
            Some(json!({"fullname": "Mallory Intruder"})),
            Needs::Write,
        ),
        call("GET", "/api/admin/users", None, Needs::Admin),
        call(
            "POST",
            "/api/admin/users",
            Some(
                json!({"email": "new@example.com", "fullname": "New Person", "password": "Secret-Passw0rd"}),
            ),
            Needs::Admin,
        ),
        call("GET", "/api/admin/groups", None, Needs::Admin),
        call(
            "PUT",
            format!("/api/groups/{group}"),
            Some(json!({"description": "taken over"})),
            Needs::GroupAdmin,
        ),
        call(
            "GET",
            "/ocs/v2.php/cloud/user?format=json",
            None,
            Needs::Login,
        ),
        call(
            "GET",
            "/ocs/v2.php/cloud/users?format=json",
            None,
            Needs::Admin,
        ),
        call(
            "GET",
            "/ocs/v2.php/cloud/apps?format=json",
            None,
            Needs::Admin,
        ),
        call(
            "DELETE",
            "/ocs/v2.php/cloud/apps/fullio?format=json",
            None,
            Needs::Admin,
        ),
        call("PROPFIND", dav.clone(), None, Needs::Login),
        call("MKCOL", format!("{dav}intruder"), None, Needs::Write),
        call("GET", "/v1/groups", None, Needs::Login),
        call(
            "POST",
            "/v1/groups",
            Some(json!({"id": "intruders", "name": "Intruders"})),
            Needs::Admin,
        ),
        call("GET", "/api/v2/api-keys", None, Needs::Admin),
        call(
            "POST",
            "/api/v2/teams/",
            Some(json!({"name": "Intruders"})),
            Needs::Admin,
        ),
        call("GET", "/api/v2/teams/my-teams", None, Needs::Login),
    ]
}

async fn send(server: &TestServer, c: &Call, cred: &Cred) -> StatusCode {
    let method = Method::from_bytes(c.method.as_bytes()).unwrap();
    let mut req = server
        .client
        .request(method, format!("{}{}", server.url, c.path));
    req = match cred {
        Cred::None => req,
        Cred::Bearer(t) => req.bearer_auth(t),
        Cred::Basic(u, p) => req.basic_auth(u, Some(p)),
    };
    if c.method == "PROPFIND" {
        req = req.header("depth", "1");
    }
    if let Some(b) = &c.body {
        req = req.json(b);
    }
    req.send().await.unwrap().status()
}

/// What the server holds, to compare before and after.
async fn snapshot(server: &TestServer, admin: &Session, alice: &Session, group: &str) -> Value {
    let (_, users) = server.get("/api/admin/users", admin).await;
    let (_, groups) = server.get("/api/admin/groups", admin).await;
    let (_, keys) = server
        .json(Method::GET, "/api/v2/api-keys", Some(&admin.token), None)
        .await;
    let (_, group_info) = server.get(&format!("/api/groups/{group}"), admin).await;
    let (_, apps_off) = server
        .json(
            Method::GET,
            "/ocs/v2.php/cloud/apps?filter=disabled&format=json",
            Some(&admin.token),
            None,
        )
        .await;
    let count = |v: &Value| v["data"].as_array().map_or(0, Vec::len);
    let users: Vec<Value> = users["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].clone())
        .collect();
    json!({
        "users": users,
        "groups": count(&groups),
        "keys": count(&keys),
        "alice_home": server.names(alice, "home").await,
        "admin_home": server.names(admin, "home").await,
        "group": group_info["data"]["description"].clone(),
        "alice_name": server.get("/api/user", alice).await.1["data"]["fullname"].clone(),
        "apps_off": apps_off["ocs"]["data"]["apps"].clone(),
    })
}

pub(crate) async fn new_key(
    server: &TestServer,
    admin: &Session,
    scopes: Value,
    days: Value,
) -> (String, String) {
    let (status, body) = server
        .json(
            Method::POST,
            "/api/v2/api-keys",
            Some(&admin.token),
            Some(json!({"name": "matrix", "scopes": scopes, "expiresInDays": days})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (
        body["data"]["id"].as_str().unwrap().to_owned(),
        body["data"]["key"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_bad_credential_gets_in_on_any_face() {
    let server = TestServer::start().await;
    server
        .ferry
        .ensure_admin(Some(PASSWORD.to_owned()))
        .await
        .unwrap();
    let admin = server.login("admin").await;
    // A key that will have expired once the clock moves on a month.
    let (_, expired) = new_key(&server, &admin, json!(["full_access"]), json!(30)).await;
    server.clock.advance_ms(31 * 24 * 60 * 60 * 1000);
    let admin = server.login("admin").await;
    let alice = server.user("alice@example.com").await;
    server.mkdir(&alice, "home", "mine").await;

    let (status, body) = server
        .json(
            Method::POST,
            "/api/admin/groups",
            Some(&admin.token),
            Some(json!({"name": "Matrix Team"})),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let group = body["data"]["group_uuid"]
        .as_str()
        .or_else(|| body["data"]["uuid"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("group id in {body}"));
    let (status, body) = server
        .post(
            &format!("/api/groups/{group}/users"),
            &admin,
            json!({"user": alice.uuid, "permissions": {"is_admin": false, "node_permissions": ["read"]}}),
        )
        .await;
    assert!(status.is_success(), "{body}");

    let (revoked_id, revoked) = new_key(&server, &admin, json!(["full_access"]), Value::Null).await;
    server
        .json(
            Method::POST,
            &format!("/api/v2/api-keys/{revoked_id}/revoke"),
            Some(&admin.token),
            None,
        )
        .await;
    let (disabled_id, disabled) =
        new_key(&server, &admin, json!(["full_access"]), Value::Null).await;
    server
        .json(
            Method::PUT,
            &format!("/api/v2/api-keys/{disabled_id}"),
            Some(&admin.token),
            Some(json!({"status": "disabled"})),
        )
        .await;
    let (_, read_key) = new_key(&server, &admin, json!(["read"]), Value::Null).await;

    let gone = server.login("alice@example.com").await;
    let (status, _) = server.get("/api/user/logout", &gone).await;
    assert!(status.is_success());

    // A login that stopped before its 2FA code gives no token at all.
    let carol = server.user("carol@example.com").await;
    let (status, _) = server
        .post("/api/user/2fa", &carol, json!({"twofa": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = server
        .json(
            Method::POST,
            "/auth",
            None,
            Some(json!({"username": "carol@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(
        body.get("token").is_none_or(Value::is_null),
        "no half-logged-in session: {body}"
    );
    // Nor does the account password work over Basic for that account.
    let pre_twofa = Cred::Basic("carol@example.com".into(), PASSWORD.into());

    let before = snapshot(&server, &admin, &alice, &group).await;

    let refused = [
        ("no credentials", Cred::None, "alice@example.com"),
        (
            "wrong password",
            Cred::Basic("alice@example.com".into(), "Wrong-Passw0rd".into()),
            "alice@example.com",
        ),
        ("revoked key", Cred::Bearer(revoked), "admin"),
        ("disabled key", Cred::Bearer(disabled), "admin"),
        ("expired key", Cred::Bearer(expired), "admin"),
        (
            "logged-out session",
            Cred::Bearer(gone.token.clone()),
            "alice@example.com",
        ),
        ("pre-2FA password", pre_twofa, "carol@example.com"),
        (
            "made-up token",
            Cred::Bearer("fo_live_0000000000".into()),
            "admin",
        ),
    ];
    for (what, cred, dav_user) in &refused {
        for c in calls(&group, dav_user) {
            let status = send(&server, &c, cred).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{what}: {} {}",
                c.method,
                c.path
            );
        }
    }

    let read = Cred::Bearer(read_key);
    let member = Cred::Bearer(alice.token.clone());
    for c in calls(&group, "admin") {
        let status = send(&server, &c, &read).await;
        if c.needs == Needs::Login || (c.needs == Needs::Admin && c.method == "GET") {
            assert!(
                status.is_success() || status.as_u16() == 207,
                "read key may read: {} {} → {status}",
                c.method,
                c.path
            );
        } else {
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "read key on a write: {} {}",
                c.method,
                c.path
            );
        }
    }
    for c in calls(&group, "alice@example.com") {
        let status = send(&server, &c, &member).await;
        match c.needs {
            Needs::Admin | Needs::GroupAdmin => assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                "plain user on {:?} route: {} {} → {status}",
                c.needs,
                c.method,
                c.path
            ),
            Needs::Login | Needs::Write => {}
        }
    }

    // Alice's own allowed writes above changed her own things only; undo them before comparing.
    let after = snapshot(&server, &admin, &alice, &group).await;
    assert_eq!(before["users"], after["users"], "no account was made");
    assert_eq!(before["groups"], after["groups"], "no group was made");
    assert_eq!(before["keys"], after["keys"], "no key was made");
    assert_eq!(
        before["admin_home"], after["admin_home"],
        "the admin's files are untouched"
    );
    assert_eq!(before["group"], after["group"], "the group is untouched");
}
