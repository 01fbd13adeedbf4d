//! Groups, memberships, group tags and the outgoing-mail table.

use ferry_core::GroupId;
use ferry_core::ids::{GroupTagId, MailId};
use ferry_core::model::{
    Audience, Group, GroupTag, MemberPermissions, Membership, NodePermission, OutgoingMail, Owner,
    PermissionLevel, RootKind, SharePermission, TagPermission,
};
use ferry_core::ports::MetaStore;

use crate::fixtures::{
    NOW, assert_already_exists, assert_not_found, file, insert, root, tag, user_with_home, version,
};

pub(crate) fn group(name: &str) -> Group {
    let name = format!("{name} {}", tag());
    Group {
        id: GroupId::generate(),
        slug: name.to_lowercase().replace(' ', "-"),
        name,
        description: Some("A team".into()),
        quota_bytes: 0,
        default_permission: PermissionLevel::Edit,
        avatar: None,
        accept_incoming: Audience::Members,
        private_shares_notify: Audience::Admins,
        created_ms: NOW,
    }
}

fn membership(group: GroupId, user: ferry_core::UserId, is_admin: bool) -> Membership {
    Membership {
        group_id: group,
        user_id: user,
        permissions: MemberPermissions {
            is_admin,
            node: vec![NodePermission::Read, NodePermission::Download],
            tag: vec![TagPermission::Create],
            share: vec![
                SharePermission::PrivateCreate,
                SharePermission::UploadLinkDelete,
            ],
        },
        created_ms: NOW,
    }
}

