//! `/api/nodes/…`: details, path, dirlist, myaccess and the node actions, with bad input.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{TestServer, assert_error};

#[tokio::test]
async fn every_top_level_view_answers_bare_and_with_the_owner() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    for view in [
        "home",
        "incoming",
        "trash",
        "public_shares",
        "private_shares",
        "favorites",
        "shared_with_you",
    ] {
        for node in [view.to_owned(), format!("{view}:{}", alice.uuid)] {
            let (status, body) = server
                .get(&format!("/api/nodes/{node}/dirlist"), &alice)
                .await;
            assert_eq!(status, StatusCode::OK, "{node}: {body}");
            assert_eq!(body["status"], "success");
            assert!(body["data"].is_array());
            let (status, body) = server.get(&format!("/api/nodes/{node}"), &alice).await;
            assert_eq!(status, StatusCode::OK, "{node}: {body}");
            assert_eq!(body["data"]["type"], "Dir");
            assert_eq!(body["data"]["owner_uuid"], alice.uuid.as_str());
            assert_eq!(body["data"]["owner_type"], "User");
        }
    }
    let (_, home) = server.get("/api/nodes/home", &alice).await;
    assert_eq!(home["msg"], "Node info fetched successfully");
    assert_eq!(home["data"]["name"], "Home");
    assert_eq!(home["data"]["owner_fullname"], "User alice@example.com");
    assert!(
        home["data"]["created"].as_i64().unwrap() > 1_600_000_000_000,
        "epoch milliseconds"
    );
}

#[tokio::test]
async fn folders_nest_and_list_with_documented_fields() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let docs = server.mkdir(&alice, "home", "My Documents").await;
    let inner = server.mkdir(&alice, &docs, "Inner").await;
    server
        .upload(&alice, &docs, &[("Invoice.docx", b"hello".to_vec())])
        .await;

    let (status, body) = server.get("/api/nodes/home/dirlist", &alice).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["msg"], "Directory contents fetched successfully");
    let entry = &body["data"][0];
    assert_eq!(entry["name"], "My Documents");
    assert_eq!(entry["type"], "Dir");
    assert_eq!(entry["uuid"], docs.as_str());
    assert_eq!(entry["size"], 2, "a folder's size counts its items");
    assert_eq!(entry["is_starred"], false);
    assert_eq!(entry["public_shares"], 0);
    assert_eq!(entry["private_shares"], 0);
    assert_eq!(entry["comment_count"], 0);
    assert!(entry["updated"].as_i64().unwrap() > 1_600_000_000_000);
    assert!(entry.get("revision").is_none());

    let (_, body) = server
        .get(&format!("/api/nodes/{docs}/dirlist"), &alice)
        .await;
    let names: Vec<_> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].clone())
        .collect();
    assert_eq!(
        names,
        vec![json!("Inner"), json!("Invoice.docx")],
        "folders first"
    );
    let file = &body["data"][1];
    assert_eq!(file["type"], "File");
    assert_eq!(file["size"], 5);
    assert_eq!(file["revision"], 1);

    let (status, body) = server
        .get(&format!("/api/nodes/{inner}/path"), &alice)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["msg"], "Node path fetched successfully");
    assert_eq!(
        body["data"],
        json!([
            {"name": "Home", "uuid": "home"},
            {"name": "My Documents", "uuid": docs},
            {"name": "Inner", "uuid": inner},
        ])
    );

    let (status, body) = server
        .get(&format!("/api/nodes/{inner}/myaccess"), &alice)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"], json!(["read", "write", "delete", "download"]));

    let (_, body) = server.get(&format!("/api/nodes/{inner}"), &alice).await;
    assert_eq!(body["data"]["name"], "Inner");
    assert_eq!(body["data"]["uuid"], inner.as_str());
}

#[tokio::test]
async fn bad_names_are_refused_and_nothing_is_created() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    server.mkdir(&alice, "home", "taken").await;
    let long = "x".repeat(256);
    for bad in [
        "",
        " ",
        ".",
        "..",
        "a/b",
        "/",
        "../escape",
        "back\\slash",
        "nul\0byte",
        "bell\u{7}",
        long.as_str(),
    ] {
        let (status, body) = server
            .post("/api/nodes/home", &alice, json!({"new_dir": bad}))
            .await;
        assert_error(status, &body, 400);
    }
    let (status, body) = server
        .post("/api/nodes/home", &alice, json!({"new_dir": "taken"}))
        .await;
    assert_error(status, &body, 409);
    assert_eq!(server.names(&alice, "home").await, vec!["taken"]);
}

