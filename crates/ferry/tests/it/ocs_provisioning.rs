//! The OCS provisioning API (`cloud/users…`, `cloud/groups…`) in JSON and XML, v1 and v2,
//! with parameters in the query, a form or JSON, who may do what, and the same users and
//! groups seen through the FileAgo face.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{PASSWORD, Session, TestServer};

/// Where a request's parameters go.
pub(crate) enum Body {
    None,
    Form(&'static [(&'static str, &'static str)]),
    Json(Value),
}

/// An OCS call with Basic auth (`user` None: no credentials) asking for JSON; returns the
/// HTTP status and the parsed envelope.
pub(crate) async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    user: Option<&str>,
    body: Body,
) -> (StatusCode, Value) {
    let (status, text) = call_raw(server, method, path, user, body, true).await;
    let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, value)
}

pub(crate) async fn call_raw(
    server: &TestServer,
    method: Method,
    path: &str,
    user: Option<&str>,
    body: Body,
    json_reply: bool,
) -> (StatusCode, String) {
    let mut req = server
        .client
        .request(method, format!("{}{path}", server.url))
        .header("OCS-APIRequest", "true");
    if json_reply {
        req = req.header("accept", "application/json");
    }
    if let Some(u) = user {
        req = req.basic_auth(u, Some(PASSWORD));
    }
    req = match body {
        Body::None => req,
        Body::Form(pairs) => req
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(pairs)),
        Body::Json(v) => req.json(&v),
    };
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.text().await.unwrap())
}

