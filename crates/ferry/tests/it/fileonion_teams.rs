//! FileOnion teams at `/api/v2/teams…`: every endpoint with a session token and with an API
//! key, the rate-limit headers on key calls, a Read key refused every change, bad input
//! answered 4xx in the `{data, meta}` envelope, and teams being the very groups FileAgo
//! shows (members added on either face are members on both).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Session, TestServer};

async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    server.json(method, path, Some(token), body).await
}

fn assert_envelope_error(status: StatusCode, body: &Value, expected: u16) {
    assert_eq!(status.as_u16(), expected, "{body}");
    assert!(body["data"].is_null(), "{body}");
    assert_eq!(body["meta"]["status"], expected, "{body}");
    assert!(
        body["meta"]["error"]["code"]
            .as_str()
            .is_some_and(|c| !c.is_empty()),
        "{body}"
    );
}

/// An API key made by the caller with `scopes`.
async fn key(server: &TestServer, token: &str, scopes: Value) -> String {
    let (status, body) = call(
        server,
        Method::POST,
        "/api/v2/api-keys",
        token,
        Some(json!({"name": "Teams", "scopes": scopes, "expiresInDays": null})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["data"]["key"].as_str().unwrap().to_owned()
}

async fn create_team(server: &TestServer, token: &str, name: &str) -> String {
    let (status, body) = call(
        server,
        Method::POST,
        "/api/v2/teams/",
        token,
        Some(json!({"name": name, "description": "The team for tests"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["data"]["id"].as_str().unwrap().to_owned()
}

fn ids(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs the whole teams story with `token` standing for the administrator (a session
/// token or a full-access key).
async fn every_endpoint(server: &TestServer, token: &str, member: &Session, member_id: &str) {
    let (status, body) = call(
        server,
        Method::POST,
        "/api/v2/teams/",
        token,
        Some(json!({"name": "Design Team", "description": "Makes things pretty"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let team = &body["data"];
    let id = team["id"].as_str().unwrap().to_owned();
    assert_eq!(team["name"], "Design Team");
    assert_eq!(team["slug"], "design-team");
    assert_eq!(team["description"], "Makes things pretty");
    assert_eq!(team["memberCount"], 0);
    assert!(team["role"].is_null(), "{team}");
    assert!(team["createdAt"].as_i64().unwrap() > 1_600_000_000_000);
    assert!(id.parse::<uuid::Uuid>().is_ok());

    for path in ["/api/v2/teams/", "/api/v2/teams"] {
        let (status, body) = call(server, Method::GET, path, token, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["meta"]["total"], 1, "{body}");
        assert_eq!(ids(&body), vec![id.clone()]);
    }
    let (status, body) = call(server, Method::GET, "/api/v2/teams/my-teams", token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["meta"]["total"], 0,
        "the creator is not a member: {body}"
    );

    let team_path = format!("/api/v2/teams/{id}");
    let (status, body) = call(server, Method::GET, &team_path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["name"], "Design Team");

    let (status, body) = call(
        server,
        Method::PUT,
        &team_path,
        token,
        Some(json!({"name": "Product Design"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["name"], "Product Design");
    assert_eq!(body["data"]["description"], "Makes things pretty");
    assert_eq!(body["data"]["slug"], "design-team", "the slug is kept");
    let (status, body) = call(
        server,
        Method::PUT,
        &team_path,
        token,
        Some(json!({"description": null})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["data"]["description"].is_null(), "{body}");

    let members_path = format!("{team_path}/members");
    let (status, body) = call(
        server,
        Method::POST,
        &members_path,
        token,
        Some(json!({"userId": member_id, "role": "admin"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["userId"], member_id);
    assert_eq!(body["data"]["teamId"], id.as_str());
    assert_eq!(body["data"]["role"], "admin");
    let (status, body) = call(
        server,
        Method::POST,
        &members_path,
        token,
        Some(json!({"userId": member_id})),
    )
    .await;
    assert_envelope_error(status, &body, 409);

    let (status, body) = call(server, Method::GET, &members_path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["meta"]["total"], 1);
    assert_eq!(body["data"][0]["userId"], member_id);
    assert_eq!(body["data"][0]["role"], "admin");
    assert!(body["data"][0]["joinedAt"].as_i64().unwrap() > 1_600_000_000_000);

    // The member sees it among their teams, with their role.
    let (status, body) = server.get("/api/v2/teams/my-teams", member).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ids(&body), vec![id.clone()]);
    assert_eq!(body["data"][0]["role"], "admin");
    assert_eq!(body["data"][0]["memberCount"], 1);

    let (status, body) = call(
        server,
        Method::DELETE,
        &format!("{members_path}/{member_id}"),
        token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, body) = call(server, Method::GET, &members_path, token, None).await;
    assert_eq!(body["meta"]["total"], 0);
    let (status, body) = call(
        server,
        Method::DELETE,
        &format!("{members_path}/{member_id}"),
        token,
        None,
    )
    .await;
    assert_envelope_error(status, &body, 404);

    let (status, body) = call(server, Method::DELETE, &team_path, token, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body) = call(server, Method::GET, &team_path, token, None).await;
    assert_envelope_error(status, &body, 404);
    let (_, body) = call(server, Method::GET, "/api/v2/teams/", token, None).await;
    assert_eq!(body["meta"]["total"], 0);
}

#[tokio::test]
async fn every_endpoint_with_a_session_token() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let member = server.user("mia@example.com").await;
    every_endpoint(&server, &root.token, &member, &member.uuid).await;
}

#[tokio::test]
async fn every_endpoint_with_an_api_key_and_rate_limit_headers() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let member = server.user("mia@example.com").await;
    let key = key(&server, &root.token, json!(["read", "write"])).await;
    every_endpoint(&server, &key, &member, &member.uuid).await;

    let id = create_team(&server, &key, "Keyed Team").await;
    for (method, path) in [
        (Method::GET, "/api/v2/teams/".to_owned()),
        (Method::GET, "/api/v2/teams/my-teams".to_owned()),
        (Method::GET, format!("/api/v2/teams/{id}")),
        (Method::GET, format!("/api/v2/teams/{id}/members")),
    ] {
        let resp = server
            .client
            .request(method, format!("{}{path}", server.url))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        for header in [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        ] {
            assert!(resp.headers().contains_key(header), "{path}: {header}");
        }
    }
}

#[tokio::test]
async fn a_read_key_changes_nothing() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let member = server.user("mia@example.com").await;
    let id = create_team(&server, &root.token, "Sales Team").await;
    let read = key(&server, &root.token, json!(["read"])).await;

    let (status, body) = call(&server, Method::GET, "/api/v2/teams/", &read, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["meta"]["total"], 1);

    let team_path = format!("/api/v2/teams/{id}");
    let attempts = [
        (
            Method::POST,
            "/api/v2/teams/".to_owned(),
            Some(json!({"name": "Sneaky Team"})),
        ),
        (
            Method::PUT,
            team_path.clone(),
            Some(json!({"name": "Renamed"})),
        ),
        (
            Method::POST,
            format!("{team_path}/members"),
            Some(json!({"userId": member.uuid})),
        ),
        (Method::DELETE, team_path.clone(), None),
    ];
    for (method, path, body) in attempts {
        let (status, answer) = call(&server, method.clone(), &path, &read, body).await;
        assert_envelope_error(status, &answer, 403);
        assert_eq!(
            answer["meta"]["error"]["code"], "permission-denied",
            "{method} {path}"
        );
    }
    // Nothing changed.
    let (_, body) = call(&server, Method::GET, "/api/v2/teams/", &root.token, None).await;
    assert_eq!(body["meta"]["total"], 1);
    assert_eq!(body["data"][0]["name"], "Sales Team");
    assert_eq!(body["data"][0]["memberCount"], 0);

    // Removing a member is a change too.
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{team_path}/members"),
        &root.token,
        Some(json!({"userId": member.uuid})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("{team_path}/members/{}", member.uuid),
        &read,
        None,
    )
    .await;
    assert_envelope_error(status, &body, 403);
    let (_, body) = call(
        &server,
        Method::GET,
        &format!("{team_path}/members"),
        &read,
        None,
    )
    .await;
    assert_eq!(body["meta"]["total"], 1);
}

#[tokio::test]
async fn members_see_their_teams_and_others_see_none() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let mia = server.user("mia@example.com").await;
    let ned = server.user("ned@example.com").await;
    let sales = create_team(&server, &root.token, "Sales Team").await;
    let ops = create_team(&server, &root.token, "Ops Team").await;
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("/api/v2/teams/{sales}/members"),
        &root.token,
        Some(json!({"userId": mia.uuid, "role": "member"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["role"], "member");

    // Administrators list every team, by name, and can page through them.
    let (_, body) = call(&server, Method::GET, "/api/v2/teams/", &root.token, None).await;
    assert_eq!(ids(&body), vec![ops.clone(), sales.clone()]);
    let (_, body) = call(
        &server,
        Method::GET,
        "/api/v2/teams/?limit=1&offset=1",
        &root.token,
        None,
    )
    .await;
    assert_eq!(ids(&body), vec![sales.clone()]);
    assert_eq!(body["meta"]["total"], 2);
    let (_, body) = call(
        &server,
        Method::GET,
        "/api/v2/teams/?search=ops",
        &root.token,
        None,
    )
    .await;
    assert_eq!(ids(&body), vec![ops.clone()]);

    // A member lists only their own, reads it, and cannot manage it.
    let (_, body) = server.get("/api/v2/teams/", &mia).await;
    assert_eq!(ids(&body), vec![sales.clone()]);
    assert_eq!(body["data"][0]["role"], "member");
    let (status, body) = server
        .get(&format!("/api/v2/teams/{sales}/members"), &mia)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/api/v2/teams/{sales}"),
        &mia.token,
        Some(json!({"name": "Mine Now"})),
    )
    .await;
    assert_envelope_error(status, &body, 403);
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("/api/v2/teams/{sales}/members"),
        &mia.token,
        Some(json!({"userId": ned.uuid})),
    )
    .await;
    assert_envelope_error(status, &body, 403);
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/v2/teams/",
        &mia.token,
        Some(json!({"name": "My Own Team"})),
    )
    .await;
    assert_envelope_error(status, &body, 403);
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("/api/v2/teams/{sales}"),
        &mia.token,
        None,
    )
    .await;
    assert_envelope_error(status, &body, 403);

    // Someone else cannot tell the teams exist.
    let (_, body) = server.get("/api/v2/teams/", &ned).await;
    assert_eq!(body["meta"]["total"], 0);
    let (_, body) = server.get("/api/v2/teams/my-teams", &ned).await;
    assert_eq!(body["meta"]["total"], 0);
    for path in [
        format!("/api/v2/teams/{sales}"),
        format!("/api/v2/teams/{sales}/members"),
    ] {
        let (status, body) = server.get(&path, &ned).await;
        assert_envelope_error(status, &body, 404);
    }
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/api/v2/teams/{sales}"),
        &ned.token,
        Some(json!({"name": "Taken Over"})),
    )
    .await;
    assert_envelope_error(status, &body, 404);

    // A team admin manages the team's members but does not delete the team.
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("/api/v2/teams/{ops}/members"),
        &root.token,
        Some(json!({"userId": ned.uuid, "role": "ADMIN"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("/api/v2/teams/{ops}/members"),
        &ned.token,
        Some(json!({"userId": mia.uuid})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/api/v2/teams/{ops}"),
        &ned.token,
        Some(json!({"description": "Keeps the lights on"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("/api/v2/teams/{ops}"),
        &ned.token,
        None,
    )
    .await;
    assert_envelope_error(status, &body, 403);
    let (_, body) = server.get("/api/v2/teams/my-teams", &mia).await;
    assert_eq!(body["meta"]["total"], 2);

    // Without credentials: 401 in the envelope.
    let (status, body) = server.json(Method::GET, "/api/v2/teams/", None, None).await;
    assert_envelope_error(status, &body, 401);
}

#[tokio::test]
async fn teams_are_fileago_groups_and_members_are_shared() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let mia = server.user("mia@example.com").await;
    let ned = server.user("ned@example.com").await;
    let team = create_team(&server, &root.token, "Field Team").await;

    // The team is a FileAgo group.
    let (status, body) = server.get("/api/admin/groups", &root).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"][0]["group_uuid"], team.as_str());
    assert_eq!(body["data"][0]["group_name"], "Field Team");

    // A member added here is a FileAgo member (an admin role is a group admin there).
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("/api/v2/teams/{team}/members"),
        &root.token,
        Some(json!({"userId": mia.uuid, "role": "admin"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = server.get(&format!("/api/groups/{team}"), &mia).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server.get(&format!("/api/groups/{team}/users"), &mia).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"][0]["uuid"], mia.uuid.as_str());
    assert_eq!(body["data"][0]["is_admin"], true, "{body}");

    // A member added through FileAgo (by the group admin) is listed here.
    let (status, body) = server
        .post(
            &format!("/api/groups/{team}/users"),
            &mia,
            json!({"user": ned.uuid}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = server
        .get(&format!("/api/v2/teams/{team}/members"), &mia)
        .await;
    assert_eq!(body["meta"]["total"], 2, "{body}");
    let ned_entry = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["userId"] == ned.uuid.as_str())
        .unwrap();
    assert_eq!(ned_entry["role"], "member");
    let (_, body) = server.get("/api/v2/teams/my-teams", &ned).await;
    assert_eq!(ids(&body), vec![team.clone()]);

    // Renamed here, renamed there; removed here, gone there.
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/api/v2/teams/{team}"),
        &mia.token,
        Some(json!({"name": "Field Ops"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = server.get(&format!("/api/groups/{team}"), &ned).await;
    assert_eq!(body["data"]["group_name"], "Field Ops", "{body}");
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v2/teams/{team}/members/{}", ned.uuid),
        &mia.token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server.get(&format!("/api/groups/{team}"), &ned).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A team deleted with transferTo hands its files to that user.
    let (status, body) = server
        .post(
            &format!("/api/nodes/home:{team}"),
            &mia,
            json!({"new_dir": "plans"}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let (status, body) = call(
        &server,
        Method::DELETE,
        &format!("/api/v2/teams/{team}?transferTo={}", mia.uuid),
        &root.token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert!(server.find(&mia, "home", "Field Ops").await.is_some());
    let (_, body) = server.get("/api/admin/groups", &root).await;
    assert_eq!(body["data"].as_array().map(Vec::len), Some(0), "{body}");
}

#[tokio::test]
async fn bad_input_is_a_4xx_and_makes_nothing() {
    let server = TestServer::start().await;
    let root = server.root_admin().await;
    let mia = server.user("mia@example.com").await;
    let team = create_team(&server, &root.token, "Sales Team").await;
    let t = root.token.as_str();

    let bodies = [
        b"{not json".to_vec(),
        b"[1, 2]".to_vec(),
        b"".to_vec(),
        br#"{"name": 42}"#.to_vec(),
        br#"{"description": "no name"}"#.to_vec(),
        br#"{"name": "ab"}"#.to_vec(),
        br#"{"name": "Good Name", "description": "x"}"#.to_vec(),
        br#"{"name": "Good Name", "description": ["x"]}"#.to_vec(),
        br#"{"name": "Sales Team"}"#.to_vec(),
    ];
    for body in &bodies {
        let (status, answer) = server
            .raw(Method::POST, "/api/v2/teams/", Some(t), body.clone())
            .await;
        assert!(
            status.is_client_error(),
            "{}: {status} {answer}",
            String::from_utf8_lossy(body)
        );
        assert!(answer["data"].is_null(), "{answer}");
        assert!(answer["meta"]["error"]["code"].is_string(), "{answer}");
    }
    let (_, body) = call(&server, Method::GET, "/api/v2/teams/", t, None).await;
    assert_eq!(body["meta"]["total"], 1, "nothing half-made: {body}");

    let team_path = format!("/api/v2/teams/{team}");
    for body in [
        json!({"name": "x"}),
        json!({"name": 7}),
        json!({"description": 7}),
        json!({"description": "x"}),
    ] {
        let (status, answer) = call(&server, Method::PUT, &team_path, t, Some(body.clone())).await;
        assert_envelope_error(status, &answer, 400);
    }
    let (_, body) = call(&server, Method::GET, &team_path, t, None).await;
    assert_eq!(body["data"]["name"], "Sales Team");
    assert_eq!(body["data"]["description"], "The team for tests");

    let members = format!("{team_path}/members");
    for body in [
        json!({}),
        json!({"userId": 5}),
        json!({"userId": "not-a-uuid"}),
        json!({"userId": uuid::Uuid::new_v4().to_string()}),
        json!({"userId": mia.uuid, "role": "owner"}),
        json!({"userId": mia.uuid, "role": 1}),
    ] {
        let (status, answer) = call(&server, Method::POST, &members, t, Some(body.clone())).await;
        assert_envelope_error(status, &answer, 400);
    }
    let (_, body) = call(&server, Method::GET, &members, t, None).await;
    assert_eq!(body["meta"]["total"], 0);

    // Unknown or malformed ids in the path: 404 in the envelope.
    let unknown = uuid::Uuid::new_v4();
    for (method, path) in [
        (Method::GET, format!("/api/v2/teams/{unknown}")),
        (Method::GET, "/api/v2/teams/not-a-team".to_owned()),
        (Method::PUT, format!("/api/v2/teams/{unknown}")),
        (Method::DELETE, format!("/api/v2/teams/{unknown}")),
        (Method::GET, format!("/api/v2/teams/{unknown}/members")),
        (Method::DELETE, format!("{members}/{unknown}")),
        (Method::DELETE, format!("{members}/nobody")),
        (Method::GET, "/api/v2/teams/x/y/z".to_owned()),
    ] {
        let body = (method == Method::PUT).then(|| json!({"name": "Whatever"}));
        let (status, answer) = call(&server, method.clone(), &path, t, body).await;
        assert_envelope_error(status, &answer, 404);
    }
    let (status, answer) = call(
        &server,
        Method::POST,
        &format!("/api/v2/teams/{unknown}/members"),
        t,
        Some(json!({"userId": mia.uuid})),
    )
    .await;
    assert_envelope_error(status, &answer, 404);

    // Bad query strings and transfer targets.
    for path in [
        "/api/v2/teams/?limit=abc".to_owned(),
        "/api/v2/teams/?limit=0".to_owned(),
        "/api/v2/teams/?offset=-1".to_owned(),
    ] {
        let (status, answer) = call(&server, Method::GET, &path, t, None).await;
        assert_envelope_error(status, &answer, 400);
    }
    for target in ["nope".to_owned(), unknown.to_string(), team.clone()] {
        let (status, answer) = call(
            &server,
            Method::DELETE,
            &format!("{team_path}?transferTo={target}"),
            t,
            None,
        )
        .await;
        assert_envelope_error(status, &answer, 400);
    }
    let (status, _) = call(&server, Method::GET, &team_path, t, None).await;
    assert_eq!(status, StatusCode::OK, "the team is still there");

    // A method a path does not take: 405 in the envelope, with Allow.
    let resp = server
        .client
        .patch(format!("{}{team_path}", server.url))
        .bearer_auth(t)
        .json(&json!({"name": "Patched"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = resp.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("PUT") && allow.contains("DELETE"), "{allow}");
    let body: Value = resp.json().await.unwrap();
    assert_envelope_error(StatusCode::METHOD_NOT_ALLOWED, &body, 405);
    let (status, body) = call(&server, Method::PUT, "/api/v2/teams/my-teams", t, None).await;
    assert_envelope_error(status, &body, 405);
}
