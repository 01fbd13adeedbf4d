//! The trash as Nextcloud's trash bin shows it: every item under a unique name
//! (`name.d<seconds>`, as Nextcloud names them), with its original location and deletion
//! time; restore and delete by that name.

use super::paths::path_names;
use super::{Location, View};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::model::Node;
use crate::service::Ferry;

/// One item in the trash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrashItem {
    pub node: Node,
    /// The unique name the trash bin shows: `report.pdf.d1700000000`.
    pub trash_name: String,
    /// Where it was, below the home folder: `docs/report.pdf`.
    pub original_location: String,
    pub deleted_ms: i64,
}

impl Ferry {
    /// The caller's trash bin.
    pub async fn trash_items(&self, actor: &Actor) -> Result<Vec<TrashItem>> {
        let entries = self
            .list(
                actor,
                Location::View {
                    view: View::Trash,
                    owner: None,
                },
            )
            .await?;
        let mut tx = self.meta.read().await?;
        let mut items = Vec::with_capacity(entries.len());
        for entry in entries {
            let node = entry.node;
            let deleted_ms = node.trashed_ms.unwrap_or(node.updated_ms);
            let original_location = path_names(tx.as_mut(), &node).await?.join("/");
            items.push(TrashItem {
                trash_name: format!("{}.d{}", node.name, deleted_ms / 1000),
                original_location,
                deleted_ms,
                node,
            });
        }
        Ok(items)
    }

    /// The trash item with this trash-bin name.
    pub async fn trash_item(&self, actor: &Actor, trash_name: &str) -> Result<TrashItem> {
        self.trash_items(actor)
            .await?
            .into_iter()
            .find(|i| i.trash_name == trash_name)
            .ok_or(Error::NotFound)
    }
}