/// `application/x-www-form-urlencoded` text, every byte but the unreserved ones escaped.
fn form(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub(crate) fn code(body: &Value) -> i64 {
    body["ocs"]["meta"]["statuscode"].as_i64().unwrap_or(-1)
}

/// Asserts a v2 failure: the HTTP status and the OCS code, in the envelope.
#[track_caller]
pub(crate) fn failed(status: StatusCode, body: &Value, http: u16, ocs: i64) {
    assert_eq!(status.as_u16(), http, "{body}");
    assert_eq!(body["ocs"]["meta"]["status"], "failure", "{body}");
    assert_eq!(code(body), ocs, "{body}");
}

#[track_caller]
pub(crate) fn ok(status: StatusCode, body: &Value) {
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ocs"]["meta"]["status"], "ok", "{body}");
}

pub(crate) async fn admin(server: &TestServer) -> Session {
    server
        .ferry
        .ensure_admin(Some(PASSWORD.to_owned()))
        .await
        .unwrap();
    server.login("admin").await
}

/// A user whose login name is not an email (the harness's users are named by email).
async fn plain(server: &TestServer, name: &str) -> String {
    let user = server
        .ferry
        .create_user(
            &ferry_core::Actor::System,
            ferry_core::accounts::NewUser {
                username: name.to_owned(),
                email: None,
                display_name: format!("User {name}"),
                password: PASSWORD.to_owned(),
                is_admin: false,
                quota_bytes: 0,
            },
        )
        .await
        .unwrap();
    user.id.to_string()
}

const V2: &str = "/ocs/v2.php";
const V1: &str = "/ocs/v1.php";

#[tokio::test]
async fn users_are_created_listed_read_edited_and_deleted() {
    let server = TestServer::start().await;
    admin(&server).await;
    let a = Some("admin");
    // Creation as nc-py-api sends it: a JSON body with lists.
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/groups"),
        a,
        Body::Form(&[("groupid", "staff"), ("displayname", "Staff")]),
    )
    .await;
    ok(status, &body);
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users"),
        a,
        Body::Json(json!({
            "userid": "carol", "password": PASSWORD, "email": "carol@example.com",
            "displayName": "Carol Smith", "groups": ["staff"], "quota": "1 GB", "language": "de",
        })),
    )
    .await;
    ok(status, &body);
    assert_eq!(code(&body), 200);
    assert_eq!(body["ocs"]["data"]["id"], "carol");
    // The same name again: 102, exists.
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users"),
        a,
        Body::Json(json!({"userid": "carol", "password": PASSWORD})),
    )
    .await;
    failed(status, &body, 400, 102);
    // Parameters in the query string, as nc-py-api sends most.
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V1}/cloud/users?userid=dave&password={PASSWORD}&groups[]=staff"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    assert_eq!(code(&body), 100);

    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    assert_eq!(
        body["ocs"]["data"]["users"],
        json!(["admin", "carol", "dave"])
    );
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users?search=CAR&limit=5&offset=0"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["users"], json!(["carol"]));
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users?limit=1&offset=1"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["users"], json!(["carol"]));

    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/carol"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let d = &body["ocs"]["data"];
    assert_eq!(d["id"], "carol");
    assert_eq!(d["enabled"], true);
    assert_eq!(d["email"], "carol@example.com");
    assert_eq!(d["displayname"], "Carol Smith");
    assert_eq!(d["display-name"], "Carol Smith");
    assert_eq!(d["groups"], json!(["staff"]));
    assert_eq!(d["subadmin"], json!([]));
    assert_eq!(d["language"], "de");
    assert_eq!(d["quota"]["quota"], 1_073_741_824i64);
    assert_eq!(d["backend"], "Database");

    // key/value edits, from the query, a form and JSON.
    for (key, value, field, expected) in [
        ("email", "c@example.org", "email", json!("c@example.org")),
        ("displayname", "Carol S", "displayname", json!("Carol S")),
        ("display", "Carol T", "displayname", json!("Carol T")),
        ("phone", "+1 555", "phone", json!("+1 555")),
        ("address", "Main St 1", "address", json!("Main St 1")),
        (
            "website",
            "https://c.example",
            "website",
            json!("https://c.example"),
        ),
        ("twitter", "@carol", "twitter", json!("@carol")),
        ("language", "fr", "language", json!("fr")),
    ] {
        let (status, body) = call(
            &server,
            Method::PUT,
            &format!("{V1}/cloud/users/carol"),
            a,
            Body::Json(json!({"key": key, "value": value})),
        )
        .await;
        ok(status, &body);
        let (_, body) = call(
            &server,
            Method::GET,
            &format!("{V1}/cloud/users/carol"),
            a,
            Body::None,
        )
        .await;
        assert_eq!(body["ocs"]["data"][field], expected, "{key}");
    }
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("{V2}/cloud/users/carol?key=quota&value=none"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/carol"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["quota"]["quota"], -3);
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("{V2}/cloud/users/carol"),
        a,
        Body::Form(&[("key", "password"), ("value", "An0ther-Passw0rd")]),
    )
    .await;
    ok(status, &body);
    let resp = server
        .client
        .get(format!("{}{V2}/cloud/user?format=json", server.url))
        .basic_auth("carol", Some("An0ther-Passw0rd"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // Bad input: an unknown key, a bad email, a bad quota, a short password.
    for (key, value) in [
        ("shoesize", "44"),
        ("email", "not-an-email"),
        ("quota", "lots"),
        ("password", "short"),
    ] {
        let (status, body) = call(
            &server,
            Method::PUT,
            &format!("{V2}/cloud/users/dave"),
            a,
            Body::Json(json!({"key": key, "value": value})),
        )
        .await;
        failed(status, &body, 400, 101);
    }

    // Disable and enable.
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("{V2}/cloud/users/dave/disable"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/dave"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["enabled"], false);
    let (status, _) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/user"),
        Some("dave"),
        Body::None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("{V1}/cloud/users/dave/enable"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (status, _) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/user"),
        Some("dave"),
        Body::None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Delete; afterwards 998 (v2: 404; v1: HTTP 200).
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{V2}/cloud/users/dave"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/dave"),
        a,
        Body::None,
    )
    .await;
    failed(status, &body, 404, 998);
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{V1}/cloud/users/dave"),
        a,
        Body::None,
    )
    .await;
    failed(status, &body, 200, 998);
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{V2}/cloud/users/admin"),
        a,
        Body::None,
    )
    .await;
    assert!(status.is_client_error(), "{body}");
}

