//! App passwords and login flows.

use ferry_core::ids::{AppPasswordId, LoginFlowId};
use ferry_core::model::{AppPassword, LoginFlow, LoginGrant};
use ferry_core::ports::MetaStore;

use crate::fixtures::{NOW, assert_already_exists, tag, user_with_home};

fn app_password(user: ferry_core::UserId, created_ms: i64) -> AppPassword {
    AppPassword {
        id: AppPasswordId::generate(),
        user_id: user,
        name: format!("device {}", tag()),
        token_hash: format!("ap-{}", tag()),
        created_ms,
        last_used_ms: None,
    }
}

fn flow(expires_ms: i64) -> LoginFlow {
    LoginFlow {
        id: LoginFlowId::generate(),
        poll_token_hash: format!("poll-{}", tag()),
        login_token_hash: format!("login-{}", tag()),
        created_ms: NOW,
        expires_ms,
        sealed_app_password: format!("sealed-{}", tag()),
        app_password_hash: format!("aph-{}", tag()),
        grant: None,
    }
}

pub async fn story(store: &dyn MetaStore) {
    let (ann, _) = user_with_home(store, "ann").await;
    let (ben, _) = user_with_home(store, "ben").await;

    // App passwords: unique hashes, newest first, touch, delete.
    let older = app_password(ann.id, NOW);
    let newer = app_password(ann.id, NOW + 10);
    let bens = app_password(ben.id, NOW);
    let mut tx = store.write().await.unwrap();
    for p in [&older, &newer, &bens] {
        tx.insert_app_password(p).await.unwrap();
    }
    assert_already_exists(
        tx.insert_app_password(&AppPassword {
            token_hash: older.token_hash.clone(),
            ..app_password(ann.id, NOW)
        })
        .await,
    );
    tx.touch_app_password(older.id, NOW + 99).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let found = tx
        .app_password_by_hash(&older.token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.last_used_ms, Some(NOW + 99));
    assert_eq!(found.name, older.name);
    assert_eq!(tx.app_password_by_hash("no-such-hash").await.unwrap(), None);
    let listed: Vec<_> = tx
        .list_app_passwords(ann.id)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(
        listed,
        vec![newer.id, older.id],
        "newest first, only the user's own"
    );
    drop(tx);

    let mut tx = store.write().await.unwrap();
    assert!(tx.delete_app_password(newer.id).await.unwrap());
    assert!(!tx.delete_app_password(newer.id).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.list_app_passwords(ann.id).await.unwrap().len(), 1);
    assert_eq!(tx.list_app_passwords(ben.id).await.unwrap().len(), 1);
    drop(tx);

    // Login flows: by either hash, granted once, expired ones swept, deleted.
    let pending = flow(NOW + 1000);
    let stale = flow(NOW - 1);
    let mut tx = store.write().await.unwrap();
    tx.insert_login_flow(&pending).await.unwrap();
    tx.insert_login_flow(&stale).await.unwrap();
    assert_already_exists(
        tx.insert_login_flow(&LoginFlow {
            poll_token_hash: pending.poll_token_hash.clone(),
            ..flow(NOW + 1000)
        })
        .await,
    );
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.login_flow_by_poll_hash(&pending.poll_token_hash)
            .await
            .unwrap(),
        Some(pending.clone())
    );
    assert_eq!(
        tx.login_flow_by_login_hash(&pending.login_token_hash)
            .await
            .unwrap(),
        Some(pending.clone())
    );
    assert_eq!(
        tx.login_flow_by_login_hash(&pending.poll_token_hash)
            .await
            .unwrap(),
        None,
        "hashes do not mix"
    );
    drop(tx);

    let grant = LoginGrant {
        user_id: ann.id,
        login_name: ann.username.clone(),
    };
    let mut tx = store.write().await.unwrap();
    assert!(tx.grant_login_flow(pending.id, &grant).await.unwrap());
    assert!(
        !tx.grant_login_flow(pending.id, &grant).await.unwrap(),
        "a flow is granted once"
    );
    tx.delete_expired(NOW).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let granted = tx
        .login_flow_by_poll_hash(&pending.poll_token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(granted.grant, Some(grant));
    assert_eq!(granted.sealed_app_password, pending.sealed_app_password);
    assert_eq!(
        tx.login_flow_by_poll_hash(&stale.poll_token_hash)
            .await
            .unwrap(),
        None,
        "expired flows are swept"
    );
    drop(tx);

    let mut tx = store.write().await.unwrap();
    tx.delete_login_flow(pending.id).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.login_flow_by_poll_hash(&pending.poll_token_hash)
            .await
            .unwrap(),
        None
    );
    drop(tx);

    // Deleting a user takes their app passwords along.
    let mut tx = store.write().await.unwrap();
    assert!(tx.delete_user(ben.id).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.app_password_by_hash(&bens.token_hash).await.unwrap(),
        None
    );
}
