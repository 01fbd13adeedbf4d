//! Chunked upload sessions and their parts: keyed per user, idle expiry, parts in byte
//! order, the blob references they hold, and what goes when a session, folder or user goes.

use ferry_core::ids::{UploadId, UserId};
use ferry_core::model::{UploadDestination, UploadPart, UploadSession, UploadVariant};
use ferry_core::ports::MetaStore;

use crate::fixtures::{NOW, assert_already_exists, dir, hash, insert, tag, user_with_home};

fn session(user: UserId, variant: UploadVariant, touched_ms: i64) -> UploadSession {
    UploadSession {
        id: UploadId::generate(),
        user_id: user,
        transfer_id: format!("transfer-{}", tag()),
        variant,
        destination: None,
        total_length: None,
        chunk_count: None,
        created_ms: NOW,
        touched_ms,
        assembling_ms: None,
    }
}

fn part(session: &UploadSession, name: &str, size: i64) -> UploadPart {
    UploadPart {
        upload_id: session.id,
        name: name.to_owned(),
        content_hash: hash(),
        size,
        created_ms: NOW,
    }
}

fn names(parts: &[UploadPart]) -> Vec<&str> {
    parts.iter().map(|p| p.name.as_str()).collect()
}

pub async fn story(store: &dyn MetaStore) {
    sessions_are_per_user_and_expire(store).await;
    parts_replace_sort_and_count(store).await;
    sessions_go_with_their_folder_and_user(store).await;
}

