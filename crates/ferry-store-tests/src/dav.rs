//! WebDAV's store methods: dead properties, subtree statistics, version checksums and
//! locks, with their cascades.

use ferry_core::Error;
use ferry_core::ids::{NodeId, UserId};
use ferry_core::model::{DavLock, DeadProp, Node, NodeStats};
use ferry_core::ports::MetaStore;

use crate::fixtures::{NOW, assert_already_exists, dir, file, insert, user_with_home, version};

pub async fn story(store: &dyn MetaStore) {
    dead_props(store).await;
    stats_and_checksums(store).await;
    locks(store).await;
}

fn prop(node: &Node, ns: &str, name: &str, value: &str) -> DeadProp {
    DeadProp {
        node_id: node.id,
        namespace: ns.to_owned(),
        name: name.to_owned(),
        value: value.to_owned(),
    }
}

async fn dead_props(store: &dyn MetaStore) {
    let (_, home) = user_with_home(store, "propper").await;
    let mut tx = store.write().await.unwrap();
    let docs = insert(tx.as_mut(), &dir(&home, "docs")).await;
    let a = insert(tx.as_mut(), &file(&docs, "a.txt", 1)).await;
    let deep = insert(tx.as_mut(), &file(&docs, "deeper", 1)).await;
    let gone = insert(tx.as_mut(), &file(&docs, "gone.txt", 1)).await;
    let copy = insert(tx.as_mut(), &file(&home, "copy.txt", 1)).await;
    tx.set_dead_prop(&prop(&docs, "urn:z", "color", "blue"))
        .await
        .unwrap();
    tx.set_dead_prop(&prop(&a, "urn:z", "b", "1"))
        .await
        .unwrap();
    tx.set_dead_prop(&prop(&a, "", "nons", "<x xmlns=\"\"/>"))
        .await
        .unwrap();
    tx.set_dead_prop(&prop(&a, "urn:z", "a", "ünï 𐀀"))
        .await
        .unwrap();
    // Setting again replaces.
    tx.set_dead_prop(&prop(&a, "urn:z", "a", "second"))
        .await
        .unwrap();
    tx.set_dead_prop(&prop(&gone, "urn:z", "t", "trashed"))
        .await
        .unwrap();
    tx.update_node(&Node {
        trashed_ms: Some(NOW),
        ..gone.clone()
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    // The folder's own and its live children's, ordered by node, namespace, name.
    let listed = tx.dead_props_in(docs.id).await.unwrap();
    let mut want = vec![
        prop(&docs, "urn:z", "color", "blue"),
        prop(&a, "", "nons", "<x xmlns=\"\"/>"),
        prop(&a, "urn:z", "a", "second"),
        prop(&a, "urn:z", "b", "1"),
    ];
    want.sort_by_key(|p| (p.node_id, p.namespace.clone(), p.name.clone()));
    assert_eq!(listed, want);
    assert_eq!(tx.dead_props_in(deep.id).await.unwrap(), []);
    assert_eq!(
        tx.dead_props_in(home.id).await.unwrap().len(),
        1,
        "docs' own only"
    );
    tx.remove_dead_prop(a.id, "urn:z", "b").await.unwrap();
    tx.remove_dead_prop(a.id, "urn:z", "never-set")
        .await
        .unwrap();
    tx.copy_dead_props(a.id, copy.id).await.unwrap();
    tx.set_dead_prop(&prop(&copy, "urn:z", "mine", "kept"))
        .await
        .unwrap();
    // Copying again keeps what the target has.
    tx.copy_dead_props(a.id, copy.id).await.unwrap();
    let names: Vec<String> = tx
        .dead_props_in(copy.id)
        .await
        .unwrap()
        .into_iter()
        .map(|p| format!("{}:{}={}", p.namespace, p.name, p.value))
        .collect();
    assert_eq!(
        names,
        [":nons=<x xmlns=\"\"/>", "urn:z:a=second", "urn:z:mine=kept"]
    );
    // Properties go with their node.
    tx.delete_subtree(docs.id).await.unwrap();
    assert_eq!(tx.dead_props_in(docs.id).await.unwrap(), []);
    assert_eq!(tx.dead_props_in(a.id).await.unwrap(), []);
    assert_eq!(tx.dead_props_in(copy.id).await.unwrap().len(), 3);
    tx.commit().await.unwrap();
}

async fn stats_and_checksums(store: &dyn MetaStore) {
    let (user, home) = user_with_home(store, "counter").await;
    let mut tx = store.write().await.unwrap();
    //  home/ docs/ (a.txt 10, sub/ (b.txt 20, old.txt 40 trashed), bin/ trashed (c.txt 80)), top.txt 5
    let docs = insert(tx.as_mut(), &dir(&home, "docs")).await;
    let a = insert(tx.as_mut(), &file(&docs, "a.txt", 10)).await;
    let sub = insert(tx.as_mut(), &dir(&docs, "sub")).await;
    insert(tx.as_mut(), &file(&sub, "b.txt", 20)).await;
    let old = insert(tx.as_mut(), &file(&sub, "old.txt", 40)).await;
    let bin = insert(tx.as_mut(), &dir(&docs, "bin")).await;
    insert(tx.as_mut(), &file(&bin, "c.txt", 80)).await;
    let top = insert(tx.as_mut(), &file(&home, "top.txt", 5)).await;
    for n in [&old, &bin] {
        tx.update_node(&Node {
            trashed_ms: Some(NOW),
            ..n.clone()
        })
        .await
        .unwrap();
    }
    tx.insert_version(&version(&a, 1, 10, Some(user.id)))
        .await
        .unwrap();
    tx.set_version_checksum(a.id, 1, Some("SHA1:abc"))
        .await
        .unwrap();
    match tx.set_version_checksum(a.id, 9, Some("SHA1:x")).await {
        Err(Error::NotFound) => {}
        other => panic!("expected NotFound for a missing version, got {other:?}"),
    }
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let mut stats = tx.node_stats_in(home.id).await.unwrap();
    stats.sort_by_key(|s| s.node_id);
    let mut want = vec![
        NodeStats {
            node_id: home.id,
            tree_size: 35,
            files: 1,
            folders: 1,
            checksum: None,
        },
        NodeStats {
            node_id: docs.id,
            tree_size: 30,
            files: 1,
            folders: 1,
            checksum: None,
        },
        NodeStats {
            node_id: top.id,
            tree_size: 5,
            files: 0,
            folders: 0,
            checksum: None,
        },
    ];
    want.sort_by_key(|s| s.node_id);
    assert_eq!(stats, want);
    let mut inside = tx.node_stats_in(docs.id).await.unwrap();
    inside.sort_by_key(|s| s.node_id);
    let of = |id: NodeId| inside.iter().find(|s| s.node_id == id).unwrap().clone();
    assert_eq!(inside.len(), 3, "docs, a.txt and sub (bin is trashed)");
    assert_eq!(of(a.id).checksum.as_deref(), Some("SHA1:abc"));
    assert_eq!(of(a.id).tree_size, 10);
    assert_eq!((of(sub.id).tree_size, of(sub.id).files), (20, 1));
    assert_eq!(tx.node_stats_in(NodeId::generate()).await.unwrap(), []);
    // A node's own row alone, the same as in the full answer.
    for id in [home.id, docs.id, a.id, sub.id] {
        let full = tx.node_stats_in(id).await.unwrap();
        let own = full.into_iter().find(|s| s.node_id == id);
        assert_eq!(tx.node_stats_of(id).await.unwrap(), own);
    }
    assert_eq!(tx.node_stats_of(NodeId::generate()).await.unwrap(), None);
}

fn lock(node: &Node, user: UserId, exclusive: bool, deep: bool, expires_ms: i64) -> DavLock {
    DavLock {
        token: format!("opaquelocktoken:{}", uuid::Uuid::new_v4()),
        node_id: node.id,
        user_id: user,
        exclusive,
        deep,
        owner_xml: "<href xmlns=\"DAV:\">me</href>".to_owned(),
        timeout_secs: 60,
        created_ms: NOW,
        expires_ms,
    }
}

fn tokens(locks: &[DavLock]) -> Vec<&str> {
    locks.iter().map(|l| l.token.as_str()).collect()
}

async fn locks(store: &dyn MetaStore) {
    let (user, home) = user_with_home(store, "locker").await;
    let later = NOW + 60_000;
    let mut tx = store.write().await.unwrap();
    let docs = insert(tx.as_mut(), &dir(&home, "docs")).await;
    let sub = insert(tx.as_mut(), &dir(&docs, "sub")).await;
    let leaf = insert(tx.as_mut(), &file(&sub, "leaf.txt", 1)).await;
    let side = insert(tx.as_mut(), &file(&home, "side.txt", 1)).await;
    let on_home = lock(&home, user.id, false, false, later);
    let deep_docs = lock(&docs, user.id, true, true, later);
    let on_leaf = lock(&leaf, user.id, false, false, later);
    let expired = lock(&sub, user.id, true, true, NOW - 1);
    for l in [&on_home, &deep_docs, &on_leaf, &expired] {
        tx.insert_lock(l).await.unwrap();
    }
    assert_already_exists(tx.insert_lock(&on_leaf).await);
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    assert_eq!(
        tx.lock_by_token(&deep_docs.token).await.unwrap(),
        Some(deep_docs.clone())
    );
    assert_eq!(
        tx.lock_by_token("opaquelocktoken:none").await.unwrap(),
        None
    );
    // Covering: the node's own locks at any depth, ancestors' deep ones, unexpired, the
    // nearest last; the home lock is shallow and covers only home.
    assert_eq!(
        tokens(&tx.locks_covering(leaf.id, NOW).await.unwrap()),
        [deep_docs.token.as_str(), on_leaf.token.as_str()]
    );
    assert_eq!(
        tokens(&tx.locks_covering(home.id, NOW).await.unwrap()),
        [on_home.token.as_str()]
    );
    assert_eq!(tx.locks_covering(side.id, NOW).await.unwrap(), []);
    // The expired lock shows only before its time.
    assert_eq!(tx.locks_covering(sub.id, NOW - 2).await.unwrap().len(), 2);
    // Below: strictly below, unexpired.
    let mut below = tokens(&tx.locks_below(home.id, NOW).await.unwrap())
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    below.sort();
    let mut want = vec![deep_docs.token.clone(), on_leaf.token.clone()];
    want.sort();
    assert_eq!(below, want);
    assert_eq!(tx.locks_below(leaf.id, NOW).await.unwrap(), []);
    // Refresh changes the timeout only.
    assert!(
        tx.refresh_lock(&on_leaf.token, 120, later + 60_000)
            .await
            .unwrap()
    );
    assert!(!tx.refresh_lock("opaquelocktoken:none", 1, 1).await.unwrap());
    let refreshed = tx.lock_by_token(&on_leaf.token).await.unwrap().unwrap();
    assert_eq!(
        (refreshed.timeout_secs, refreshed.expires_ms),
        (120, later + 60_000)
    );
    assert_eq!(refreshed.owner_xml, on_leaf.owner_xml);
    // Expired ones are swept; deleting by token and by subtree.
    assert_eq!(tx.delete_expired_locks(NOW).await.unwrap(), 1);
    assert_eq!(tx.lock_by_token(&expired.token).await.unwrap(), None);
    assert!(tx.delete_lock(&on_home.token).await.unwrap());
    assert!(!tx.delete_lock(&on_home.token).await.unwrap());
    assert_eq!(tx.delete_locks_in(docs.id).await.unwrap(), 2);
    assert_eq!(tx.locks_below(home.id, NOW).await.unwrap(), []);
    // A lock goes with its node.
    let on_side = lock(&side, user.id, true, false, later);
    tx.insert_lock(&on_side).await.unwrap();
    tx.delete_subtree(side.id).await.unwrap();
    assert_eq!(tx.lock_by_token(&on_side.token).await.unwrap(), None);
    tx.commit().await.unwrap();
}
