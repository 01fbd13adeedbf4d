//! Users: insert, the three lookups, uniqueness, update, list.

use ferry_core::ids::UserId;
use ferry_core::model::User;
use ferry_core::ports::MetaStore;

use crate::fixtures::{NOW, assert_already_exists, assert_not_found, tag, user};

pub async fn story(store: &dyn MetaStore) {
    let alice = User {
        email: Some(format!("Alice.{}@Example.COM", tag())),
        is_admin: true,
        quota_bytes: 1 << 30,
        last_login_ms: Some(NOW + 5),
        ..user("alice")
    };
    let bob = User {
        email: None,
        ..user("bob")
    };
    let carol = user("carol");

    let mut tx = store.write().await.unwrap();
    for u in [&alice, &bob, &carol] {
        tx.insert_user(u).await.unwrap();
    }

    // Taken username, taken email (in another case), taken id: each refused, and the
    // transaction stays usable after the refusal.
    assert_already_exists(
        tx.insert_user(&User {
            id: UserId::generate(),
            email: None,
            ..alice.clone()
        })
        .await,
    );
    let shouting = alice.email.as_ref().unwrap().to_uppercase();
    assert_already_exists(
        tx.insert_user(&User {
            email: Some(shouting.clone()),
            ..user("alias")
        })
        .await,
    );
    assert_already_exists(
        tx.insert_user(&User {
            id: alice.id,
            ..user("twin")
        })
        .await,
    );
    // Two users without email are fine.
    let dave = User {
        email: None,
        ..user("dave")
    };
    tx.insert_user(&dave).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.user_by_id(alice.id).await.unwrap(), Some(alice.clone()));
    assert_eq!(tx.user_by_id(bob.id).await.unwrap(), Some(bob.clone()));
    assert_eq!(tx.user_by_id(UserId::generate()).await.unwrap(), None);

    // By username (exactly), or by email in any case.
    assert_eq!(
        tx.user_by_login(&alice.username).await.unwrap(),
        Some(alice.clone())
    );
    assert_eq!(
        tx.user_by_login(&shouting).await.unwrap(),
        Some(alice.clone())
    );
    let whisper = alice.email.as_ref().unwrap().to_lowercase();
    assert_eq!(
        tx.user_by_login(&whisper).await.unwrap(),
        Some(alice.clone())
    );
    assert_eq!(
        tx.user_by_login(&alice.username.to_uppercase())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        tx.user_by_login(&format!("nobody-{}", tag()))
            .await
            .unwrap(),
        None
    );

    // Our users come back from the list, in username order.
    let listed = tx.list_users().await.unwrap();
    let ours: Vec<&User> = listed
        .iter()
        .filter(|u| [alice.id, bob.id, carol.id, dave.id].contains(&u.id))
        .collect();
    assert_eq!(ours.len(), 4);
    assert!(ours.contains(&&alice) && ours.contains(&&bob));
    let all_names: Vec<&str> = listed.iter().map(|u| u.username.as_str()).collect();
    let mut sorted = all_names.clone();
    sorted.sort_unstable();
    assert_eq!(all_names, sorted, "list_users is ordered by username");
    drop(tx);

    // Email case folding goes beyond ASCII, the same on every backend.
    let erik = User {
        email: Some(format!("ÆRØ.{}@Example.org", tag())),
        ..user("erik")
    };
    let mut tx = store.write().await.unwrap();
    tx.insert_user(&erik).await.unwrap();
    let folded = erik.email.as_ref().unwrap().to_lowercase();
    assert_eq!(
        tx.user_by_login(&folded).await.unwrap().map(|u| u.id),
        Some(erik.id)
    );
    assert_already_exists(
        tx.insert_user(&User {
            email: Some(folded),
            ..user("erika")
        })
        .await,
    );

    // A username that is spelled like another user's email wins the login lookup.
    let squatter = User {
        username: carol.email.clone().unwrap(),
        email: None,
        ..user("squatter")
    };
    tx.insert_user(&squatter).await.unwrap();
    assert_eq!(
        tx.user_by_login(carol.email.as_ref().unwrap())
            .await
            .unwrap()
            .map(|u| u.id),
        Some(squatter.id)
    );
    tx.commit().await.unwrap();

    // Update replaces every field but id and created_ms.
    let renamed = User {
        username: format!("alice2-{}", tag()),
        email: Some(format!("a2.{}@example.net", tag())),
        display_name: "Alice Two".into(),
        password_hash: "$argon2id$other".into(),
        is_admin: false,
        is_active: false,
        quota_bytes: 42,
        created_ms: 1,
        last_login_ms: None,
        ..alice.clone()
    };
    let mut tx = store.write().await.unwrap();
    tx.update_user(&renamed).await.unwrap();
    let stored = tx.user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(
        stored,
        User {
            created_ms: alice.created_ms,
            ..renamed.clone()
        }
    );
    // The old email no longer finds her; the new one does, in any case.
    assert_eq!(tx.user_by_login(&whisper).await.unwrap(), None);
    let new_email = renamed.email.clone().unwrap().to_uppercase();
    assert_eq!(
        tx.user_by_login(&new_email).await.unwrap().map(|u| u.id),
        Some(alice.id)
    );
    // Saving a user unchanged is not a clash with itself.
    tx.update_user(&stored).await.unwrap();
    // Someone else's username or email is refused, and the transaction goes on.
    assert_already_exists(
        tx.update_user(&User {
            username: bob.username.clone(),
            ..stored.clone()
        })
        .await,
    );
    let carol_loud = carol.email.as_ref().unwrap().to_uppercase();
    assert_already_exists(
        tx.update_user(&User {
            email: Some(carol_loud),
            ..stored.clone()
        })
        .await,
    );
    assert_not_found(
        tx.update_user(&User {
            id: UserId::generate(),
            ..user("ghost")
        })
        .await,
    );
    assert_eq!(tx.user_by_id(alice.id).await.unwrap(), Some(stored.clone()));
    // The freed email can be taken by someone else.
    tx.insert_user(&User {
        email: alice.email.clone(),
        ..user("heir")
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.user_by_id(alice.id).await.unwrap(), Some(stored));
}
