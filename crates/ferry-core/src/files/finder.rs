//! Finding nodes the way Nextcloud clients ask: by numeric file id, by name below a folder
//! (DAV SEARCH), and the caller's favorites — each with its path below the home folder.

use super::access::require;
use super::paths::{home, path_names};
use super::tree::{in_trash, visible_node};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::model::{Node, Owner};
use crate::service::Ferry;

/// A node with its path below the caller's home folder (names, top first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub node: Node,
    pub path: Vec<String>,
}

/// How a name is matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameMatch {
    Exact(String),
    /// SQL `LIKE` semantics: `%` any run, `_` one character; case-insensitive, as Nextcloud's.
    Like(String),
}

impl NameMatch {
    pub fn matches(&self, name: &str) -> bool {
        match self {
            NameMatch::Exact(want) => name == want,
            NameMatch::Like(pattern) => like(&pattern.to_lowercase(), &name.to_lowercase()),
        }
    }
}

/// `LIKE` matching over characters, iterative with backtracking to the last `%`.
fn like(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '_' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '%' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '%')
}

impl Ferry {
    /// The live node with this Nextcloud file id, if the caller may see it and it lies
    /// below the caller's home folder.
    pub async fn find_by_file_id(&self, actor: &Actor, file_id: i64) -> Result<Found> {
        let mut tx = self.meta.read().await?;
        let node = tx.node_by_file_id(file_id).await?.ok_or(Error::NotFound)?;
        let (node, _) = visible_node(tx.as_mut(), actor, node.id).await?;
        let (root, _) = home(tx.as_mut(), actor).await?;
        if in_trash(tx.as_mut(), &node).await? {
            return Err(Error::NotFound);
        }
        let chain = tx.ancestors(node.id).await?;
        if chain.first().map(|n| n.id) != Some(root.id) {
            return Err(Error::NotFound);
        }
        let path = chain.into_iter().skip(1).map(|n| n.name).collect();
        Ok(Found { node, path })
    }

    /// Live nodes below `under` (a folder) whose names match, at most `limit`, ordered by
    /// path. One store query for the whole subtree.
    pub async fn search_names(
        &self,
        actor: &Actor,
        under: NodeId,
        wanted: &NameMatch,
        limit: usize,
    ) -> Result<Vec<Found>> {
        let mut tx = self.meta.read().await?;
        let (top, access) = visible_node(tx.as_mut(), actor, under).await?;
        require(access, |a| a.read)?;
        if !top.is_dir() {
            return Err(Error::invalid("scope", "is not a folder"));
        }
        let base = path_names(tx.as_mut(), &top).await?;
        let below = tx.descendants(top.id).await?;
        // Parents come before children, so each node's path is its parent's plus its name.
        let mut paths: std::collections::HashMap<NodeId, Vec<String>> =
            std::collections::HashMap::new();
        paths.insert(top.id, base);
        let mut found = Vec::new();
        for node in below {
            let Some(parent_path) = node.parent.and_then(|p| paths.get(&p)).cloned() else {
                continue;
            };
            let mut path = parent_path;
            path.push(node.name.clone());
            if node.is_dir() {
                paths.insert(node.id, path.clone());
            }
            if wanted.matches(&node.name) {
                found.push(Found { node, path });
            }
        }
        found.sort_by(|a, b| a.path.cmp(&b.path));
        found.truncate(limit);
        Ok(found)
    }

    /// The caller's favorites below their home folder, with their paths.
    pub async fn favorites(&self, actor: &Actor) -> Result<Vec<Found>> {
        let me = actor.user_id().ok_or(Error::NotFound)?;
        let mut tx = self.meta.read().await?;
        let starred = tx.list_starred(Owner::User(me), me).await?;
        let mut found = Vec::with_capacity(starred.len());
        for entry in starred {
            let path = path_names(tx.as_mut(), &entry.node).await?;
            found.push(Found {
                node: entry.node,
                path,
            });
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_matches_as_sql_does() {
        assert!(like("%.txt", "notes.txt"));
        assert!(like("n_tes%", "notes.txt"));
        assert!(like("%", ""));
        assert!(like("%a%b%", "xxaxxbxx"));
        assert!(!like("%.txt", "notes.txt.bak"));
        assert!(!like("a_", "a"));
        assert!(NameMatch::Like("REPORT%".into()).matches("report-2026.pdf"));
        assert!(!NameMatch::Exact("Report".into()).matches("report"));
    }
}
