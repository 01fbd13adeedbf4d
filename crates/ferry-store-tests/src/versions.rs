//! Versions, blob references and usage.

use ferry_core::ids::GroupId;
use ferry_core::model::{Node, Owner, Version};
use ferry_core::ports::MetaStore;

use crate::fixtures::{
    NOW, assert_already_exists, dir, file, hash, insert, root, tag, user_with_home, version,
};
use ferry_core::model::RootKind;

pub async fn story(store: &dyn MetaStore) {
    let (vera, home) = user_with_home(store, "vera").await;
    let owner = Owner::User(vera.id);
    let group = Owner::Group(GroupId::generate());

    let mut tx = store.write().await.unwrap();
    assert_eq!(
        tx.used_bytes(owner).await.unwrap(),
        0,
        "no versions, no bytes"
    );
    assert_eq!(
        tx.used_bytes(group).await.unwrap(),
        0,
        "an owner with nothing at all"
    );

    let folder = insert(tx.as_mut(), &dir(&home, "folder")).await;
    let report = insert(tx.as_mut(), &file(&folder, "report.pdf", 200)).await;
    let old = insert(tx.as_mut(), &file(&home, "old.bin", 50)).await;
    let v1 = version(&report, 1, 100, Some(vera.id));
    let v2 = Version {
        author: None,
        ..version(&report, 2, 200, None)
    };
    // Inserted newest first: the listing still comes oldest first.
    tx.insert_version(&v2).await.unwrap();
    tx.insert_version(&v1).await.unwrap();
    let o1 = version(&old, 1, 50, Some(vera.id));
    tx.insert_version(&o1).await.unwrap();
    // One number per file.
    assert_already_exists(tx.insert_version(&version(&report, 2, 1, None)).await);
    // A version of the same content as another file's is fine (dedup by hash).
    let shared = Version {
        content_hash: v1.content_hash.clone(),
        ..version(&old, 2, 100, None)
    };
    tx.insert_version(&shared).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    assert_eq!(
        tx.list_versions(report.id).await.unwrap(),
        [v1.clone(), v2.clone()]
    );
    assert_eq!(tx.version(report.id, 2).await.unwrap(), Some(v2.clone()));
    assert_eq!(tx.version(report.id, 3).await.unwrap(), None);
    assert_eq!(tx.version(folder.id, 1).await.unwrap(), None);
    assert_eq!(tx.list_versions(folder.id).await.unwrap(), []);

    assert!(tx.blob_is_referenced(&v1.content_hash).await.unwrap());
    assert!(tx.blob_is_referenced(&o1.content_hash).await.unwrap());
    assert!(!tx.blob_is_referenced(&hash()).await.unwrap());
    // The current hash of a node counts even without a version row.
    assert!(
        tx.blob_is_referenced(report.content_hash.as_ref().unwrap())
            .await
            .unwrap()
    );

    // Every version counts, old ones and trashed files' included.
    assert_eq!(tx.used_bytes(owner).await.unwrap(), 100 + 200 + 50 + 100);
    tx.update_node(&Node {
        trashed_ms: Some(NOW),
        ..old.clone()
    })
    .await
    .unwrap();
    assert_eq!(
        tx.used_bytes(owner).await.unwrap(),
        450,
        "the trash still takes space"
    );

    // Usage follows ownership.
    let group_home = insert(tx.as_mut(), &root(group, RootKind::Home)).await;
    let group_file = insert(tx.as_mut(), &file(&group_home, &format!("g-{}", tag()), 7)).await;
    tx.insert_version(&version(&group_file, 1, 7, Some(vera.id)))
        .await
        .unwrap();
    assert_eq!(tx.used_bytes(group).await.unwrap(), 7);
    assert_eq!(tx.used_bytes(owner).await.unwrap(), 450);
    tx.set_subtree_owner(folder.id, group).await.unwrap();
    assert_eq!(tx.used_bytes(group).await.unwrap(), 7 + 300);
    assert_eq!(tx.used_bytes(owner).await.unwrap(), 150);

    // A blob stays referenced while any version uses it.
    tx.delete_subtree(folder.id).await.unwrap();
    assert!(
        tx.blob_is_referenced(&v1.content_hash).await.unwrap(),
        "old.bin's version 2 shares it"
    );
    assert!(!tx.blob_is_referenced(&v2.content_hash).await.unwrap());
    tx.delete_subtree(old.id).await.unwrap();
    assert!(!tx.blob_is_referenced(&v1.content_hash).await.unwrap());
    assert_eq!(tx.used_bytes(owner).await.unwrap(), 0);
    tx.commit().await.unwrap();
}
