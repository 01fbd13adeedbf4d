//! Transactions: dropped means rolled back, committed means visible to later ones.

use ferry_core::model::{Owner, RootKind};
use ferry_core::ports::MetaStore;

use crate::fixtures::{insert, root, user};

pub async fn story(store: &dyn MetaStore) {
    // A write transaction dropped without commit leaves nothing behind.
    let ghost = user("ghost");
    let ghost_home = root(Owner::User(ghost.id), RootKind::Home);
    {
        let mut tx = store.write().await.unwrap();
        tx.insert_user(&ghost).await.unwrap();
        insert(tx.as_mut(), &ghost_home).await;
        assert!(
            tx.user_by_id(ghost.id).await.unwrap().is_some(),
            "a transaction sees its own writes"
        );
    }
    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.user_by_id(ghost.id).await.unwrap(), None);
    assert_eq!(tx.node_by_id(ghost_home.id).await.unwrap(), None);
    drop(tx);

    // ... and does not keep holding the write lock: the next writer gets on at once.
    let kept = user("kept");
    let mut tx = store.write().await.unwrap();
    tx.insert_user(&kept).await.unwrap();

    // Uncommitted writes are invisible to other transactions.
    let mut reader = store.read().await.unwrap();
    assert_eq!(reader.user_by_id(kept.id).await.unwrap(), None);
    drop(reader);

    tx.commit().await.unwrap();

    // A committed transaction is seen by a new one.
    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.user_by_id(kept.id).await.unwrap(), Some(kept.clone()));
    tx.commit().await.unwrap();

    // A statement that fails for a reason other than a taken name (here a star on a node
    // that does not exist) is an error. Whatever the backend then does with the transaction,
    // `commit` never reports success while dropping the writes made before the failure.
    let partial = user("partial");
    let mut tx = store.write().await.unwrap();
    tx.insert_user(&partial).await.unwrap();
    let failed = tx
        .set_starred(partial.id, ferry_core::ids::NodeId::generate(), true)
        .await;
    assert!(
        matches!(failed, Err(ferry_core::Error::Internal(_))),
        "{failed:?}"
    );
    let committed = tx.commit().await.is_ok();
    let mut tx = store.read().await.unwrap();
    let persisted = tx.user_by_id(partial.id).await.unwrap().is_some();
    assert_eq!(
        committed, persisted,
        "commit said {committed}, the user persisted: {persisted}"
    );
    drop(tx);

    // An explicit rollback by drop after reads only is harmless too.
    let tx = store.read().await.unwrap();
    drop(tx);
    let mut tx = store.write().await.unwrap();
    assert!(tx.delete_user(kept.id).await.unwrap());
    tx.commit().await.unwrap();
}