#[tokio::test]
async fn bad_input_is_a_4xx_in_the_envelope() {
    let server = TestServer::start().await;
    admin(&server).await;
    let a = Some("admin");
    let cases: Vec<(Method, String, Body, u16, i64)> = vec![
        (
            Method::POST,
            format!("{V2}/cloud/users"),
            Body::Json(json!({"password": PASSWORD})),
            400,
            101,
        ),
        (
            Method::POST,
            format!("{V2}/cloud/users"),
            Body::Json(json!({"userid": "x1"})),
            400,
            101,
        ),
        (
            Method::POST,
            format!("{V2}/cloud/users"),
            Body::Json(json!({"userid": "bad name", "password": PASSWORD})),
            400,
            101,
        ),
        (
            Method::POST,
            format!("{V2}/cloud/users"),
            Body::Json(json!({"userid": "ok1", "password": PASSWORD, "groups": ["nope"]})),
            400,
            104,
        ),
        (
            Method::POST,
            format!("{V2}/cloud/users"),
            Body::Json(json!({"userid": "ok2", "password": PASSWORD, "quota": "many"})),
            400,
            101,
        ),
        (
            Method::POST,
            format!("{V2}/cloud/users"),
            Body::Json(json!({"userid": "ok3", "password": PASSWORD, "language": "e n"})),
            400,
            101,
        ),
        (
            Method::GET,
            format!("{V2}/cloud/users?limit=abc"),
            Body::None,
            400,
            101,
        ),
        (
            Method::POST,
            format!("{V2}/cloud/groups"),
            Body::None,
            400,
            101,
        ),
        (
            Method::POST,
            format!("{V2}/cloud/groups"),
            Body::Form(&[("groupid", "Not A Slug")]),
            400,
            101,
        ),
        (
            Method::GET,
            format!("{V2}/cloud/groups/nope"),
            Body::None,
            400,
            104,
        ),
        (
            Method::GET,
            format!("{V2}/cloud/groups/nope/subadmins"),
            Body::None,
            400,
            104,
        ),
        (
            Method::DELETE,
            format!("{V2}/cloud/groups/nope"),
            Body::None,
            400,
            104,
        ),
        (
            Method::POST,
            format!("{V2}/cloud/users/admin/groups"),
            Body::None,
            400,
            101,
        ),
        (
            Method::POST,
            format!("{V2}/cloud/users/admin/groups"),
            Body::Form(&[("groupid", "nope")]),
            400,
            104,
        ),
        (
            Method::GET,
            format!("{V2}/cloud/users/nobody"),
            Body::None,
            404,
            998,
        ),
        (
            Method::PUT,
            format!("{V2}/cloud/users/admin"),
            Body::None,
            400,
            101,
        ),
        (
            Method::PUT,
            format!("{V2}/cloud/users/admin/disable"),
            Body::None,
            400,
            101,
        ),
    ];
    for (method, path, body, http, ocs) in cases {
        let (status, reply) = call(&server, method.clone(), &path, a, body).await;
        failed(status, &reply, http, ocs);
        assert!(status.is_client_error(), "{method} {path}");
    }
    // Malformed JSON and a body type nobody sends.
    let resp = server
        .client
        .post(format!("{}{V2}/cloud/users?format=json", server.url))
        .basic_auth("admin", Some(PASSWORD))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), 101);
    let resp = server
        .client
        .post(format!("{}{V1}/cloud/groups", server.url))
        .basic_auth("admin", Some(PASSWORD))
        .header("content-type", "text/plain")
        .body("groupid=x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "v1 keeps HTTP 200");
    let text = resp.text().await.unwrap();
    assert!(text.contains("<statuscode>101</statuscode>"), "{text}");
    // No credentials: 401 on both versions, before the body is looked at.
    for base in [V1, V2] {
        let (status, body) = call(
            &server,
            Method::POST,
            &format!("{base}/cloud/users"),
            None,
            Body::Json(json!([])),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(code(&body), 997);
    }
}

#[tokio::test]
async fn groups_members_and_subadmins_in_json_and_xml() {
    let server = TestServer::start().await;
    admin(&server).await;
    plain(&server, "erin").await;
    plain(&server, "frank").await;
    let a = Some("admin");
    for (id, name) in [("design", "Design Team"), ("ops", "")] {
        let (status, body) = call(
            &server,
            Method::POST,
            &format!("{V2}/cloud/groups?groupid={id}&displayname={name}"),
            a,
            Body::None,
        )
        .await;
        ok(status, &body);
    }
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/groups"),
        a,
        Body::Json(json!({"groupid": "ops"})),
    )
    .await;
    failed(status, &body, 400, 102);
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["groups"], json!(["design", "ops"]));
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups?search=OP&limit=10&offset=0"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["groups"], json!(["ops"]));
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups?limit=1&offset=1"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["groups"], json!(["ops"]));

    // Members: both documents' spellings.
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users/erin/groups"),
        a,
        Body::Form(&[("groupid", "design")]),
    )
    .await;
    ok(status, &body);
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V1}/cloud/groups/design/users/frank"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    // Adding again is fine (Nextcloud answers success).
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users/erin/groups?groupid=design"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups/design"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["users"], json!(["erin", "frank"]));
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups/design/users"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["users"], json!(["erin", "frank"]));
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/erin/groups"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["groups"], json!(["design"]));

    // Subadmins.
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users/erin/subadmins"),
        a,
        Body::Json(json!({"groupid": "design"})),
    )
    .await;
    ok(status, &body);
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users/frank/subadmins?groupid=ops"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/erin/subadmins"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"], json!(["design"]));
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups/design/subadmins"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"], json!(["erin"]));
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups/ops"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(
        body["ocs"]["data"]["users"],
        json!(["frank"]),
        "a new subadmin joins the group"
    );
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/erin"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["subadmin"], json!(["design"]));
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{V2}/cloud/users/frank/subadmins?groupid=ops"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{V2}/cloud/users/frank/subadmins?groupid=ops"),
        a,
        Body::None,
    )
    .await;
    failed(status, &body, 400, 101);

    // Details.
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups/details"),
        a,
        Body::None,
    )
    .await;
    let first = &body["ocs"]["data"]["groups"][0];
    assert_eq!(first["id"], "design");
    assert_eq!(first["displayname"], "Design Team");
    assert_eq!(first["usercount"], 2);
    assert_eq!(first["canAdd"], true);

    // XML, v1 and v2.
    let (status, xml) = call_raw(
        &server,
        Method::GET,
        &format!("{V1}/cloud/groups/design"),
        a,
        Body::None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.contains("<statuscode>100</statuscode>"), "{xml}");
    assert!(
        xml.contains("<users><element>erin</element><element>frank</element></users>"),
        "{xml}"
    );
    let (status, xml) = call_raw(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/erin"),
        a,
        Body::None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.contains("<statuscode>200</statuscode>"), "{xml}");
    assert!(xml.contains("<id>erin</id>"), "{xml}");
    let (status, xml) = call_raw(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups/nope"),
        a,
        Body::None,
        false,
    )
    .await;
    // Nextcloud's v2 rule: an OCS code below 200 is HTTP 400.
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(xml.contains("<statuscode>104</statuscode>"), "{xml}");
    let (status, xml) = call_raw(
        &server,
        Method::GET,
        &format!("{V1}/cloud/groups/nope"),
        a,
        Body::None,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.contains("<statuscode>104</statuscode>"), "{xml}");

    // Rename keeps the id; remove members; delete the group.
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("{V2}/cloud/groups/design?key=displayname&value=Designers"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups/details?search=design"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["groups"][0]["displayname"], "Designers");
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{V2}/cloud/users/erin/groups?groupid=design"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{V2}/cloud/groups/design/users/frank"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups/design"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["users"], json!([]));
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{V2}/cloud/groups/design"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["groups"], json!(["ops"]));
}

