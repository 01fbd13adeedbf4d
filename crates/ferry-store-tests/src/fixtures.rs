//! Records for the story, each with a unique name so stories never collide.

use std::fmt::Debug;

use ferry_core::Error;
use ferry_core::ids::{NodeId, SessionId, UserId};
use ferry_core::model::{Node, NodeKind, Owner, RootKind, Session, User, Version};
use ferry_core::ports::{MetaStore, MetaTx};

/// A fixed "now" for the story: 2024-01-01T00:00:00Z.
pub const NOW: i64 = 1_704_067_200_000;

/// A short unique suffix.
pub fn tag() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

pub fn user(name: &str) -> User {
    let username = format!("{name}-{}", tag());
    User {
        id: UserId::generate(),
        email: Some(format!("{username}@example.org")),
        username,
        display_name: name.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        is_admin: false,
        is_active: true,
        quota_bytes: 0,
        created_ms: NOW,
        last_login_ms: None,
    }
}

pub fn session(user: UserId, expires_ms: i64) -> Session {
    Session {
        id: SessionId::generate(),
        user_id: user,
        token_hash: format!("token-{}", tag()),
        file_key_hash: format!("file-key-{}", tag()),
        created_ms: NOW,
        expires_ms,
    }
}

pub fn root(owner: Owner, kind: RootKind) -> Node {
    Node {
        id: NodeId::generate(),
        file_id: 0,
        owner,
        parent: None,
        root: Some(kind),
        name: kind.as_str().to_owned(),
        kind: NodeKind::Dir,
        size: 0,
        etag: format!("etag-{}", tag()),
        revision: 0,
        content_hash: None,
        created_ms: NOW,
        updated_ms: NOW,
        trashed_ms: None,
    }
}

pub fn dir(parent: &Node, name: &str) -> Node {
    Node {
        id: NodeId::generate(),
        parent: Some(parent.id),
        root: None,
        name: name.to_owned(),
        ..root(parent.owner, RootKind::Home)
    }
}

pub fn file(parent: &Node, name: &str, size: i64) -> Node {
    Node {
        kind: NodeKind::File,
        size,
        revision: 1,
        content_hash: Some(hash()),
        ..dir(parent, name)
    }
}

/// A random stand-in for a SHA-256 hex digest.
pub fn hash() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

pub fn version(node: &Node, number: i64, size: i64, author: Option<UserId>) -> Version {
    Version {
        node_id: node.id,
        number,
        content_hash: hash(),
        size,
        author,
        created_ms: NOW + number,
    }
}

/// Inserts the node and returns it with the file id the store assigned.
pub async fn insert(tx: &mut dyn MetaTx, node: &Node) -> Node {
    let file_id = tx.insert_node(node).await.unwrap();
    assert!(file_id > 0, "file ids start at 1");
    Node {
        file_id,
        ..node.clone()
    }
}

/// A user with a home folder, committed.
pub async fn user_with_home(store: &dyn MetaStore, name: &str) -> (User, Node) {
    let user = user(name);
    let mut tx = store.write().await.unwrap();
    tx.insert_user(&user).await.unwrap();
    let home = insert(tx.as_mut(), &root(Owner::User(user.id), RootKind::Home)).await;
    tx.commit().await.unwrap();
    (user, home)
}

#[track_caller]
pub fn assert_already_exists<T: Debug>(result: Result<T, Error>) {
    match result {
        Err(Error::AlreadyExists(_)) => {}
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
}

#[track_caller]
pub fn assert_not_found<T: Debug>(result: Result<T, Error>) {
    match result {
        Err(Error::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
}

pub fn ids(nodes: &[Node]) -> Vec<NodeId> {
    nodes.iter().map(|n| n.id).collect()
}

pub fn names<'a>(nodes: impl IntoIterator<Item = &'a Node>) -> Vec<&'a str> {
    nodes.into_iter().map(|n| n.name.as_str()).collect()
}
