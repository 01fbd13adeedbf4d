//! Sessions and upload tokens.

use ferry_core::model::{Session, UploadToken};
use ferry_core::ports::MetaStore;

use crate::fixtures::{NOW, assert_already_exists, session, tag, user_with_home};

pub async fn story(store: &dyn MetaStore) {
    let (ann, ann_home) = user_with_home(store, "ann").await;
    let (ben, _) = user_with_home(store, "ben").await;
    let day = 86_400_000;

    let s1 = session(ann.id, NOW + day);
    let s2 = session(ann.id, NOW + day);
    let stale = session(ann.id, NOW - 1);
    let ben_live = session(ben.id, NOW + day);
    let ben_stale = session(ben.id, NOW - day);
    // Expiring exactly now has not expired *before* now.
    let ben_edge = session(ben.id, NOW);

    let mut tx = store.write().await.unwrap();
    for s in [&s1, &s2, &stale, &ben_live, &ben_stale, &ben_edge] {
        tx.insert_session(s).await.unwrap();
    }
    // Token hashes and file key hashes are unique.
    assert_already_exists(
        tx.insert_session(&Session {
            token_hash: s1.token_hash.clone(),
            ..session(ann.id, NOW)
        })
        .await,
    );
    assert_already_exists(
        tx.insert_session(&Session {
            file_key_hash: s1.file_key_hash.clone(),
            ..session(ann.id, NOW)
        })
        .await,
    );
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.session_by_token_hash(&s1.token_hash).await.unwrap(),
        Some(s1.clone())
    );
    assert_eq!(
        tx.session_by_file_key_hash(&s2.file_key_hash)
            .await
            .unwrap(),
        Some(s2.clone())
    );
    assert_eq!(
        tx.session_by_token_hash(&s1.file_key_hash).await.unwrap(),
        None,
        "the two hashes do not mix"
    );
    assert_eq!(
        tx.session_by_file_key_hash(&s1.token_hash).await.unwrap(),
        None
    );
    assert_eq!(
        tx.session_by_token_hash(&format!("nope-{}", tag()))
            .await
            .unwrap(),
        None
    );
    drop(tx);

    let mut tx = store.write().await.unwrap();
    tx.delete_session(s1.id).await.unwrap();
    assert_eq!(
        tx.session_by_token_hash(&s1.token_hash).await.unwrap(),
        None
    );
    // Deleting what is gone is no error.
    tx.delete_session(s1.id).await.unwrap();
    // s2 and stale are left of ann's.
    assert_eq!(tx.delete_sessions_of(ann.id).await.unwrap(), 2);
    assert_eq!(
        tx.session_by_token_hash(&s2.token_hash).await.unwrap(),
        None
    );
    assert_eq!(tx.delete_sessions_of(ann.id).await.unwrap(), 0);
    assert_eq!(
        tx.session_by_token_hash(&ben_live.token_hash)
            .await
            .unwrap(),
        Some(ben_live.clone())
    );
    tx.commit().await.unwrap();

    // Upload tokens work once.
    let token = |expires_ms| UploadToken {
        token_hash: format!("upload-{}", tag()),
        user_id: ann.id,
        node_id: ann_home.id,
        expires_ms,
    };
    let fresh = token(NOW + day);
    let old = token(NOW - 1);
    let mut tx = store.write().await.unwrap();
    tx.insert_upload_token(&fresh).await.unwrap();
    tx.insert_upload_token(&old).await.unwrap();
    assert_already_exists(
        tx.insert_upload_token(&UploadToken {
            expires_ms: NOW,
            ..fresh.clone()
        })
        .await,
    );
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    assert_eq!(
        tx.take_upload_token(&fresh.token_hash).await.unwrap(),
        Some(fresh.clone())
    );
    assert_eq!(
        tx.take_upload_token(&fresh.token_hash).await.unwrap(),
        None,
        "a token works once"
    );
    tx.commit().await.unwrap();
    let mut tx = store.write().await.unwrap();
    assert_eq!(
        tx.take_upload_token(&fresh.token_hash).await.unwrap(),
        None,
        "also after commit"
    );

    // Expired sessions and tokens go; the rest stay.
    let kept_token = token(NOW);
    tx.insert_upload_token(&kept_token).await.unwrap();
    let removed = tx.delete_expired(NOW).await.unwrap();
    assert_eq!(removed, 2, "ben's stale session and the old token");
    assert_eq!(
        tx.session_by_token_hash(&ben_stale.token_hash)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        tx.session_by_token_hash(&ben_live.token_hash)
            .await
            .unwrap(),
        Some(ben_live)
    );
    assert_eq!(
        tx.session_by_token_hash(&ben_edge.token_hash)
            .await
            .unwrap(),
        Some(ben_edge)
    );
    assert_eq!(tx.delete_expired(NOW).await.unwrap(), 0);
    assert_eq!(tx.take_upload_token(&old.token_hash).await.unwrap(), None);
    assert_eq!(
        tx.take_upload_token(&kept_token.token_hash).await.unwrap(),
        Some(kept_token)
    );
    tx.commit().await.unwrap();
}