#[tokio::test]
async fn subadmins_manage_their_members_and_others_are_refused() {
    let server = TestServer::start().await;
    admin(&server).await;
    for name in ["gina", "hank", "ivan", "judy"] {
        plain(&server, name).await;
    }
    let a = Some("admin");
    for g in ["team", "other"] {
        call(
            &server,
            Method::POST,
            &format!("{V2}/cloud/groups?groupid={g}"),
            a,
            Body::None,
        )
        .await;
    }
    call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users/gina/subadmins?groupid=team"),
        a,
        Body::None,
    )
    .await;
    call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users/hank/groups?groupid=team"),
        a,
        Body::None,
    )
    .await;
    call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users/judy/groups?groupid=other"),
        a,
        Body::None,
    )
    .await;
    let g = Some("gina");

    // Gina lists, reads and edits her members (not admin, not outsiders).
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users"),
        g,
        Body::None,
    )
    .await;
    ok(status, &body);
    assert_eq!(body["ocs"]["data"]["users"], json!(["gina", "hank"]));
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/hank"),
        g,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("{V2}/cloud/users/hank?key=quota&value=1GB"),
        g,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("{V2}/cloud/users/hank/disable"),
        g,
        Body::None,
    )
    .await;
    ok(status, &body);
    for path in ["judy", "admin", "nobody"] {
        let (status, body) = call(
            &server,
            Method::GET,
            &format!("{V2}/cloud/users/{path}"),
            g,
            Body::None,
        )
        .await;
        failed(status, &body, 403, 403);
        let (status, body) = call(
            &server,
            Method::PUT,
            &format!("{V2}/cloud/users/{path}?key=email&value=x@y.z"),
            g,
            Body::None,
        )
        .await;
        failed(status, &body, 403, 403);
    }
    // She adds an outsider to her group, but not to a group she does not administer.
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/groups/team/users/ivan"),
        g,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users/ivan/groups?groupid=other"),
        g,
        Body::None,
    )
    .await;
    failed(status, &body, 400, 104);
    // She creates accounts only inside her groups, and appoints no subadmins.
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users"),
        g,
        Body::Json(json!({"userid": "kim", "password": PASSWORD})),
    )
    .await;
    failed(status, &body, 400, 101);
    let (status, body) = call(&server, Method::POST, &format!("{V2}/cloud/users"), g, Body::Json(json!({"userid": "kim", "password": PASSWORD, "groups": ["team"], "subadmin": ["team"]}))).await;
    failed(status, &body, 403, 403);
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users"),
        g,
        Body::Json(json!({"userid": "kim", "password": PASSWORD, "groups": ["team"]})),
    )
    .await;
    ok(status, &body);
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users/kim/subadmins?groupid=team"),
        g,
        Body::None,
    )
    .await;
    failed(status, &body, 403, 403);
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{V2}/cloud/users/kim"),
        g,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/groups?groupid=mine"),
        g,
        Body::None,
    )
    .await;
    failed(status, &body, 403, 403);
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{V2}/cloud/groups/team"),
        g,
        Body::None,
    )
    .await;
    failed(status, &body, 403, 403);

    // A plain user reads and edits only themself; v1 answers the refusal with HTTP 200.
    let j = Some("judy");
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users"),
        j,
        Body::None,
    )
    .await;
    failed(status, &body, 403, 403);
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{V1}/cloud/users"),
        j,
        Body::None,
    )
    .await;
    failed(status, &body, 200, 403);
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/judy"),
        j,
        Body::None,
    )
    .await;
    ok(status, &body);
    assert_eq!(body["ocs"]["data"]["groups"], json!(["other"]));
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("{V2}/cloud/users/judy?key=displayname&value=Judy+J"),
        j,
        Body::None,
    )
    .await;
    ok(status, &body);
    for (method, path) in [
        (Method::GET, "cloud/users/gina"),
        (Method::PUT, "cloud/users/judy?key=quota&value=5GB"),
        (Method::PUT, "cloud/users/judy/disable"),
        (Method::DELETE, "cloud/users/gina"),
        (
            Method::POST,
            "cloud/users?userid=zed&password=Secret-Passw0rd",
        ),
        (Method::POST, "cloud/groups?groupid=zed"),
        (Method::POST, "cloud/users/judy/subadmins?groupid=other"),
    ] {
        let (status, body) = call(
            &server,
            method.clone(),
            &format!("{V2}/{path}"),
            j,
            Body::None,
        )
        .await;
        failed(status, &body, 403, 403);
    }
    // Her own groups only; another group does not exist for her.
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups"),
        j,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["groups"], json!(["other"]));
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups/team"),
        j,
        Body::None,
    )
    .await;
    failed(status, &body, 400, 104);
}

