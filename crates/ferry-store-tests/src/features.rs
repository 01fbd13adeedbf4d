//! Feature switches: an upsert per feature, read back in id order.

use ferry_core::ports::MetaStore;

use crate::fixtures::NOW;

pub async fn story(store: &dyn MetaStore) {
    let mut tx = store.write().await.unwrap();
    tx.set_feature_state("webdav", false, NOW).await.unwrap();
    tx.set_feature_state("fullio", false, NOW).await.unwrap();
    tx.set_feature_state("fullio", true, NOW + 1).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    let states = tx.feature_states().await.unwrap();
    assert!(states.contains(&("fullio".to_owned(), true)), "{states:?}");
    assert!(states.contains(&("webdav".to_owned(), false)), "{states:?}");
    let ids: Vec<&str> = states.iter().map(|(id, _)| id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
}
