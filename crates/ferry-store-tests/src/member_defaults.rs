//! What a group's new members get, when set exactly: an upsert, cleared on request and
//! with the group.

use ferry_core::model::{MemberPermissions, NodePermission, SharePermission};
use ferry_core::ports::MetaStore;

pub async fn story(store: &dyn MetaStore) {
    let team = crate::groups::group("defaults");
    let exact = MemberPermissions {
        is_admin: false,
        node: vec![NodePermission::Read, NodePermission::Write],
        tag: Vec::new(),
        share: vec![SharePermission::PublicCreate],
    };
    let mut tx = store.write().await.unwrap();
    tx.insert_group(&team).await.unwrap();
    assert_eq!(tx.member_defaults(team.id).await.unwrap(), None);
    tx.set_member_defaults(team.id, Some(&exact)).await.unwrap();
    assert_eq!(
        tx.member_defaults(team.id).await.unwrap(),
        Some(exact.clone())
    );
    let admin = MemberPermissions {
        is_admin: true,
        ..exact.clone()
    };
    tx.set_member_defaults(team.id, Some(&admin)).await.unwrap();
    assert_eq!(tx.member_defaults(team.id).await.unwrap(), Some(admin));
    tx.set_member_defaults(team.id, None).await.unwrap();
    assert_eq!(tx.member_defaults(team.id).await.unwrap(), None);
    tx.set_member_defaults(team.id, Some(&exact)).await.unwrap();
    assert!(tx.delete_group(team.id).await.unwrap());
    assert_eq!(tx.member_defaults(team.id).await.unwrap(), None);
    tx.commit().await.unwrap();
}
