//! The trash and favorites views, and stars.

use ferry_core::ids::GroupId;
use ferry_core::model::{Node, NodeEntry, Owner, RootKind};
use ferry_core::ports::MetaStore;

use crate::fixtures::{NOW, dir, file, insert, user, user_with_home};

fn entry_names(entries: &[NodeEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.node.name.as_str()).collect()
}

fn trashed(node: &Node, at: i64) -> Node {
    Node {
        trashed_ms: Some(NOW + at),
        ..node.clone()
    }
}

pub async fn story(store: &dyn MetaStore) {
    let (tess, home) = user_with_home(store, "tess").await;
    let (vic, vic_home) = user_with_home(store, "vic").await;
    let nobody = user("nobody").id;
    let owner = Owner::User(tess.id);

    //  home/
    //    a-dir/        trashed after y.txt
    //      x.txt
    //      y.txt       trashed first
    //    b.txt         trashed
    //    c-dir/
    //      d.txt       trashed
    //      e.txt
    //    f-dir/
    //      g-dir/
    //        h.txt     trashed, then f-dir trashed: h.txt sits two levels inside
    let mut tx = store.write().await.unwrap();
    let a_dir = insert(tx.as_mut(), &dir(&home, "a-dir")).await;
    let x = insert(tx.as_mut(), &file(&a_dir, "x.txt", 1)).await;
    let y = insert(tx.as_mut(), &file(&a_dir, "y.txt", 1)).await;
    let b = insert(tx.as_mut(), &file(&home, "b.txt", 1)).await;
    let c_dir = insert(tx.as_mut(), &dir(&home, "c-dir")).await;
    let d = insert(tx.as_mut(), &file(&c_dir, "d.txt", 1)).await;
    let e = insert(tx.as_mut(), &file(&c_dir, "e.txt", 1)).await;
    let f_dir = insert(tx.as_mut(), &dir(&home, "f-dir")).await;
    let g_dir = insert(tx.as_mut(), &dir(&f_dir, "g-dir")).await;
    let h = insert(tx.as_mut(), &file(&g_dir, "h.txt", 1)).await;
    // Vic's trash is his own.
    let vic_file = insert(tx.as_mut(), &file(&vic_home, "vic.txt", 1)).await;
    tx.update_node(&trashed(&vic_file, 1)).await.unwrap();

    for (node, at) in [(&y, 1), (&a_dir, 2), (&b, 3), (&d, 4), (&h, 5), (&f_dir, 6)] {
        tx.update_node(&trashed(node, at)).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    // Only what was trashed and is not inside another trashed folder; folders first.
    let trash = tx.list_trash(owner, tess.id).await.unwrap();
    assert_eq!(entry_names(&trash), ["a-dir", "f-dir", "b.txt", "d.txt"]);
    assert_eq!(
        trash[0].node,
        trashed(&a_dir, 2),
        "entries carry the whole node"
    );
    // Child counts count live children: y.txt is trashed.
    assert_eq!(trash[0].child_count, 1);
    assert_eq!(trash[1].child_count, 1);
    assert_eq!(
        entry_names(&tx.list_trash(Owner::User(vic.id), vic.id).await.unwrap()),
        ["vic.txt"]
    );
    assert_eq!(
        tx.list_trash(Owner::Group(GroupId::generate()), tess.id)
            .await
            .unwrap(),
        []
    );
    // The trash does not leak into listings.
    let live: Vec<String> = tx
        .list_children(home.id, tess.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.node.name)
        .collect();
    assert_eq!(live, ["c-dir"]);

    // Stars are per user, idempotent, and can be taken back.
    tx.set_starred(tess.id, c_dir.id, true).await.unwrap();
    tx.set_starred(tess.id, c_dir.id, true).await.unwrap();
    tx.set_starred(tess.id, e.id, true).await.unwrap();
    tx.set_starred(tess.id, x.id, true).await.unwrap(); // inside the trashed a-dir
    tx.set_starred(tess.id, d.id, true).await.unwrap(); // trashed itself
    tx.set_starred(tess.id, a_dir.id, true).await.unwrap(); // trashed itself
    tx.set_starred(tess.id, vic_home.id, true).await.unwrap(); // someone else's
    tx.set_starred(vic.id, e.id, true).await.unwrap();
    tx.set_starred(vic.id, b.id, false).await.unwrap(); // never starred: no error
    assert!(tx.is_starred(tess.id, c_dir.id).await.unwrap());
    assert!(tx.is_starred(vic.id, e.id).await.unwrap());
    assert!(!tx.is_starred(vic.id, c_dir.id).await.unwrap());
    assert!(!tx.is_starred(nobody, c_dir.id).await.unwrap());

    // Favorites: what the viewer starred, of this owner, that is not in the trash.
    let favorites = tx.list_starred(owner, tess.id).await.unwrap();
    assert_eq!(entry_names(&favorites), ["c-dir", "e.txt"]);
    assert!(favorites.iter().all(|f| f.starred));
    assert_eq!(favorites[0].child_count, 1, "d.txt is trashed");
    assert_eq!(favorites[0].node, c_dir);
    assert_eq!(
        entry_names(&tx.list_starred(owner, vic.id).await.unwrap()),
        ["e.txt"]
    );
    assert_eq!(
        entry_names(&tx.list_starred(Owner::User(vic.id), tess.id).await.unwrap()),
        ["home"]
    );
    assert_eq!(tx.list_starred(owner, nobody).await.unwrap(), []);

    // Listings show each viewer their own stars, and the trash view shows them too.
    let starred_for = |entries: &[NodeEntry]| -> Vec<(String, bool)> {
        entries
            .iter()
            .map(|e| (e.node.name.clone(), e.starred))
            .collect()
    };
    let in_c = tx.list_children(c_dir.id, tess.id).await.unwrap();
    assert_eq!(starred_for(&in_c), [("e.txt".to_owned(), true)]);
    let in_c = tx.list_children(c_dir.id, nobody).await.unwrap();
    assert_eq!(starred_for(&in_c), [("e.txt".to_owned(), false)]);
    let trash = tx.list_trash(owner, tess.id).await.unwrap();
    assert_eq!(
        starred_for(&trash),
        [
            ("a-dir".into(), true),
            ("f-dir".into(), false),
            ("b.txt".into(), false),
            ("d.txt".into(), true)
        ]
    );
    let trash = tx.list_trash(owner, vic.id).await.unwrap();
    assert!(trash.iter().all(|e| !e.starred));

    // Unstarring removes it from the view; restoring a starred node brings it back.
    tx.set_starred(tess.id, e.id, false).await.unwrap();
    assert!(!tx.is_starred(tess.id, e.id).await.unwrap());
    tx.update_node(&a_dir).await.unwrap(); // out of the trash
    let favorites = tx.list_starred(owner, tess.id).await.unwrap();
    assert_eq!(entry_names(&favorites), ["a-dir", "c-dir", "x.txt"]);
    // Restoring a-dir shows y.txt, trashed before it, in the trash on its own.
    let trash = tx.list_trash(owner, tess.id).await.unwrap();
    assert_eq!(entry_names(&trash), ["f-dir", "b.txt", "d.txt", "y.txt"]);

    // Roots are never in the trash, whatever else is.
    assert!(
        tx.list_trash(owner, tess.id)
            .await
            .unwrap()
            .iter()
            .all(|e| e.node.root.is_none())
    );
    assert_eq!(
        tx.root_node(owner, RootKind::Home)
            .await
            .unwrap()
            .map(|n| n.id),
        Some(home.id)
    );
    tx.commit().await.unwrap();
}
