//! The node tree: roots, children, names, file ids, walks up and down, moves, etags,
//! owners and deletion.

use ferry_core::ids::{GroupId, NodeId};
use ferry_core::model::{Node, NodeKind, Owner, RootKind, UploadToken};
use ferry_core::ports::{MetaStore, MetaTx};

use crate::fixtures::{
    NOW, assert_already_exists, assert_not_found, dir, file, ids, insert, names, root, user,
    version,
};

pub async fn story(store: &dyn MetaStore) {
    roots(store).await;
    children_and_names(store).await;
    walks_moves_and_deletion(store).await;
}

async fn roots(store: &dyn MetaStore) {
    let u = user("rooted");
    let owner = Owner::User(u.id);
    let group = Owner::Group(GroupId::generate());
    let mut tx = store.write().await.unwrap();
    tx.insert_user(&u).await.unwrap();
    let home = insert(tx.as_mut(), &root(owner, RootKind::Home)).await;
    let incoming = insert(tx.as_mut(), &root(owner, RootKind::Incoming)).await;
    // Groups own trees too; their ids are not user ids.
    let group_home = insert(tx.as_mut(), &root(group, RootKind::Home)).await;
    // One root of a kind per owner.
    assert_already_exists(tx.insert_node(&root(owner, RootKind::Home)).await);
    assert_already_exists(tx.insert_node(&root(group, RootKind::Home)).await);
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.root_node(owner, RootKind::Home).await.unwrap(),
        Some(home.clone())
    );
    assert_eq!(
        tx.root_node(owner, RootKind::Incoming).await.unwrap(),
        Some(incoming.clone())
    );
    assert_eq!(
        tx.root_node(group, RootKind::Home).await.unwrap(),
        Some(group_home)
    );
    assert_eq!(tx.root_node(group, RootKind::Incoming).await.unwrap(), None);
    // Same uuid, other kind of owner: a different owner.
    let as_group = Owner::Group(GroupId::from_uuid(u.id.as_uuid()));
    assert_eq!(tx.root_node(as_group, RootKind::Home).await.unwrap(), None);
    assert_eq!(tx.node_by_id(home.id).await.unwrap(), Some(home.clone()));
    assert_eq!(
        tx.node_by_file_id(incoming.file_id).await.unwrap(),
        Some(incoming)
    );
    assert_eq!(tx.node_by_id(NodeId::generate()).await.unwrap(), None);
    assert_eq!(tx.node_by_file_id(i64::MAX).await.unwrap(), None);
}

