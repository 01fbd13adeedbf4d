//! What a WebDAV PROPFIND shows and a PROPPATCH changes: a node (and its children) with
//! the facts computed over their subtrees, their dead properties and their locks, read in
//! a fixed number of queries whatever the number of children.

use std::collections::HashMap;

use super::access::require;
use super::locks::{LockInfo, Reach, check_locks, locks_on};
use super::paths::path_names;
use super::tree::{new_etag, visible_node};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::{NodeId, UserId};
use crate::model::{DeadProp, NodeEntry, NodeStats, Owner};
use crate::service::Ferry;

/// One node as a property listing shows it.
#[derive(Clone, Debug)]
pub struct Described {
    pub entry: NodeEntry,
    /// Path names below the home folder.
    pub path: Vec<String>,
    pub stats: NodeStats,
    pub dead: Vec<DeadProp>,
    pub locks: Vec<LockInfo>,
}

/// A node, optionally with its children, and the facts about its owner the listing needs.
#[derive(Clone, Debug)]
pub struct Description {
    /// The node first, then its children (folders first, then by name).
    pub items: Vec<Described>,
    pub owner_id: String,
    pub owner_name: String,
    pub used_bytes: i64,
    /// `None` when unlimited.
    pub quota_bytes: Option<i64>,
}

/// One change of a PROPPATCH. Applied all together or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropChange {
    Set {
        namespace: String,
        name: String,
        value: String,
    },
    Remove {
        namespace: String,
        name: String,
    },
    /// The caller's favorite (Nextcloud's `oc:favorite`).
    Starred(bool),
    /// The modification time (`d:getlastmodified` as rclone sets it).
    Mtime(i64),
}

/// The viewer id for stars when the caller is not a user.
fn viewer(actor: &Actor) -> UserId {
    actor
        .user_id()
        .unwrap_or_else(|| UserId::from_uuid(uuid::Uuid::nil()))
}

impl Ferry {
    /// A node (and, with `children`, its live children) with everything a property
    /// listing shows. A fixed number of queries: the node, its children, their statistics,
    /// their dead properties and the locks on and below the node.
    pub async fn describe(&self, actor: &Actor, id: NodeId, children: bool) -> Result<Description> {
        let now = self.now_ms();
        let me = viewer(actor);
        let mut tx = self.meta.read().await?;
        let (node, _) = visible_node(tx.as_mut(), actor, id).await?;
        let path = path_names(tx.as_mut(), &node).await?;
        let starred = tx.is_starred(me, node.id).await?;
        let mut stats: HashMap<NodeId, NodeStats> = tx
            .node_stats_in(node.id)
            .await?
            .into_iter()
            .map(|s| (s.node_id, s))
            .collect();
        let mut dead: HashMap<NodeId, Vec<DeadProp>> = HashMap::new();
        for prop in tx.dead_props_in(node.id).await? {
            dead.entry(prop.node_id).or_default().push(prop);
        }
        let own_locks = locks_on(tx.as_mut(), &node, now).await?;
        let mut stats_of = |id: NodeId| {
            stats.remove(&id).unwrap_or(NodeStats {
                node_id: id,
                tree_size: 0,
                files: 0,
                folders: 0,
                checksum: None,
            })
        };
        let self_stats = stats_of(node.id);
        let mut items = vec![Described {
            entry: NodeEntry {
                child_count: self_stats.files + self_stats.folders,
                node: node.clone(),
                starred,
            },
            path: path.clone(),
            stats: self_stats,
            dead: dead.remove(&node.id).unwrap_or_default(),
            locks: own_locks.clone(),
        }];
        if children && node.is_dir() {
            // Children inherit the folder's deep locks and add their own.
            let inherited: Vec<LockInfo> = own_locks.into_iter().filter(|l| l.lock.deep).collect();
            let mut below: HashMap<NodeId, Vec<LockInfo>> = HashMap::new();
            for lock in tx.locks_below(node.id, now).await? {
                // The root is filled in below, where the child's path is known.
                below.entry(lock.node_id).or_default().push(LockInfo {
                    lock,
                    root: Vec::new(),
                });
            }
            for entry in tx.list_children(node.id, me).await? {
                let mut child_path = path.clone();
                child_path.push(entry.node.name.clone());
                let mut locks = inherited.clone();
                for mut own in below.remove(&entry.node.id).unwrap_or_default() {
                    own.root = child_path.clone();
                    locks.push(own);
                }
                items.push(Described {
                    stats: stats_of(entry.node.id),
                    dead: dead.remove(&entry.node.id).unwrap_or_default(),
                    path: child_path,
                    locks,
                    entry,
                });
            }
        }
        let (owner_id, owner_name, quota) = match node.owner {
            Owner::User(uid) => match tx.user_by_id(uid).await? {
                Some(u) => (u.username, u.display_name, u.quota_bytes),
                None => (String::new(), String::new(), 0),
            },
            Owner::Group(gid) => (gid.to_string(), String::new(), 0),
        };
        let used_bytes = tx.used_bytes(node.owner).await?;
        Ok(Description {
            items,
            owner_id,
            owner_name,
            used_bytes,
            quota_bytes: (quota > 0).then_some(quota),
        })
    }

    /// Applies property changes to a node, all or nothing.
    pub async fn patch_props(
        &self,
        actor: &Actor,
        id: NodeId,
        changes: Vec<PropChange>,
        lock_tokens: &[String],
    ) -> Result<()> {
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let (mut node, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.write)?;
        check_locks(tx.as_mut(), actor, id, lock_tokens, now, Reach::Node).await?;
        let mut touched = false;
        for change in changes {
            match change {
                PropChange::Set {
                    namespace,
                    name,
                    value,
                } => {
                    tx.set_dead_prop(&DeadProp {
                        node_id: id,
                        namespace,
                        name,
                        value,
                    })
                    .await?
                }
                PropChange::Remove { namespace, name } => {
                    tx.remove_dead_prop(id, &namespace, &name).await?
                }
                PropChange::Starred(starred) => {
                    let me = actor
                        .user_id()
                        .ok_or_else(|| Error::invalid("actor", "only users have favorites"))?;
                    tx.set_starred(me, id, starred).await?;
                }
                PropChange::Mtime(ms) => {
                    node.updated_ms = ms;
                    touched = true;
                }
            }
        }
        if touched {
            node.etag = new_etag()?;
            tx.update_node(&node).await?;
            tx.propagate_etag(node.id, &node.etag).await?;
        }
        tx.commit().await
    }
}
