//! The FileAgo face end to end on PostgreSQL, when `FERRY_TEST_POSTGRES_URL` is set: the same
//! binary, the other backend.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::TestServer;

#[tokio::test]
async fn fileago_round_trip_on_postgres() {
    let Ok(url) = std::env::var("FERRY_TEST_POSTGRES_URL") else {
        eprintln!("FERRY_TEST_POSTGRES_URL is not set: skipping the PostgreSQL round trip");
        return;
    };
    let schema = format!("it_{}", uuid::Uuid::new_v4().simple());
    let store = ferry_store_postgres::PgStore::open_in_schema(&url, &schema)
        .await
        .unwrap();
    let server = TestServer::start_on(Arc::new(store)).await;

    let alice = server.user("alice@example.com").await;
    let bob = server.user("bob@example.com").await;
    let dir = server.mkdir(&alice, "home", "Docs").await;
    let (status, body) = server
        .upload(&alice, &dir, &[("a.txt", b"first".to_vec())])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server
        .upload(&alice, &dir, &[("a.txt", b"second".to_vec())])
        .await;
    let file = server.find(&alice, &dir, "a.txt").await.unwrap();
    assert_eq!(
        server
            .download(&alice, &file, 1)
            .await
            .bytes()
            .await
            .unwrap()
            .as_ref(),
        b"first"
    );
    assert_eq!(
        server
            .download(&alice, &file, 999_999_999_999_999)
            .await
            .bytes()
            .await
            .unwrap()
            .as_ref(),
        b"second"
    );

    server
        .post(
            &format!("/api/nodes/{dir}"),
            &alice,
            json!({"copy_to": "home"}),
        )
        .await;
    server
        .post(
            &format!("/api/nodes/{dir}"),
            &alice,
            json!({"share_copy_with": [bob.uuid]}),
        )
        .await;
    assert_eq!(server.names(&alice, "home").await, vec!["Docs", "Docs (2)"]);
    assert_eq!(server.names(&bob, "incoming").await, vec!["Docs"]);
    let (status, _) = server
        .json(
            Method::DELETE,
            &format!("/api/nodes/{dir}"),
            Some(&alice.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(server.names(&alice, "trash").await, vec!["Docs"]);
    let (_, path) = server.get(&format!("/api/nodes/{file}/path"), &alice).await;
    assert_eq!(path["data"][0]["uuid"], "trash");
    let (status, body) = server.get(&format!("/api/nodes/{file}"), &bob).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    drop(server);
    ferry_store_postgres::PgStore::drop_schema(&url, &schema)
        .await
        .unwrap();
}
