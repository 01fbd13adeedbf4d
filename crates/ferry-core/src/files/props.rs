//! What a WebDAV PROPFIND shows and a PROPPATCH changes: a node (and its children) with
//! the facts computed over their subtrees, their dead properties and their locks, read in
//! a fixed number of queries whatever the number of children.

use std::collections::HashMap;

use super::access::require;
use super::locks::{self, LockInfo, check_locks, locks_on};
use super::paths::path_names;
use super::tree::{new_etag, visible_node};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::{NodeId, UserId};
use crate::model::{DeadProp, NodeEntry, NodeStats, Owner};
use crate::ports::MetaTx;
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
    /// The owner's bytes in use, counted when asked for ([`Usage::Count`]): a sum over
    /// every version the owner has, which a listing that shows no quota should not pay.
    pub used_bytes: Option<i64>,
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

/// Whether a description counts the owner's used bytes (see [`Description::used_bytes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    Skip,
    Count,
}

/// How far below the node a description reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The node alone (PROPFIND `Depth: 0`).
    Node,
    /// The node and its live children (`Depth: 1`).
    Children,
    /// The node and its whole live subtree (`Depth: infinity`), refused (`None`) when it
    /// holds more than `limit` entries.
    Tree { limit: usize },
}

/// Stats for a node no stats row names (a child that vanished between two queries).
fn empty_stats(id: NodeId) -> NodeStats {
    NodeStats {
        node_id: id,
        tree_size: 0,
        files: 0,
        folders: 0,
        checksum: None,
    }
}

/// The live children of one folder, described: one query each for the children, their
/// statistics and their dead properties, whatever their number. `locks_below` holds the
/// locks found under the description's top node, by node; `inherited` the deep locks that
/// cover the folder.
///
/// The same queries give the folder's own statistics and dead properties, which are
/// stored into `folder`.
async fn describe_children(
    tx: &mut dyn MetaTx,
    me: UserId,
    folder: &mut Described,
    locks_below: &mut HashMap<NodeId, Vec<LockInfo>>,
) -> Result<Vec<Described>> {
    let id = folder.entry.node.id;
    let mut stats: HashMap<NodeId, NodeStats> = tx
        .node_stats_in(id)
        .await?
        .into_iter()
        .map(|s| (s.node_id, s))
        .collect();
    let mut dead: HashMap<NodeId, Vec<DeadProp>> = HashMap::new();
    for prop in tx.dead_props_in(id).await? {
        dead.entry(prop.node_id).or_default().push(prop);
    }
    folder.stats = stats.remove(&id).unwrap_or_else(|| empty_stats(id));
    folder.entry.child_count = folder.stats.files + folder.stats.folders;
    folder.dead = dead.remove(&id).unwrap_or_default();
    // Children inherit the folder's deep locks and add their own.
    let inherited: Vec<LockInfo> = folder
        .locks
        .iter()
        .filter(|l| l.lock.deep)
        .cloned()
        .collect();
    let mut out = Vec::new();
    for entry in tx.list_children(id, me).await? {
        let mut path = folder.path.clone();
        path.push(entry.node.name.clone());
        let mut locks = inherited.clone();
        for mut own in locks_below.remove(&entry.node.id).unwrap_or_default() {
            // The lock's root is the child itself, whose path is known only here.
            own.root = path.clone();
            locks.push(own);
        }
        out.push(Described {
            stats: stats
                .remove(&entry.node.id)
                .unwrap_or_else(|| empty_stats(entry.node.id)),
            dead: dead.remove(&entry.node.id).unwrap_or_default(),
            path,
            locks,
            entry,
        });
    }
    Ok(out)
}

impl Ferry {
    /// A node (and, with `children`, its live children) with everything a property
    /// listing shows. See [`Ferry::describe_reach`].
    pub async fn describe(
        &self,
        actor: &Actor,
        id: NodeId,
        children: bool,
        usage: Usage,
    ) -> Result<Description> {
        let reach = if children {
            Reach::Children
        } else {
            Reach::Node
        };
        self.describe_reach(actor, id, reach, usage)
            .await?
            .ok_or_else(|| Error::internal("a bounded description without a bound"))
    }