async fn children_and_names(store: &dyn MetaStore) {
    let u = user("lister");
    let viewer = u.id;
    let mut tx = store.write().await.unwrap();
    tx.insert_user(&u).await.unwrap();
    let home = insert(tx.as_mut(), &root(Owner::User(u.id), RootKind::Home)).await;

    // Inserted in an order that is neither kind nor name order.
    let a_txt = insert(tx.as_mut(), &file(&home, "a.txt", 10)).await;
    let docs = insert(tx.as_mut(), &dir(&home, "docs")).await;
    let z_txt = insert(tx.as_mut(), &file(&home, "Z.txt", 20)).await;
    let music = insert(tx.as_mut(), &dir(&home, "Music")).await;
    let inner1 = insert(tx.as_mut(), &file(&docs, "one.txt", 1)).await;
    let inner2 = insert(tx.as_mut(), &dir(&docs, "two")).await;

    // File ids: assigned by the store, increasing, never the value passed in.
    let fids = [
        home.file_id,
        a_txt.file_id,
        docs.file_id,
        z_txt.file_id,
        music.file_id,
        inner1.file_id,
    ];
    assert!(
        fids.windows(2).all(|w| w[0] < w[1]),
        "file ids increase: {fids:?}"
    );
    let odd = Node {
        file_id: 999_999_999,
        ..dir(&home, "odd")
    };
    let odd = insert(tx.as_mut(), &odd).await;
    assert!(odd.file_id > inner2.file_id && odd.file_id != 999_999_999);

    // A live sibling with the same name is refused; the same name elsewhere is fine; the
    // exact name only (case matters).
    assert_already_exists(tx.insert_node(&file(&home, "docs", 1)).await);
    assert_already_exists(tx.insert_node(&dir(&home, "a.txt")).await);
    let elsewhere = insert(tx.as_mut(), &file(&docs, "a.txt", 3)).await;
    let upper = insert(tx.as_mut(), &file(&home, "A.TXT", 4)).await;
    // The refusals spent file ids but broke nothing: the next id is still higher.
    assert!(upper.file_id > elsewhere.file_id);
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.child_by_name(home.id, "a.txt").await.unwrap(),
        Some(a_txt.clone())
    );
    assert_eq!(
        tx.child_by_name(home.id, "A.TXT").await.unwrap(),
        Some(upper.clone())
    );
    assert_eq!(tx.child_by_name(home.id, "a.TXT").await.unwrap(), None);
    assert_eq!(
        tx.child_by_name(docs.id, "a.txt").await.unwrap(),
        Some(elsewhere.clone())
    );
    assert_eq!(
        tx.child_by_name(home.id, "one.txt").await.unwrap(),
        None,
        "children only"
    );

    // Folders first, then by name (byte order: upper case before lower case).
    let listed = tx.list_children(home.id, viewer).await.unwrap();
    let listed_nodes: Vec<Node> = listed.iter().map(|e| e.node.clone()).collect();
    assert_eq!(
        names(&listed_nodes),
        ["Music", "docs", "odd", "A.TXT", "Z.txt", "a.txt"]
    );
    assert_eq!(listed_nodes[1], docs, "entries carry the whole node");
    let count = |name: &str| {
        listed
            .iter()
            .find(|e| e.node.name == name)
            .unwrap()
            .child_count
    };
    assert_eq!((count("docs"), count("Music"), count("a.txt")), (3, 0, 0));
    assert!(listed.iter().all(|e| !e.starred));
    assert_eq!(
        tx.list_children(a_txt.id, viewer).await.unwrap(),
        [],
        "a file has no children"
    );
    drop(tx);

    // Trashing frees the name; restoring into a taken name is refused.
    let mut tx = store.write().await.unwrap();
    let trashed = Node {
        trashed_ms: Some(NOW + 1),
        ..a_txt.clone()
    };
    tx.update_node(&trashed).await.unwrap();
    assert_eq!(
        tx.child_by_name(home.id, "a.txt").await.unwrap(),
        None,
        "trashed nodes are not live"
    );
    let second = insert(tx.as_mut(), &file(&home, "a.txt", 11)).await;
    assert_eq!(
        tx.child_by_name(home.id, "a.txt").await.unwrap(),
        Some(second.clone())
    );
    // Two trashed nodes may share a name.
    tx.update_node(&Node {
        trashed_ms: Some(NOW + 2),
        ..second.clone()
    })
    .await
    .unwrap();
    let third = insert(tx.as_mut(), &file(&home, "a.txt", 12)).await;
    assert_already_exists(
        tx.update_node(&Node {
            trashed_ms: None,
            ..trashed.clone()
        })
        .await,
    );
    // The refused update changed nothing, and the transaction goes on.
    assert_eq!(
        tx.node_by_id(a_txt.id).await.unwrap(),
        Some(trashed.clone())
    );
    let names_now: Vec<String> = tx
        .list_children(home.id, viewer)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.node.name)
        .collect();
    assert_eq!(
        names_now,
        ["Music", "docs", "odd", "A.TXT", "Z.txt", "a.txt"]
    );
    assert_eq!(
        tx.child_by_name(home.id, "a.txt")
            .await
            .unwrap()
            .map(|n| n.id),
        Some(third.id)
    );
    // Renaming onto a live sibling is refused too; a trashed node may take any name.
    assert_already_exists(
        tx.update_node(&Node {
            name: "Z.txt".into(),
            ..third.clone()
        })
        .await,
    );
    tx.update_node(&Node {
        name: "Z.txt".into(),
        ..trashed.clone()
    })
    .await
    .unwrap();
    // Updating a node that is not there is NotFound.
    assert_not_found(tx.update_node(&file(&home, "ghost", 1)).await);
    tx.commit().await.unwrap();
}

