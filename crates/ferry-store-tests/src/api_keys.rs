//! API keys.

use ferry_core::ids::ApiKeyId;
use ferry_core::model::{ApiKey, ApiKeyStatus, ApiScope};
use ferry_core::ports::MetaStore;

use crate::fixtures::{NOW, assert_already_exists, tag, user_with_home};

fn key(user: ferry_core::UserId, created_ms: i64) -> ApiKey {
    ApiKey {
        id: ApiKeyId::generate(),
        user_id: user,
        name: format!("key {}", tag()),
        prefix: "fo_live_abcdef".into(),
        token_hash: format!("kh-{}", tag()),
        scopes: vec![ApiScope::Read, ApiScope::ManageWebhooks],
        status: ApiKeyStatus::Active,
        created_ms,
        last_used_ms: None,
        expires_ms: Some(created_ms + 1000),
        revoked_ms: None,
    }
}

pub async fn story(store: &dyn MetaStore) {
    let (ann, _) = user_with_home(store, "ann").await;
    let older = key(ann.id, NOW);
    let newer = ApiKey {
        expires_ms: None,
        ..key(ann.id, NOW + 5)
    };
    let mut tx = store.write().await.unwrap();
    tx.insert_api_key(&older).await.unwrap();
    tx.insert_api_key(&newer).await.unwrap();
    assert_already_exists(
        tx.insert_api_key(&ApiKey {
            token_hash: older.token_hash.clone(),
            ..key(ann.id, NOW)
        })
        .await,
    );
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.api_key_by_id(older.id).await.unwrap(),
        Some(older.clone())
    );
    assert_eq!(
        tx.api_key_by_hash(&newer.token_hash).await.unwrap(),
        Some(newer.clone()),
        "scopes and a missing expiry round-trip"
    );
    assert_eq!(tx.api_key_by_hash("nope").await.unwrap(), None);
    let listed: Vec<_> = tx
        .list_api_keys()
        .await
        .unwrap()
        .into_iter()
        .filter(|k| k.user_id == ann.id)
        .map(|k| k.id)
        .collect();
    assert_eq!(listed, vec![newer.id, older.id], "newest first");
    drop(tx);

    let revoked = ApiKey {
        name: "renamed".into(),
        scopes: vec![ApiScope::FullAccess],
        status: ApiKeyStatus::Revoked,
        revoked_ms: Some(NOW + 9),
        ..older.clone()
    };
    let mut tx = store.write().await.unwrap();
    tx.update_api_key(&revoked).await.unwrap();
    tx.touch_api_key(revoked.id, NOW + 10).await.unwrap();
    assert!(
        tx.update_api_key(&key(ann.id, NOW)).await.is_err(),
        "updating a missing key fails"
    );
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    let got = tx.api_key_by_id(older.id).await.unwrap().unwrap();
    assert_eq!(got.name, "renamed");
    assert_eq!(got.status, ApiKeyStatus::Revoked);
    assert_eq!(got.scopes, vec![ApiScope::FullAccess]);
    assert_eq!(got.revoked_ms, Some(NOW + 9));
    assert_eq!(got.last_used_ms, Some(NOW + 10));
    drop(tx);

    let mut tx = store.write().await.unwrap();
    assert!(tx.delete_api_key(newer.id).await.unwrap());
    assert!(!tx.delete_api_key(newer.id).await.unwrap());
    assert!(tx.delete_user(ann.id).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.api_key_by_id(older.id).await.unwrap(),
        None,
        "a user's keys go with the user"
    );
}