pub async fn story(store: &dyn MetaStore) {
    let (ann, _) = user_with_home(store, "ann").await;
    let (bob, _) = user_with_home(store, "bob").await;
    let sales = group("Sales");
    let ops = Group {
        avatar: Some("data:image/png;base64,iVBORw0KGgo=".into()),
        description: None,
        quota_bytes: 1234,
        default_permission: PermissionLevel::Read,
        ..group("Ops")
    };

    // Groups: insert, look up by id and slug, list, unique slug.
    let mut tx = store.write().await.unwrap();
    tx.insert_group(&sales).await.unwrap();
    tx.insert_group(&ops).await.unwrap();
    assert_already_exists(
        tx.insert_group(&Group {
            slug: sales.slug.clone(),
            ..group("Other")
        })
        .await,
    );
    assert_already_exists(tx.insert_group(&sales).await);
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.group_by_id(sales.id).await.unwrap(), Some(sales.clone()));
    assert_eq!(
        tx.group_by_slug(&ops.slug).await.unwrap(),
        Some(ops.clone()),
        "avatar, quota, level and a missing description round-trip"
    );
    assert_eq!(tx.group_by_id(GroupId::generate()).await.unwrap(), None);
    assert_eq!(tx.group_by_slug("no-such-slug").await.unwrap(), None);
    let listed: Vec<_> = tx
        .list_groups()
        .await
        .unwrap()
        .into_iter()
        .filter(|g| g.id == sales.id || g.id == ops.id)
        .map(|g| g.id)
        .collect();
    assert_eq!(listed, vec![ops.id, sales.id], "by name");
    drop(tx);

    // Update: every field but id and created; a taken slug; a missing group.
    let renamed = Group {
        name: format!("Sales Team {}", tag()),
        description: None,
        quota_bytes: 99,
        default_permission: PermissionLevel::Admin,
        avatar: Some("data:image/jpeg;base64,/9j/".into()),
        accept_incoming: Audience::Admins,
        private_shares_notify: Audience::Members,
        created_ms: NOW + 50,
        ..sales.clone()
    };
    let mut tx = store.write().await.unwrap();
    tx.update_group(&renamed).await.unwrap();
    assert_already_exists(
        tx.update_group(&Group {
            slug: ops.slug.clone(),
            ..renamed.clone()
        })
        .await,
    );
    assert_not_found(tx.update_group(&group("Ghost")).await);
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    let stored = tx.group_by_id(sales.id).await.unwrap().unwrap();
    assert_eq!(
        stored,
        Group {
            created_ms: NOW,
            ..renamed.clone()
        }
    );
    drop(tx);

    // Memberships.
    let ann_in_sales = membership(sales.id, ann.id, true);
    let bob_in_sales = membership(sales.id, bob.id, false);
    let ann_in_ops = Membership {
        permissions: MemberPermissions::default(),
        ..membership(ops.id, ann.id, false)
    };
    let mut tx = store.write().await.unwrap();
    tx.insert_membership(&ann_in_sales).await.unwrap();
    tx.insert_membership(&bob_in_sales).await.unwrap();
    tx.insert_membership(&ann_in_ops).await.unwrap();
    assert_already_exists(tx.insert_membership(&ann_in_sales).await);
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.membership(sales.id, ann.id).await.unwrap(),
        Some(ann_in_sales.clone())
    );
    assert_eq!(
        tx.membership(ops.id, ann.id).await.unwrap(),
        Some(ann_in_ops.clone()),
        "empty permission sets round-trip"
    );
    assert_eq!(tx.membership(ops.id, bob.id).await.unwrap(), None);
    let members = tx.group_members(sales.id).await.unwrap();
    assert_eq!(
        members.iter().map(|m| m.user.id).collect::<Vec<_>>(),
        vec![ann.id, bob.id],
        "by username"
    );
    assert_eq!(members[0].user, ann);
    assert_eq!(members[1].membership, bob_in_sales);
    let anns = tx.groups_of_user(ann.id).await.unwrap();
    assert_eq!(
        anns.iter().map(|g| g.group.id).collect::<Vec<_>>(),
        vec![ops.id, sales.id],
        "by group name"
    );
    assert_eq!(anns[1].group, stored);
    assert_eq!(anns[1].membership, ann_in_sales);
    assert_eq!(anns[0].membership, ann_in_ops);
    assert!(
        tx.groups_of_user(ferry_core::UserId::generate())
            .await
            .unwrap()
            .is_empty()
    );
    drop(tx);

    let promoted = Membership {
        permissions: MemberPermissions {
            is_admin: true,
            node: NodePermission::ALL.to_vec(),
            tag: Vec::new(),
            share: SharePermission::ALL.to_vec(),
        },
        created_ms: NOW + 7,
        ..bob_in_sales.clone()
    };
    let mut tx = store.write().await.unwrap();
    tx.update_membership(&promoted).await.unwrap();
    assert_not_found(
        tx.update_membership(&membership(ops.id, bob.id, false))
            .await,
    );
    assert!(tx.delete_membership(ops.id, ann.id).await.unwrap());
    assert!(!tx.delete_membership(ops.id, ann.id).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.membership(sales.id, bob.id).await.unwrap(),
        Some(Membership {
            created_ms: NOW,
            ..promoted.clone()
        }),
        "permissions change, the joining time stays"
    );
    assert_eq!(tx.groups_of_user(ann.id).await.unwrap().len(), 1);
    drop(tx);

    // Tags.
    let tag_named = |name: &str, group: GroupId| GroupTag {
        id: GroupTagId::generate(),
        group_id: group,
        name: name.to_owned(),
        class: "red".into(),
        created_ms: NOW,
    };
    let important = tag_named("Important", sales.id);
    let archive = GroupTag {
        class: "grey".into(),
        ..tag_named("Archive", sales.id)
    };
    let mut tx = store.write().await.unwrap();
    tx.insert_group_tag(&important).await.unwrap();
    tx.insert_group_tag(&archive).await.unwrap();
    tx.insert_group_tag(&tag_named("Important", ops.id))
        .await
        .unwrap();
    assert_already_exists(tx.insert_group_tag(&tag_named("Important", sales.id)).await);
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.list_group_tags(sales.id, None).await.unwrap(),
        vec![archive.clone(), important.clone()]
    );
    assert_eq!(
        tx.list_group_tags(sales.id, Some(1)).await.unwrap(),
        vec![archive.clone()]
    );
    drop(tx);

    // Outgoing mail.
    let mail = |user: &ferry_core::model::User, at: i64| OutgoingMail {
        id: MailId::generate(),
        user_id: user.id,
        address: user.email.clone(),
        subject: "Hello".into(),
        body: format!("Body {}", tag()),
        created_ms: at,
    };
    let later = mail(&ann, NOW + 2);
    let earlier = OutgoingMail {
        address: None,
        ..mail(&bob, NOW + 1)
    };
    let mut tx = store.write().await.unwrap();
    tx.insert_outgoing_mail(&later).await.unwrap();
    tx.insert_outgoing_mail(&earlier).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    let mine: Vec<_> = tx
        .list_outgoing_mail()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.id == later.id || m.id == earlier.id)
        .collect();
    assert_eq!(mine, vec![earlier.clone(), later.clone()], "oldest first");
    drop(tx);

    // Group-owned nodes count against the group and go with it.
    let owner = Owner::Group(ops.id);
    let mut tx = store.write().await.unwrap();
    let home = insert(tx.as_mut(), &root(owner, RootKind::Home)).await;
    let doc = insert(tx.as_mut(), &file(&home, "doc.txt", 6)).await;
    tx.insert_version(&version(&doc, 1, 6, Some(ann.id)))
        .await
        .unwrap();
    tx.insert_membership(&membership(ops.id, bob.id, false))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.write().await.unwrap();
    assert_eq!(tx.used_bytes(owner).await.unwrap(), 6);
    assert!(tx.delete_group(ops.id).await.unwrap());
    assert!(!tx.delete_group(ops.id).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.group_by_id(ops.id).await.unwrap(), None);
    assert_eq!(tx.node_by_id(doc.id).await.unwrap(), None);
    assert_eq!(tx.root_node(owner, RootKind::Home).await.unwrap(), None);
    assert_eq!(tx.membership(ops.id, bob.id).await.unwrap(), None);
    assert!(tx.list_group_tags(ops.id, None).await.unwrap().is_empty());
    assert_eq!(tx.used_bytes(owner).await.unwrap(), 0);
    drop(tx);

    // Deleting a user ends their memberships and mail, and leaves the group.
    let mut tx = store.write().await.unwrap();
    assert!(tx.delete_user(bob.id).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.membership(sales.id, bob.id).await.unwrap(), None);
    assert_eq!(
        tx.group_members(sales.id)
            .await
            .unwrap()
            .iter()
            .map(|m| m.user.id)
            .collect::<Vec<_>>(),
        vec![ann.id]
    );
    assert!(
        !tx.list_outgoing_mail()
            .await
            .unwrap()
            .iter()
            .any(|m| m.id == earlier.id)
    );
    assert!(tx.group_by_id(sales.id).await.unwrap().is_some());
}