#[tokio::test]
async fn users_and_groups_are_the_same_through_fileago() {
    let server = TestServer::start().await;
    let root = admin(&server).await;
    let a = Some("admin");
    // A user made through the FileAgo admin API is listed by OCS, by login name.
    let (status, body) = server
        .post(
            "/api/admin/users",
            &root,
            json!({"fullname": "Lena Lind", "email": "lena@example.com", "password": "Passw0rd123",
                   "disk_quota": 0, "is_active": true, "is_admin": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let lena_uuid = body["data"]["uuid"].as_str().unwrap().to_owned();
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users"),
        a,
        Body::None,
    )
    .await;
    let users = body["ocs"]["data"]["users"].as_array().unwrap().clone();
    assert_eq!(users.len(), 2, "{body}");
    let lena = users
        .iter()
        .find(|u| *u != "admin")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/{lena}"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["displayname"], "Lena Lind");

    // A group made through OCS is a FileAgo group.
    call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/groups?groupid=research&displayname=Research"),
        a,
        Body::None,
    )
    .await;
    let (status, body) = server.get("/api/admin/groups", &root).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let group = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group_name"] == "Research")
        .unwrap()
        .clone();
    assert_eq!(group["slug"], "research");
    let group_uuid = group["group_uuid"].as_str().unwrap().to_owned();

    // A member added through OCS is a member through FileAgo, and the other way round.
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/groups/research/users/{lena}"),
        a,
        Body::None,
    )
    .await;
    ok(status, &body);
    let (status, body) = server
        .get(&format!("/api/admin/groups/{group_uuid}/users"), &root)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.to_string().contains(&lena_uuid), "{body}");
    let mia = plain(&server, "mia").await;
    let (status, body) = server
        .post(
            &format!("/api/admin/groups/{group_uuid}/users"),
            &root,
            json!({"user": mia}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The group's uuid works as its OCS id too.
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups/{group_uuid}/users"),
        a,
        Body::None,
    )
    .await;
    let mut members: Vec<String> = body["ocs"]["data"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    members.sort();
    let mut expected = vec![lena.clone(), "mia".to_owned()];
    expected.sort();
    assert_eq!(members, expected);
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/mia/groups"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["groups"], json!(["research"]));
    // Removed through OCS: gone from FileAgo's list.
    call(
        &server,
        Method::DELETE,
        &format!("{V2}/cloud/users/mia/groups?groupid=research"),
        a,
        Body::None,
    )
    .await;
    let (_, body) = server
        .get(&format!("/api/admin/groups/{group_uuid}/users"), &root)
        .await;
    assert!(!body.to_string().contains(&mia), "{body}");
}

#[tokio::test]
async fn cloud_user_shares_the_provisioning_rendering() {
    let server = TestServer::start().await;
    admin(&server).await;
    plain(&server, "nora").await;
    call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/groups?groupid=crew"),
        Some("admin"),
        Body::None,
    )
    .await;
    call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users/nora/subadmins?groupid=crew"),
        Some("admin"),
        Body::None,
    )
    .await;
    let (_, mine) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/user"),
        Some("nora"),
        Body::None,
    )
    .await;
    let (_, theirs) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/nora"),
        Some("admin"),
        Body::None,
    )
    .await;
    assert_eq!(mine["ocs"]["data"], theirs["ocs"]["data"]);
    assert_eq!(mine["ocs"]["data"]["groups"], json!(["crew"]));
    assert_eq!(mine["ocs"]["data"]["subadmin"], json!(["crew"]));
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{V1}/cloud/user/fields"),
        Some("nora"),
        Body::None,
    )
    .await;
    ok(status, &body);
    assert!(
        body["ocs"]["data"]
            .as_array()
            .unwrap()
            .contains(&json!("displayname"))
    );
}

