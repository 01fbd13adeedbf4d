//! WebDrive endpoints: one per owner, names unique, gone with their owner.

use ferry_core::model::Owner;
use ferry_core::ports::MetaStore;
use ferry_core::webdrive::WebDrive;

use crate::fixtures::{NOW, assert_already_exists, tag, user_with_home};

/// A fresh 3–10 character name (runs share a PostgreSQL database).
fn name(prefix: &str) -> String {
    let t: String = tag().chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{prefix}{}", &t[t.len().saturating_sub(7)..]).to_lowercase()
}

pub async fn story(store: &dyn MetaStore) {
    let (ann, _) = user_with_home(store, "ann").await;
    let (bob, _) = user_with_home(store, "bob").await;
    let sales = crate::groups::group("sales");
    let mine = WebDrive {
        endpoint: name("a"),
        owner: Owner::User(ann.id),
        show_to_members: false,
        created_ms: NOW,
    };
    let team = WebDrive {
        endpoint: name("g"),
        owner: Owner::Group(sales.id),
        show_to_members: true,
        created_ms: NOW,
    };
    let mut tx = store.write().await.unwrap();
    tx.insert_group(&sales).await.unwrap();
    tx.put_webdrive(&mine).await.unwrap();
    tx.put_webdrive(&team).await.unwrap();
    assert_eq!(
        tx.webdrive_of(Owner::User(ann.id)).await.unwrap(),
        Some(mine.clone())
    );
    assert_eq!(
        tx.webdrive_by_endpoint(&team.endpoint).await.unwrap(),
        Some(team.clone())
    );
    assert_eq!(tx.webdrive_of(Owner::User(bob.id)).await.unwrap(), None);
    // Replacing: the owner's old name is free again.
    let renamed = WebDrive {
        endpoint: name("b"),
        ..mine.clone()
    };
    tx.put_webdrive(&renamed).await.unwrap();
    assert_eq!(tx.webdrive_by_endpoint(&mine.endpoint).await.unwrap(), None);
    assert_eq!(
        tx.webdrive_of(Owner::User(ann.id)).await.unwrap(),
        Some(renamed.clone())
    );
    tx.commit().await.unwrap();

    // A name another owner holds is taken.
    let mut tx = store.write().await.unwrap();
    assert_already_exists(
        tx.put_webdrive(&WebDrive {
            endpoint: team.endpoint.clone(),
            owner: Owner::User(bob.id),
            show_to_members: false,
            created_ms: NOW,
        })
        .await,
    );
    drop(tx);

    let mut tx = store.write().await.unwrap();
    assert!(tx.delete_webdrive_of(Owner::User(ann.id)).await.unwrap());
    assert!(!tx.delete_webdrive_of(Owner::User(ann.id)).await.unwrap());
    // An endpoint goes with its owner.
    assert!(tx.delete_group(sales.id).await.unwrap());
    assert_eq!(tx.webdrive_by_endpoint(&team.endpoint).await.unwrap(), None);
    tx.commit().await.unwrap();
}
