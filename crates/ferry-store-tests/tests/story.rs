//! The conformance story on each backend: SQLite always, PostgreSQL when
//! `FERRY_TEST_POSTGRES_URL` names a database to use (a throw-away schema is made in it).

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use ferry_core::model::{Owner, RootKind};
use ferry_core::ports::MetaStore;
use ferry_store_postgres::PgStore;
use ferry_store_sqlite::SqliteStore;
use ferry_store_tests::fixtures::{dir, insert, user_with_home};
use ferry_store_tests::run_story;

async fn sqlite() -> (tempfile::TempDir, SqliteStore) {
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", tmp.path().join("ferry.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    (tmp, store)
}

fn postgres_url() -> Option<String> {
    let url = std::env::var("FERRY_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        println!("skipped: set FERRY_TEST_POSTGRES_URL to run the story on PostgreSQL");
    }
    url
}

#[tokio::test]
async fn story_on_sqlite() {
    let (_tmp, store) = sqlite().await;
    assert_eq!(store.backend(), "sqlite");
    run_story(Arc::new(store.clone())).await;
    assert!(
        store.integrity_check().await.unwrap(),
        "sqlite integrity check after the story"
    );
    store.close().await;
}

#[tokio::test]
async fn story_on_postgres() {
    on_postgres(|store| async move {
        assert_eq!(store.backend(), "postgres");
        run_story(store).await;
    })
    .await;
}

/// Runs `body` on a store in a fresh schema, and drops the schema afterwards even when
/// `body` panics (the panic is then passed on), so failed runs leave no litter behind.
async fn on_postgres<F, Fut>(body: F)
where
    F: FnOnce(Arc<dyn MetaStore>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(url) = postgres_url() else { return };
    let schema = format!("story_{}", uuid::Uuid::new_v4().simple());
    let store = PgStore::open_in_schema(&url, &schema).await.unwrap();
    // A spawned task turns a panic into a JoinError instead of unwinding past the cleanup.
    let outcome = tokio::spawn(body(Arc::new(store.clone()))).await;
    store.close().await;
    PgStore::drop_schema(&url, &schema).await.unwrap();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[tokio::test]
async fn sqlite_reopens_with_its_data_and_migrations_applied_once() {
    let (tmp, store) = sqlite().await;
    let (user, home) = user_with_home(&store, "persistent").await;
    store.close().await;
    let url = format!("sqlite://{}", tmp.path().join("ferry.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.user_by_id(user.id).await.unwrap(), Some(user.clone()));
    assert_eq!(
        tx.root_node(Owner::User(user.id), RootKind::Home)
            .await
            .unwrap(),
        Some(home)
    );
    drop(tx);
    assert!(store.integrity_check().await.unwrap());
    store.close().await;
}

#[tokio::test]
async fn sqlite_rejects_a_bad_url_as_an_error() {
    let err = SqliteStore::open("postgres://not-sqlite")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "internal");
}

/// Writers racing for file ids and names: ids stay unique, one name wins per folder.
async fn concurrent_writers(store: Arc<dyn MetaStore>) {
    let (_, home) = user_with_home(store.as_ref(), "racer").await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = store.clone();
        let home = home.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.write().await.unwrap();
            let mine = insert(tx.as_mut(), &dir(&home, &format!("d{i}"))).await;
            // Everyone also tries the same name; only one may have it.
            let shared = tx.insert_node(&dir(&home, "shared")).await;
            tx.commit().await.unwrap();
            (mine.file_id, shared.is_ok())
        }));
    }
    let mut ids = Vec::new();
    let mut winners = 0;
    for task in tasks {
        let (id, won) = task.await.unwrap();
        ids.push(id);
        winners += usize::from(won);
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 16, "file ids are unique");
    assert_eq!(winners, 1, "one writer gets the shared name");
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.list_children(home.id, home_viewer(&home))
            .await
            .unwrap()
            .len(),
        17
    );
}

fn home_viewer(home: &ferry_core::model::Node) -> ferry_core::ids::UserId {
    match home.owner {
        Owner::User(id) => id,
        Owner::Group(_) => unreachable!("story homes belong to users"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_sqlite() {
    let (_tmp, store) = sqlite().await;
    concurrent_writers(Arc::new(store.clone())).await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_postgres() {
    on_postgres(concurrent_writers).await;
}
