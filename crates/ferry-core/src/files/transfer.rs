//! Handing a departing owner's files to another owner (group and user deletion with
//! `transfer_data_to`).

use super::tree::{check_quota, new_node};
use crate::error::{Error, Result};
use crate::model::{NodeKind, Owner, RootKind};
use crate::names::validate_name;
use crate::ports::MetaTx;

/// Moves the live contents of `from`'s home into a new folder called `folder_name` (or
/// `folder_name (2)`, … when taken; a name no file may have becomes "Transferred files") in `to`'s home, giving them to `to`, whose quota must
/// hold them. Trashed items stay behind (they go with `from`). Nothing is made when the home
/// is empty. Runs inside the caller's write transaction.
pub(crate) async fn move_home_contents(
    tx: &mut dyn MetaTx,
    from: Owner,
    to: Owner,
    folder_name: &str,
    now: i64,
) -> Result<()> {
    let Some(from_home) = tx.root_node(from, RootKind::Home).await? else {
        return Ok(());
    };
    let viewer = crate::ids::UserId::from_uuid(uuid::Uuid::nil());
    let children = tx.list_children(from_home.id, viewer).await?;
    if children.is_empty() {
        return Ok(());
    }
    let to_home = tx
        .root_node(to, RootKind::Home)
        .await?
        .ok_or_else(|| Error::internal(format!("{to:?} has no home folder")))?;
    // A group or user name may hold characters no file name can (such as '/').
    let cleaned: String = folder_name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect();
    let base = match validate_name(cleaned.trim()) {
        Ok(name) => name.to_owned(),
        Err(_) => "Transferred files".to_owned(),
    };
    // A folder has no extension to keep: "R&D v1.2 (2)", not "R&D v1 (2).2".
    let mut name = base.clone();
    let mut n = 2;
    while tx.child_by_name(to_home.id, &name).await?.is_some() {
        if n > 10_000 {
            return Err(Error::Conflict(format!("no free name like '{base}'")));
        }
        name = format!("{base} ({n})");
        n += 1;
    }
    let mut folder = new_node(to, to_home.id, name, NodeKind::Dir, now)?;
    folder.file_id = tx.insert_node(&folder).await?;
    for entry in children {
        let mut node = entry.node;
        node.parent = Some(folder.id);
        tx.update_node(&node).await?;
        tx.set_subtree_owner(node.id, to).await?;
    }
    check_quota(tx, to, 0).await?;
    tx.propagate_etag(folder.id, &folder.etag).await?;
    Ok(())
}