async fn walks_moves_and_deletion(store: &dyn MetaStore) {
    let u = user("walker");
    let other = user("bystander");
    let owner = Owner::User(u.id);
    let mut tx = store.write().await.unwrap();
    tx.insert_user(&u).await.unwrap();
    tx.insert_user(&other).await.unwrap();
    let home = insert(tx.as_mut(), &root(owner, RootKind::Home)).await;
    let incoming = insert(tx.as_mut(), &root(owner, RootKind::Incoming)).await;
    //  home/
    //    docs/
    //      sub/
    //        deep.txt
    //        deeper/
    //          bottom.txt
    //      bin/ (trashed)
    //        inside/
    //          buried.txt
    //      note.txt
    //    music/
    //      song.mp3
    let docs = insert(tx.as_mut(), &dir(&home, "docs")).await;
    let sub = insert(tx.as_mut(), &dir(&docs, "sub")).await;
    let deep = insert(tx.as_mut(), &file(&sub, "deep.txt", 5)).await;
    let deeper = insert(tx.as_mut(), &dir(&sub, "deeper")).await;
    let bottom = insert(tx.as_mut(), &file(&deeper, "bottom.txt", 6)).await;
    let bin = insert(tx.as_mut(), &dir(&docs, "bin")).await;
    let inside = insert(tx.as_mut(), &dir(&bin, "inside")).await;
    let buried = insert(tx.as_mut(), &file(&inside, "buried.txt", 7)).await;
    let note = insert(tx.as_mut(), &file(&docs, "note.txt", 8)).await;
    let music = insert(tx.as_mut(), &dir(&home, "music")).await;
    let song = insert(tx.as_mut(), &file(&music, "song.mp3", 9)).await;
    let bin = Node {
        trashed_ms: Some(NOW),
        ..bin
    };
    tx.update_node(&bin).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();

    // Ancestors: root first, the node itself last.
    let chain = tx.ancestors(bottom.id).await.unwrap();
    assert_eq!(
        ids(&chain),
        [home.id, docs.id, sub.id, deeper.id, bottom.id]
    );
    assert_eq!(chain[0], home);
    assert_eq!(ids(&tx.ancestors(home.id).await.unwrap()), [home.id]);
    assert_eq!(
        ids(&tx.ancestors(buried.id).await.unwrap()),
        [home.id, docs.id, bin.id, inside.id, buried.id]
    );
    assert_eq!(tx.ancestors(NodeId::generate()).await.unwrap(), []);

    // Descendants: not the node itself, nothing trashed or inside a trashed folder, every
    // parent before its children.
    let below = tx.descendants(home.id).await.unwrap();
    let mut got = ids(&below);
    got.sort();
    let mut want = vec![
        docs.id, sub.id, deep.id, deeper.id, bottom.id, note.id, music.id, song.id,
    ];
    want.sort();
    assert_eq!(got, want);
    assert_parents_first(&below, home.id);
    assert_eq!(
        below.iter().find(|n| n.id == deep.id),
        Some(&deep),
        "whole nodes"
    );
    let below_docs = tx.descendants(docs.id).await.unwrap();
    assert_eq!(below_docs.len(), 5);
    assert_parents_first(&below_docs, docs.id);
    assert_eq!(
        tx.descendants(deep.id).await.unwrap(),
        [],
        "a file has nothing below"
    );
    // The trash state of the node asked about is not looked at: a trashed folder's live
    // content still comes out (copying out of the trash needs it).
    assert_eq!(
        ids(&tx.descendants(bin.id).await.unwrap()),
        [inside.id, buried.id]
    );

    // Etags: the node and every ancestor change, nothing beside them.
    tx.propagate_etag(deep.id, "etag-from-deep").await.unwrap();
    for id in [deep.id, sub.id, docs.id, home.id] {
        assert_eq!(etag(&mut *tx, id).await, "etag-from-deep");
    }
    for n in [&deeper, &bottom, &note, &music, &song, &bin, &incoming] {
        assert_eq!(
            etag(&mut *tx, n.id).await,
            n.etag,
            "{} keeps its etag",
            n.name
        );
    }

    // Rename and move in one update: parent, name and the content fields are replaced,
    // file id, owner, kind and root are not.
    let moved = Node {
        parent: Some(music.id),
        name: "deep-moved.txt".into(),
        size: 55,
        etag: "moved".into(),
        revision: 2,
        content_hash: Some("f".repeat(64)),
        created_ms: NOW + 1,
        updated_ms: NOW + 2,
        ..deep.clone()
    };
    tx.update_node(&Node {
        file_id: 1,
        kind: NodeKind::Dir,
        owner: Owner::User(other.id),
        ..moved.clone()
    })
    .await
    .unwrap();
    assert_eq!(tx.node_by_id(deep.id).await.unwrap(), Some(moved.clone()));
    assert_eq!(tx.child_by_name(sub.id, "deep.txt").await.unwrap(), None);
    assert_eq!(
        tx.child_by_name(music.id, "deep-moved.txt").await.unwrap(),
        Some(moved.clone())
    );
    assert_eq!(
        ids(&tx.ancestors(deep.id).await.unwrap()),
        [home.id, music.id, deep.id]
    );
    tx.commit().await.unwrap();

    // A subtree changes hands whole (trashed parts too); the rest stays.
    let group = Owner::Group(GroupId::generate());
    let mut tx = store.write().await.unwrap();
    tx.set_subtree_owner(docs.id, group).await.unwrap();
    for n in [&docs, &sub, &deeper, &bottom, &bin, &inside, &buried, &note] {
        assert_eq!(
            owner_of(&mut *tx, n.id).await,
            group,
            "{} moved to the group",
            n.name
        );
    }
    for n in [&home, &music, &song, &moved, &incoming] {
        assert_eq!(owner_of(&mut *tx, n.id).await, owner, "{} stays", n.name);
    }
    tx.commit().await.unwrap();

    // Deleting a subtree takes everything below it, trashed or not, with its versions,
    // stars and upload tokens.
    let mut tx = store.write().await.unwrap();
    tx.insert_version(&version(&bottom, 1, 6, Some(u.id)))
        .await
        .unwrap();
    tx.insert_version(&version(&buried, 1, 7, None))
        .await
        .unwrap();
    tx.insert_version(&version(&song, 1, 9, None))
        .await
        .unwrap();
    tx.set_starred(u.id, bottom.id, true).await.unwrap();
    tx.set_starred(other.id, buried.id, true).await.unwrap();
    tx.set_starred(u.id, song.id, true).await.unwrap();
    let token = UploadToken {
        token_hash: format!("up-{}", bottom.id),
        user_id: u.id,
        node_id: deeper.id,
        expires_ms: NOW,
    };
    tx.insert_upload_token(&token).await.unwrap();
    let kept_hash = tx.list_versions(song.id).await.unwrap()[0]
        .content_hash
        .clone();
    let gone_hash = tx.list_versions(bottom.id).await.unwrap()[0]
        .content_hash
        .clone();
    tx.delete_subtree(docs.id).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    for n in [&docs, &sub, &deeper, &bottom, &bin, &inside, &buried, &note] {
        assert_eq!(
            tx.node_by_id(n.id).await.unwrap(),
            None,
            "{} is gone",
            n.name
        );
        assert_eq!(tx.list_versions(n.id).await.unwrap(), []);
    }
    for n in [&home, &music, &song, &moved, &incoming] {
        assert!(
            tx.node_by_id(n.id).await.unwrap().is_some(),
            "{} is still there",
            n.name
        );
    }
    assert!(!tx.is_starred(u.id, bottom.id).await.unwrap());
    assert!(!tx.is_starred(other.id, buried.id).await.unwrap());
    assert!(tx.is_starred(u.id, song.id).await.unwrap());
    assert!(!tx.blob_is_referenced(&gone_hash).await.unwrap());
    assert!(tx.blob_is_referenced(&kept_hash).await.unwrap());
    drop(tx);
    let mut tx = store.write().await.unwrap();
    assert_eq!(tx.take_upload_token(&token.token_hash).await.unwrap(), None);
    // Deleting what is not there is no error.
    tx.delete_subtree(docs.id).await.unwrap();
    tx.commit().await.unwrap();
}

async fn etag(tx: &mut dyn MetaTx, id: NodeId) -> String {
    tx.node_by_id(id).await.unwrap().unwrap().etag
}

async fn owner_of(tx: &mut dyn MetaTx, id: NodeId) -> Owner {
    tx.node_by_id(id).await.unwrap().unwrap().owner
}

/// Every node's parent is `top` or appears earlier in the list.
#[track_caller]
fn assert_parents_first(nodes: &[Node], top: NodeId) {
    let mut seen = vec![top];
    for n in nodes {
        let parent = n.parent.unwrap();
        assert!(seen.contains(&parent), "{} came before its parent", n.name);
        seen.push(n.id);
    }
}
