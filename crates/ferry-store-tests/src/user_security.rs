//! The account beyond its credentials: details and notification settings, the TOTP state
//! with its replay guard, login history, and the login failure counters.

use ferry_core::ids::UserId;
use ferry_core::model::{LoginAction, LoginEvent, NotificationSettings, UserDetails};
use ferry_core::ports::MetaStore;

use crate::fixtures::{NOW, assert_not_found, tag, user_with_home};

fn event(user: UserId, action: LoginAction, status: &str, at_ms: i64) -> LoginEvent {
    LoginEvent {
        id: uuid::Uuid::now_v7(),
        user_id: user,
        action,
        status: status.to_owned(),
        ip_address: "192.0.2.7".to_owned(),
        details: "password".to_owned(),
        at_ms,
    }
}

pub async fn story(store: &dyn MetaStore) {
    details(store).await;
    totp(store).await;
    history(store).await;
    failures(store).await;
}

async fn details(store: &dyn MetaStore) {
    let (ann, _) = user_with_home(store, "ann").await;
    let mut tx = store.write().await.unwrap();
    // A new account has the defaults: English, empty profile, every notification on.
    assert_eq!(
        tx.user_details(ann.id).await.unwrap(),
        Some(UserDetails::default())
    );
    assert_eq!(tx.user_details(UserId::generate()).await.unwrap(), None);
    let changed = UserDetails {
        language: "pt-BR".into(),
        phone: "+1 555 0100".into(),
        address: "1 Main St".into(),
        website: "https://example.org".into(),
        twitter: "@ann".into(),
        avatar: Some("data:image/png;base64,iVBORw0KGgo=".into()),
        admin_comment: "made by the story".into(),
        notifications: NotificationSettings {
            email_alert_owned: false,
            realtime_alert_shared_with_my_groups: false,
            ..NotificationSettings::default()
        },
        // Ignored on write: 2FA has its own methods.
        twofa: true,
    };
    tx.set_user_details(ann.id, &changed).await.unwrap();
    assert_not_found(tx.set_user_details(UserId::generate(), &changed).await);
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let read = tx.user_details(ann.id).await.unwrap().unwrap();
    assert_eq!(
        read,
        UserDetails {
            twofa: false,
            ..changed.clone()
        }
    );
    // The account record itself is untouched.
    assert_eq!(tx.user_by_id(ann.id).await.unwrap(), Some(ann.clone()));
    drop(tx);

    let mut tx = store.write().await.unwrap();
    tx.set_user_details(
        ann.id,
        &UserDetails {
            avatar: None,
            ..changed
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.user_details(ann.id).await.unwrap().unwrap().avatar, None);
}

async fn totp(store: &dyn MetaStore) {
    let (ben, _) = user_with_home(store, "ben").await;
    let mut tx = store.write().await.unwrap();
    assert_eq!(tx.user_totp(ben.id).await.unwrap(), None);
    // With 2FA off no step is ever accepted.
    assert!(!tx.accept_totp_step(ben.id, 10).await.unwrap());
    tx.set_user_totp(ben.id, Some("JBSWY3DPEHPK3PXP"))
        .await
        .unwrap();
    assert_not_found(
        tx.set_user_totp(UserId::generate(), Some("JBSWY3DPEHPK3PXP"))
            .await,
    );
    let state = tx.user_totp(ben.id).await.unwrap().unwrap();
    assert_eq!(state.secret, "JBSWY3DPEHPK3PXP");
    assert_eq!(state.last_step, None);
    assert!(tx.user_details(ben.id).await.unwrap().unwrap().twofa);
    // A step is accepted once; an older one never again; a later one is.
    assert!(tx.accept_totp_step(ben.id, 100).await.unwrap());
    assert!(!tx.accept_totp_step(ben.id, 100).await.unwrap());
    assert!(!tx.accept_totp_step(ben.id, 99).await.unwrap());
    assert!(tx.accept_totp_step(ben.id, 101).await.unwrap());
    assert_eq!(
        tx.user_totp(ben.id).await.unwrap().unwrap().last_step,
        Some(101)
    );
    tx.commit().await.unwrap();

    // A new secret starts afresh; turning it off forgets it.
    let mut tx = store.write().await.unwrap();
    tx.set_user_totp(ben.id, Some("KRSXG5CTMVRXEZLU"))
        .await
        .unwrap();
    assert_eq!(tx.user_totp(ben.id).await.unwrap().unwrap().last_step, None);
    tx.set_user_totp(ben.id, None).await.unwrap();
    assert_eq!(tx.user_totp(ben.id).await.unwrap(), None);
    assert!(!tx.user_details(ben.id).await.unwrap().unwrap().twofa);
    tx.commit().await.unwrap();
}

async fn history(store: &dyn MetaStore) {
    let (cat, _) = user_with_home(store, "cat").await;
    let (dan, _) = user_with_home(store, "dan").await;
    let first = event(cat.id, LoginAction::Login, "failure", NOW);
    let second = event(cat.id, LoginAction::Login, "success", NOW + 1);
    let third = event(cat.id, LoginAction::Logout, "success", NOW + 2);
    let other = event(dan.id, LoginAction::Login, "success", NOW + 3);
    let mut tx = store.write().await.unwrap();
    for e in [&first, &second, &third, &other] {
        tx.insert_login_event(e).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.list_login_events(cat.id, 10).await.unwrap(),
        vec![third.clone(), second.clone(), first]
    );
    assert_eq!(
        tx.list_login_events(cat.id, 2).await.unwrap(),
        vec![third, second]
    );
    assert_eq!(
        tx.list_login_events(dan.id, 10).await.unwrap(),
        vec![other.clone()]
    );
    drop(tx);

    // Old events go, per user.
    let mut tx = store.write().await.unwrap();
    assert_eq!(tx.forget_login_events(cat.id, NOW + 1).await.unwrap(), 1);
    assert_eq!(tx.list_login_events(cat.id, 10).await.unwrap().len(), 2);
    assert_eq!(tx.list_login_events(dan.id, 10).await.unwrap(), vec![other]);
    tx.commit().await.unwrap();

    // The history goes with the account.
    let mut tx = store.write().await.unwrap();
    assert!(tx.delete_user(cat.id).await.unwrap());
    assert!(tx.list_login_events(cat.id, 10).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

async fn failures(store: &dyn MetaStore) {
    let key = format!("user:{}", tag());
    let other = format!("ip:{}", tag());
    let mut tx = store.write().await.unwrap();
    for at in [NOW, NOW + 10, NOW + 20, NOW + 20] {
        tx.add_login_failure(&key, at).await.unwrap();
    }
    tx.add_login_failure(&other, NOW + 5).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.recent_login_failures(&key, NOW - 1, 10).await.unwrap(),
        vec![NOW + 20, NOW + 20, NOW + 10, NOW]
    );
    // Only those later than `since`, newest first, at most `limit`.
    assert_eq!(
        tx.recent_login_failures(&key, NOW, 2).await.unwrap(),
        vec![NOW + 20, NOW + 20]
    );
    assert_eq!(
        tx.recent_login_failures(&other, NOW - 1, 10).await.unwrap(),
        vec![NOW + 5]
    );
    drop(tx);

    let mut tx = store.write().await.unwrap();
    // Forgetting is by age across every key: NOW and NOW + 5 go.
    assert!(tx.forget_login_failures(NOW + 10).await.unwrap() >= 2);
    assert_eq!(
        tx.recent_login_failures(&key, NOW - 1, 10).await.unwrap(),
        vec![NOW + 20, NOW + 20, NOW + 10]
    );
    assert!(
        tx.recent_login_failures(&other, NOW - 1, 10)
            .await
            .unwrap()
            .is_empty()
    );
    tx.clear_login_failures(&key).await.unwrap();
    assert!(
        tx.recent_login_failures(&key, NOW - 1, 10)
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();
}
