//! Deleting a user takes everything that is theirs, and nothing that is not.

use ferry_core::model::{Owner, RootKind, UploadToken};
use ferry_core::ports::MetaStore;

use crate::fixtures::{NOW, dir, file, insert, root, session, tag, user_with_home, version};

pub async fn story(store: &dyn MetaStore) {
    let (doomed, home) = user_with_home(store, "doomed").await;
    let (keeper, keeper_home) = user_with_home(store, "keeper").await;
    let owner = Owner::User(doomed.id);

    let mut tx = store.write().await.unwrap();
    let incoming = insert(tx.as_mut(), &root(owner, RootKind::Incoming)).await;
    let folder = insert(tx.as_mut(), &dir(&home, "folder")).await;
    let inner = insert(tx.as_mut(), &file(&folder, "inner.txt", 3)).await;
    let gift = insert(tx.as_mut(), &file(&incoming, "gift.txt", 4)).await;
    let inner_v = version(&inner, 1, 3, Some(doomed.id));
    tx.insert_version(&inner_v).await.unwrap();
    tx.insert_version(&version(&gift, 1, 4, Some(keeper.id)))
        .await
        .unwrap();
    // The doomed user also wrote a version of the keeper's file, and starred it.
    let kept_file = insert(tx.as_mut(), &file(&keeper_home, "kept.txt", 5)).await;
    let kept_v = version(&kept_file, 1, 5, Some(doomed.id));
    tx.insert_version(&kept_v).await.unwrap();
    tx.set_starred(doomed.id, kept_file.id, true).await.unwrap();
    tx.set_starred(doomed.id, inner.id, true).await.unwrap();
    tx.set_starred(keeper.id, inner.id, true).await.unwrap();
    tx.set_starred(keeper.id, kept_file.id, true).await.unwrap();
    let s = session(doomed.id, NOW + 1_000);
    let keeper_s = session(keeper.id, NOW + 1_000);
    tx.insert_session(&s).await.unwrap();
    tx.insert_session(&keeper_s).await.unwrap();
    let doomed_token = UploadToken {
        token_hash: format!("t-{}", tag()),
        user_id: doomed.id,
        node_id: kept_file.id,
        expires_ms: NOW + 1_000,
    };
    let keeper_token = UploadToken {
        token_hash: format!("t-{}", tag()),
        user_id: keeper.id,
        node_id: folder.id,
        expires_ms: NOW + 1_000,
    };
    tx.insert_upload_token(&doomed_token).await.unwrap();
    tx.insert_upload_token(&keeper_token).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    assert!(tx.delete_user(doomed.id).await.unwrap());
    assert!(
        !tx.delete_user(doomed.id).await.unwrap(),
        "a second time there is no such user"
    );
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    assert_eq!(tx.user_by_id(doomed.id).await.unwrap(), None);
    assert_eq!(tx.user_by_login(&doomed.username).await.unwrap(), None);
    assert_eq!(tx.session_by_token_hash(&s.token_hash).await.unwrap(), None);
    assert_eq!(
        tx.session_by_file_key_hash(&s.file_key_hash).await.unwrap(),
        None
    );
    for n in [&home, &incoming, &folder, &inner, &gift] {
        assert_eq!(
            tx.node_by_id(n.id).await.unwrap(),
            None,
            "{} is gone",
            n.name
        );
        assert_eq!(tx.list_versions(n.id).await.unwrap(), []);
    }
    assert_eq!(tx.root_node(owner, RootKind::Home).await.unwrap(), None);
    assert_eq!(tx.used_bytes(owner).await.unwrap(), 0);
    assert!(!tx.blob_is_referenced(&inner_v.content_hash).await.unwrap());
    assert!(!tx.is_starred(doomed.id, kept_file.id).await.unwrap());
    assert!(!tx.is_starred(keeper.id, inner.id).await.unwrap());

    // What is not theirs stays; the history they wrote stays too, without its author.
    assert_eq!(
        tx.user_by_id(keeper.id).await.unwrap(),
        Some(keeper.clone())
    );
    assert_eq!(
        tx.node_by_id(kept_file.id).await.unwrap(),
        Some(kept_file.clone())
    );
    assert!(tx.is_starred(keeper.id, kept_file.id).await.unwrap());
    let history = tx.list_versions(kept_file.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].content_hash, kept_v.content_hash);
    assert_eq!(history[0].author, None);
    assert_eq!(
        tx.session_by_token_hash(&keeper_s.token_hash)
            .await
            .unwrap(),
        Some(keeper_s)
    );
    // Both tokens are gone: the doomed user's, and the keeper's onto the doomed user's folder.
    assert_eq!(
        tx.take_upload_token(&doomed_token.token_hash)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        tx.take_upload_token(&keeper_token.token_hash)
            .await
            .unwrap(),
        None
    );
    assert_eq!(tx.used_bytes(Owner::User(keeper.id)).await.unwrap(), 5);
    tx.commit().await.unwrap();
}