#[tokio::test]
async fn malformed_action_bodies_get_400() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let dir = server.mkdir(&alice, "home", "d").await;
    let bodies: [&[u8]; 9] = [
        b"{oops",
        b"",
        b"[1,2]",
        b"{}",
        br#"{"new_dir": 5}"#,
        br#"{"new_name": null}"#,
        br#"{"starred": "yes"}"#,
        br#"{"new_dir": "a", "new_name": "b"}"#,
        br#"{"share_copy_with": "not-a-list"}"#,
    ];
    for body in bodies {
        let (status, value) = server
            .raw(
                Method::POST,
                &format!("/api/nodes/{dir}"),
                Some(&alice.token),
                body.to_vec(),
            )
            .await;
        assert_error(status, &value, 400);
    }
    let huge = format!(r#"{{"new_dir":"{}"}}"#, "a".repeat(2 * 1024 * 1024));
    let (status, value) = server
        .raw(
            Method::POST,
            "/api/nodes/home",
            Some(&alice.token),
            huge.into_bytes(),
        )
        .await;
    assert_error(status, &value, 413);
    assert_eq!(server.names(&alice, &dir).await, Vec::<String>::new());
}

#[tokio::test]
async fn rename_star_and_favorites() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let a = server.mkdir(&alice, "home", "a").await;
    server.mkdir(&alice, "home", "b").await;
    let (status, _) = server
        .post(
            &format!("/api/nodes/{a}"),
            &alice,
            json!({"new_name": "renamed"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = server
        .post(&format!("/api/nodes/{a}"), &alice, json!({"new_name": "b"}))
        .await;
    assert_error(status, &body, 409);
    let (status, body) = server
        .post(
            &format!("/api/nodes/{a}"),
            &alice,
            json!({"new_name": "x/y"}),
        )
        .await;
    assert_error(status, &body, 400);
    assert_eq!(server.names(&alice, "home").await, vec!["b", "renamed"]);

    let (status, _) = server
        .post(&format!("/api/nodes/{a}"), &alice, json!({"starred": true}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(server.names(&alice, "favorites").await, vec!["renamed"]);
    let (_, body) = server.get("/api/nodes/home/dirlist", &alice).await;
    assert_eq!(body["data"][1]["is_starred"], true);
    server
        .post(
            &format!("/api/nodes/{a}"),
            &alice,
            json!({"starred": false}),
        )
        .await;
    assert!(server.names(&alice, "favorites").await.is_empty());

    let (status, body) = server
        .post("/api/nodes/home", &alice, json!({"new_name": "nope"}))
        .await;
    assert_error(status, &body, 400);
}

#[tokio::test]
async fn copy_and_move() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let src = server.mkdir(&alice, "home", "src").await;
    let sub = server.mkdir(&alice, &src, "sub").await;
    server
        .upload(&alice, &sub, &[("f.txt", b"content".to_vec())])
        .await;
    let dest = server.mkdir(&alice, "home", "dest").await;

    let (status, body) = server
        .post(
            &format!("/api/nodes/{src}"),
            &alice,
            json!({"copy_to": dest}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let copy = server.find(&alice, &dest, "src").await.unwrap();
    assert_ne!(copy, src);
    let copy_sub = server.find(&alice, &copy, "sub").await.unwrap();
    let copy_file = server.find(&alice, &copy_sub, "f.txt").await.unwrap();
    let resp = server
        .download(&alice, &copy_file, 999_999_999_999_999)
        .await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"content");

    // Copying next to itself numbers the copy.
    server
        .post(
            &format!("/api/nodes/{src}"),
            &alice,
            json!({"copy_to": "home"}),
        )
        .await;
    assert_eq!(
        server.names(&alice, "home").await,
        vec!["dest", "src", "src (2)"]
    );

    let (status, body) = server
        .post(
            &format!("/api/nodes/{src}"),
            &alice,
            json!({"copy_to": sub}),
        )
        .await;
    assert_error(status, &body, 409);
    let (status, body) = server
        .post(
            &format!("/api/nodes/{src}"),
            &alice,
            json!({"move_to": sub}),
        )
        .await;
    assert_error(status, &body, 409);
    let (status, body) = server
        .post(
            &format!("/api/nodes/{src}"),
            &alice,
            json!({"move_to": src}),
        )
        .await;
    assert_error(status, &body, 409);
    let (status, body) = server
        .post(
            &format!("/api/nodes/{src}"),
            &alice,
            json!({"move_to": uuid::Uuid::now_v7().to_string()}),
        )
        .await;
    assert_error(status, &body, 404);
    let (status, body) = server
        .post(
            &format!("/api/nodes/{src}"),
            &alice,
            json!({"move_to": "trash"}),
        )
        .await;
    assert_error(status, &body, 400);

    let (status, _) = server
        .post(
            &format!("/api/nodes/{sub}"),
            &alice,
            json!({"move_to": dest}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(server.names(&alice, &dest).await, vec!["src", "sub"]);
    assert!(server.names(&alice, &src).await.is_empty());
    // Moving onto a taken name is refused.
    server.mkdir(&alice, &src, "sub").await;
    let (status, body) = server
        .post(
            &format!("/api/nodes/{sub}"),
            &alice,
            json!({"move_to": src}),
        )
        .await;
    assert_error(status, &body, 409);
}

#[tokio::test]
async fn trash_restore_and_delete_for_good() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let dir = server.mkdir(&alice, "home", "dir").await;
    let inner = server.mkdir(&alice, &dir, "inner").await;
    let (status, _) = server
        .json(
            Method::DELETE,
            &format!("/api/nodes/{dir}"),
            Some(&alice.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(server.names(&alice, "home").await.is_empty());
    assert_eq!(server.names(&alice, "trash").await, vec!["dir"]);
    let (_, body) = server
        .get(&format!("/api/nodes/{inner}/path"), &alice)
        .await;
    assert_eq!(body["data"][0], json!({"name": "Trash", "uuid": "trash"}));
    // Nothing can be made inside the trash.
    let (status, body) = server
        .post(
            &format!("/api/nodes/{dir}"),
            &alice,
            json!({"new_dir": "x"}),
        )
        .await;
    assert_error(status, &body, 400);

    // A new folder may take the trashed one's name; restoring then picks a free name.
    server.mkdir(&alice, "home", "dir").await;
    let (status, _) = server
        .post(
            &format!("/api/nodes/{dir}"),
            &alice,
            json!({"restore": true}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(server.names(&alice, "home").await, vec!["dir", "dir (2)"]);
    assert!(server.names(&alice, "trash").await.is_empty());

    // Delete twice: to the trash, then for good.
    server
        .json(
            Method::DELETE,
            &format!("/api/nodes/{dir}"),
            Some(&alice.token),
            None,
        )
        .await;
    let (status, _) = server
        .json(
            Method::DELETE,
            &format!("/api/nodes/{dir}"),
            Some(&alice.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(server.names(&alice, "trash").await.is_empty());
    let (status, body) = server.get(&format!("/api/nodes/{inner}"), &alice).await;
    assert_error(status, &body, 404);

    // Emptying the trash.
    let other = server.mkdir(&alice, "home", "other").await;
    server
        .json(
            Method::DELETE,
            &format!("/api/nodes/{other}"),
            Some(&alice.token),
            None,
        )
        .await;
    let (status, _) = server
        .json(Method::DELETE, "/api/nodes/trash", Some(&alice.token), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(server.names(&alice, "trash").await.is_empty());

    let (status, body) = server
        .json(Method::DELETE, "/api/nodes/home", Some(&alice.token), None)
        .await;
    assert_error(status, &body, 400);
}

#[tokio::test]
async fn moving_out_of_the_trash_restores() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let keep = server.mkdir(&alice, "home", "keep").await;
    let gone = server.mkdir(&alice, "home", "gone").await;
    server
        .json(
            Method::DELETE,
            &format!("/api/nodes/{gone}"),
            Some(&alice.token),
            None,
        )
        .await;
    let (status, _) = server
        .post(
            &format!("/api/nodes/{gone}"),
            &alice,
            json!({"move_to": keep}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(server.names(&alice, &keep).await, vec!["gone"]);
    assert!(server.names(&alice, "trash").await.is_empty());
}

#[tokio::test]
async fn share_a_copy_lands_in_the_targets_incoming() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let bob = server.user("bob@example.com").await;
    let docs = server.mkdir(&alice, "home", "docs").await;
    server
        .upload(&alice, &docs, &[("a.txt", b"A".to_vec())])
        .await;
    let (status, body) = server
        .post(
            &format!("/api/nodes/{docs}"),
            &alice,
            json!({"share_copy_with": [bob.uuid]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let copy = server.find(&bob, "incoming", "docs").await.unwrap();
    assert_eq!(server.names(&bob, &copy).await, vec!["a.txt"]);
    let (_, body) = server.get(&format!("/api/nodes/{copy}"), &bob).await;
    assert_eq!(body["data"]["owner_uuid"], bob.uuid.as_str());

    // An unknown target fails the whole call; nothing is copied.
    let (status, body) = server
        .post(
            &format!("/api/nodes/{docs}"),
            &alice,
            json!({"share_copy_with": [bob.uuid, uuid::Uuid::now_v7().to_string()]}),
        )
        .await;
    assert_error(status, &body, 400);
    assert_eq!(server.names(&bob, "incoming").await, vec!["docs"]);
    let (status, body) = server
        .post(
            &format!("/api/nodes/{docs}"),
            &alice,
            json!({"share_copy_with": []}),
        )
        .await;
    assert_error(status, &body, 400);
}

#[tokio::test]
async fn foreign_and_unknown_nodes_look_missing() {
    let server = TestServer::start().await;
    let alice = server.user("alice@example.com").await;
    let mallory = server.user("mallory@example.com").await;
    let secret = server.mkdir(&alice, "home", "secret").await;
    server
        .upload(&alice, &secret, &[("s.txt", b"s".to_vec())])
        .await;
    let file = server.find(&alice, &secret, "s.txt").await.unwrap();
    let unknown = uuid::Uuid::now_v7().to_string();

    for node in [
        secret.clone(),
        file.clone(),
        unknown.clone(),
        format!("home:{}", alice.uuid),
        format!("trash:{}", alice.uuid),
    ] {
        for suffix in ["", "/path", "/dirlist", "/myaccess", "/upload"] {
            let (status, body) = server
                .get(&format!("/api/nodes/{node}{suffix}"), &mallory)
                .await;
            assert_error(status, &body, 404);
        }
    }
    for node in [&secret, &file, &unknown] {
        for action in [
            json!({"new_dir": "x"}),
            json!({"new_name": "x"}),
            json!({"starred": true}),
            json!({"copy_to": "home"}),
            json!({"move_to": "home"}),
            json!({"share_copy_with": [mallory.uuid]}),
            json!({"restore": true}),
        ] {
            let (status, body) = server
                .post(&format!("/api/nodes/{node}"), &mallory, action)
                .await;
            assert_error(status, &body, 404);
        }
        let (status, body) = server
            .json(
                Method::DELETE,
                &format!("/api/nodes/{node}"),
                Some(&mallory.token),
                None,
            )
            .await;
        assert_error(status, &body, 404);
    }
    // Mallory cannot pull Alice's node into her own tree either.
    let mine = server.mkdir(&mallory, "home", "mine").await;
    let (status, body) = server
        .post(
            &format!("/api/nodes/{mine}"),
            &mallory,
            json!({"move_to": secret}),
        )
        .await;
    assert_error(status, &body, 404);
    let resp = server.download(&mallory, &file, 1).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    // Alice's things are untouched.
    assert_eq!(server.names(&alice, "home").await, vec!["secret"]);
    assert_eq!(server.names(&alice, &secret).await, vec!["s.txt"]);
    assert!(server.names(&mallory, "favorites").await.is_empty());

    for bad in ["not-a-uuid", "home:not-a-uuid", "homes"] {
        let (status, body) = server.get(&format!("/api/nodes/{bad}"), &alice).await;
        assert_error(status, &body, 400);
    }
}