    /// A node and as much below it as `reach` says, with everything a property listing
    /// shows, in one read snapshot. A fixed number of queries for the node, and per folder
    /// listed: its children, their statistics and their dead properties (never a query per
    /// entry). `None` when a [`Reach::Tree`] holds more entries than its limit.
    pub async fn describe_reach(
        &self,
        actor: &Actor,
        id: NodeId,
        reach: Reach,
        usage: Usage,
    ) -> Result<Option<Description>> {
        let now = self.now_ms();
        let me = viewer(actor);
        let mut tx = self.meta.read().await?;
        let (node, _) = visible_node(tx.as_mut(), actor, id).await?;
        let path = path_names(tx.as_mut(), &node).await?;
        let starred = tx.is_starred(me, node.id).await?;
        let mut top = Described {
            entry: NodeEntry {
                child_count: 0,
                node: node.clone(),
                starred,
            },
            path,
            stats: empty_stats(node.id),
            dead: Vec::new(),
            locks: locks_on(tx.as_mut(), &node, now).await?,
        };
        let mut items = Vec::new();
        let limit = match reach {
            Reach::Tree { limit } => Some(limit),
            _ => None,
        };
        if reach == Reach::Node || !node.is_dir() {
            // The node alone: its own rows of the same queries. A folder's statistics are
            // remembered by ETag (see `stats_cache`): sync clients poll exactly this.
            let known = if node.is_dir() {
                self.folder_stats.get(node.id, &node.etag)
            } else {
                None
            };
            if let Some(known) = known {
                top.stats = known;
            } else if let Some(own) = tx.node_stats_of(node.id).await? {
                if node.is_dir() {
                    self.folder_stats.put(&node.etag, &own);
                }
                top.stats = own;
            }
            top.entry.child_count = top.stats.files + top.stats.folders;
            top.dead = tx
                .dead_props_in(node.id)
                .await?
                .into_iter()
                .filter(|p| p.node_id == node.id)
                .collect();
            items.push(top);
        } else {
            let mut below: HashMap<NodeId, Vec<LockInfo>> = HashMap::new();
            for lock in tx.locks_below(node.id, now).await? {
                // The root is filled in where the locked node's path is known.
                below.entry(lock.node_id).or_default().push(LockInfo {
                    lock,
                    root: Vec::new(),
                });
            }
            let children = describe_children(tx.as_mut(), me, &mut top, &mut below).await?;
            items.push(top);
            if limit.is_some_and(|limit| items.len() + children.len() > limit) {
                return Ok(None);
            }
            match limit {
                None => items.extend(children),
                Some(limit) => {
                    // Depth first, each folder followed by what it holds.
                    let mut stack: Vec<Described> = children.into_iter().rev().collect();
                    while let Some(mut item) = stack.pop() {
                        if items.len() + stack.len() + 1 > limit {
                            return Ok(None);
                        }
                        if item.entry.node.is_dir() && item.entry.child_count > 0 {
                            let inner =
                                describe_children(tx.as_mut(), me, &mut item, &mut below).await?;
                            stack.extend(inner.into_iter().rev());
                        }
                        items.push(item);
                    }
                }
            }
        }
        let (owner_id, owner_name, quota) = match node.owner {
            Owner::User(uid) => match tx.user_by_id(uid).await? {
                Some(u) => (u.username, u.display_name, u.quota_bytes),
                None => (String::new(), String::new(), 0),
            },
            Owner::Group(gid) => (gid.to_string(), String::new(), 0),
        };
        let used_bytes = match usage {
            Usage::Count => Some(tx.used_bytes(node.owner).await?),
            Usage::Skip => None,
        };
        Ok(Some(Description {
            items,
            owner_id,
            owner_name,
            used_bytes,
            quota_bytes: (quota > 0).then_some(quota),
        }))
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
        check_locks(tx.as_mut(), actor, id, lock_tokens, now, locks::Reach::Node).await?;
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