/// Every provisioning route: 401 (997) without credentials on both versions, and an
/// administrator's Read-scoped API key reads but changes nothing (403, 403).
#[tokio::test]
async fn no_credentials_and_read_keys_change_nothing() {
    let server = TestServer::start().await;
    let root = admin(&server).await;
    plain(&server, "olga").await;
    let a = Some("admin");
    call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/groups?groupid=grp1"),
        a,
        Body::None,
    )
    .await;
    call(
        &server,
        Method::POST,
        &format!("{V2}/cloud/users/olga/groups?groupid=grp1"),
        a,
        Body::None,
    )
    .await;
    let (status, body) = server
        .post(
            "/api/v2/api-keys",
            &root,
            json!({"name": "Reader", "scopes": ["Read"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let key = body["data"]["key"].as_str().unwrap().to_owned();
    let reads = [
        "cloud/users",
        "cloud/users/olga",
        "cloud/users/olga/groups",
        "cloud/users/olga/subadmins",
        "cloud/user/fields",
        "cloud/groups",
        "cloud/groups/details",
        "cloud/groups/grp1",
        "cloud/groups/grp1/users",
        "cloud/groups/grp1/subadmins",
    ];
    let writes = [
        (
            Method::POST,
            "cloud/users?userid=zoe&password=Secret-Passw0rd",
        ),
        (Method::PUT, "cloud/users/olga?key=displayname&value=Olga+O"),
        (Method::PUT, "cloud/users/olga/disable"),
        (Method::PUT, "cloud/users/olga/enable"),
        (Method::DELETE, "cloud/users/olga"),
        (Method::POST, "cloud/users/olga/groups?groupid=grp1"),
        (Method::DELETE, "cloud/users/olga/groups?groupid=grp1"),
        (Method::POST, "cloud/users/olga/subadmins?groupid=grp1"),
        (Method::DELETE, "cloud/users/olga/subadmins?groupid=grp1"),
        (Method::POST, "cloud/groups?groupid=grp2"),
        (Method::PUT, "cloud/groups/grp1?key=displayname&value=Other"),
        (Method::DELETE, "cloud/groups/grp1"),
        (Method::POST, "cloud/groups/grp1/users/olga"),
        (Method::DELETE, "cloud/groups/grp1/users/olga"),
    ];
    let everything = reads
        .iter()
        .map(|p| (Method::GET, *p))
        .chain(writes.iter().cloned());
    for (method, path) in everything {
        for base in [V1, V2] {
            let (status, body) = call(
                &server,
                method.clone(),
                &format!("{base}/{path}"),
                None,
                Body::None,
            )
            .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {base}/{path}");
            assert_eq!(code(&body), 997, "{method} {path}");
        }
    }
    let with_key = |method: Method, path: &str| {
        server
            .client
            .request(method, format!("{}{V2}/{path}", server.url))
            .header("accept", "application/json")
            .bearer_auth(&key)
            .send()
    };
    for path in reads {
        let resp = with_key(Method::GET, path).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "GET {path}");
    }
    for (method, path) in writes {
        let resp = with_key(method, path).await.unwrap();
        let status = resp.status();
        let body: Value = resp.json().await.unwrap();
        failed(status, &body, 403, 403);
    }
    // Nothing changed.
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["users"], json!(["admin", "olga"]));
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/groups/grp1"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["users"], json!(["olga"]));
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{V2}/cloud/users/olga"),
        a,
        Body::None,
    )
    .await;
    assert_eq!(body["ocs"]["data"]["displayname"], "User olga");
    assert_eq!(body["ocs"]["data"]["enabled"], true);
}