async fn sessions_are_per_user_and_expire(store: &dyn MetaStore) {
    let (uma, home) = user_with_home(store, "uma").await;
    let (ugo, _) = user_with_home(store, "ugo").await;
    let v1 = session(uma.id, UploadVariant::V1, NOW);
    let v2 = UploadSession {
        destination: Some(UploadDestination {
            parent: home.id,
            name: "big.bin".into(),
        }),
        total_length: Some(30),
        ..session(uma.id, UploadVariant::V2, NOW)
    };
    let legacy = UploadSession {
        transfer_id: format!("legacy/{}", tag()),
        destination: v2.destination.clone(),
        chunk_count: Some(3),
        ..session(uma.id, UploadVariant::Legacy, NOW - 10)
    };

    let mut tx = store.write().await.unwrap();
    for s in [&v1, &v2, &legacy] {
        tx.insert_upload_session(s).await.unwrap();
    }
    // One transfer id per user; another user may use the same one.
    assert_already_exists(
        tx.insert_upload_session(&UploadSession {
            id: UploadId::generate(),
            ..v1.clone()
        })
        .await,
    );
    let ugos = UploadSession {
        transfer_id: v1.transfer_id.clone(),
        ..session(ugo.id, UploadVariant::V1, NOW)
    };
    tx.insert_upload_session(&ugos).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    for s in [&v1, &v2, &legacy, &ugos] {
        assert_eq!(
            tx.upload_session(s.user_id, &s.transfer_id, NOW - 10)
                .await
                .unwrap()
                .as_ref(),
            Some(s),
            "{} round-trips",
            s.variant.as_str()
        );
    }
    // Idle before the cutoff counts as gone; the session exists until it is swept.
    assert_eq!(
        tx.upload_session(uma.id, &legacy.transfer_id, NOW - 9)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        tx.upload_session(uma.id, "no-such-transfer", 0)
            .await
            .unwrap(),
        None
    );

    // Touching returns the session as updated, and only a live one.
    let touched = tx
        .touch_upload_session(uma.id, &v1.transfer_id, NOW, NOW + 5)
        .await
        .unwrap();
    assert_eq!(
        touched,
        Some(UploadSession {
            touched_ms: NOW + 5,
            ..v1.clone()
        })
    );
    assert_eq!(
        tx.touch_upload_session(uma.id, &legacy.transfer_id, NOW - 9, NOW + 5)
            .await
            .unwrap(),
        None,
        "an expired session is not revived"
    );
    assert_eq!(
        tx.touch_upload_session(ugo.id, &v2.transfer_id, 0, NOW)
            .await
            .unwrap(),
        None,
        "another user's transfer id"
    );

    tx.set_upload_assembling(v2.id, Some(NOW + 7))
        .await
        .unwrap();
    let claimed = tx
        .upload_session(uma.id, &v2.transfer_id, 0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.assembling_ms, Some(NOW + 7));
    tx.set_upload_assembling(v2.id, None).await.unwrap();
    let released = tx
        .upload_session(uma.id, &v2.transfer_id, 0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(released.assembling_ms, None);
    tx.commit().await.unwrap();

    // The idle sweep takes the legacy session (touched NOW - 10) only. Earlier story runs
    // on the same database may have left older sessions, hence the lower bound.
    let mut tx = store.write().await.unwrap();
    let swept = tx.delete_idle_upload_sessions(NOW - 9).await.unwrap();
    assert!(swept >= 1, "swept {swept}");
    assert_eq!(
        tx.upload_session(uma.id, &legacy.transfer_id, 0)
            .await
            .unwrap(),
        None
    );
    assert!(
        tx.upload_session(uma.id, &v2.transfer_id, 0)
            .await
            .unwrap()
            .is_some()
    );

    assert!(tx.delete_upload_session(v1.id).await.unwrap());
    assert!(
        !tx.delete_upload_session(v1.id).await.unwrap(),
        "already gone"
    );
    assert!(
        tx.upload_session(ugo.id, &ugos.transfer_id, 0)
            .await
            .unwrap()
            .is_some(),
        "ugo's session of the same name stays"
    );
    tx.commit().await.unwrap();
}

async fn parts_replace_sort_and_count(store: &dyn MetaStore) {
    let (pia, _) = user_with_home(store, "pia").await;
    let (pit, _) = user_with_home(store, "pit").await;
    let first = session(pia.id, UploadVariant::V1, NOW);
    let second = session(pia.id, UploadVariant::V2, NOW);
    let others = session(pit.id, UploadVariant::V1, NOW);

    let mut tx = store.write().await.unwrap();
    for s in [&first, &second, &others] {
        tx.insert_upload_session(s).await.unwrap();
    }
    assert_eq!(tx.upload_part_bytes(pia.id).await.unwrap(), 0);
    // Byte order: digits before upper case before lower case, "10" before "2".
    let p2 = part(&first, "2", 20);
    let p10 = part(&first, "10", 100);
    let upper = part(&first, "B", 1);
    let lower = part(&first, "a", 2);
    for p in [&p2, &p10, &lower, &upper] {
        assert_eq!(tx.put_upload_part(p).await.unwrap(), None, "new part");
    }
    tx.put_upload_part(&part(&second, "1", 1000)).await.unwrap();
    tx.put_upload_part(&part(&others, "1", 5)).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    let parts = tx.list_upload_parts(first.id).await.unwrap();
    assert_eq!(names(&parts), ["10", "2", "B", "a"]);
    assert_eq!(parts[1], p2);
    assert_eq!(tx.upload_part_bytes(pia.id).await.unwrap(), 123 + 1000);
    assert_eq!(tx.upload_part_bytes(pit.id).await.unwrap(), 5);
    assert!(tx.blob_is_referenced(&p2.content_hash).await.unwrap());

    // Replacing returns the old part and frees its blob reference.
    let p2_again = part(&first, "2", 25);
    assert_eq!(
        tx.put_upload_part(&p2_again).await.unwrap(),
        Some(p2.clone())
    );
    assert!(!tx.blob_is_referenced(&p2.content_hash).await.unwrap());
    assert!(tx.blob_is_referenced(&p2_again.content_hash).await.unwrap());
    assert_eq!(tx.upload_part_bytes(pia.id).await.unwrap(), 128 + 1000);

    assert!(tx.delete_upload_part(first.id, "B").await.unwrap());
    assert!(!tx.delete_upload_part(first.id, "B").await.unwrap());
    assert!(
        !tx.delete_upload_part(second.id, "2").await.unwrap(),
        "not this session's"
    );
    assert_eq!(
        names(&tx.list_upload_parts(first.id).await.unwrap()),
        ["10", "2", "a"]
    );

    // A session takes its parts along, and with them their blob references.
    assert!(tx.delete_upload_session(first.id).await.unwrap());
    assert_eq!(tx.list_upload_parts(first.id).await.unwrap(), []);
    assert!(!tx.blob_is_referenced(&p10.content_hash).await.unwrap());
    assert_eq!(tx.upload_part_bytes(pia.id).await.unwrap(), 1000);
    tx.commit().await.unwrap();
}

async fn sessions_go_with_their_folder_and_user(store: &dyn MetaStore) {
    let (gus, home) = user_with_home(store, "gus").await;
    let mut tx = store.write().await.unwrap();
    let folder = insert(tx.as_mut(), &dir(&home, "target")).await;
    let into_folder = UploadSession {
        destination: Some(UploadDestination {
            parent: folder.id,
            name: "f.bin".into(),
        }),
        ..session(gus.id, UploadVariant::V2, NOW)
    };
    let loose = session(gus.id, UploadVariant::V1, NOW);
    tx.insert_upload_session(&into_folder).await.unwrap();
    tx.insert_upload_session(&loose).await.unwrap();
    let kept = part(&loose, "1", 3);
    tx.put_upload_part(&part(&into_folder, "1", 3))
        .await
        .unwrap();
    tx.put_upload_part(&kept).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    tx.delete_subtree(folder.id).await.unwrap();
    assert_eq!(
        tx.upload_session(gus.id, &into_folder.transfer_id, 0)
            .await
            .unwrap(),
        None,
        "the destination folder went"
    );
    assert_eq!(tx.list_upload_parts(into_folder.id).await.unwrap(), []);
    assert!(
        tx.upload_session(gus.id, &loose.transfer_id, 0)
            .await
            .unwrap()
            .is_some()
    );
    assert!(tx.delete_user(gus.id).await.unwrap());
    assert_eq!(
        tx.upload_session(gus.id, &loose.transfer_id, 0)
            .await
            .unwrap(),
        None
    );
    assert!(!tx.blob_is_referenced(&kept.content_hash).await.unwrap());
    tx.commit().await.unwrap();
}
