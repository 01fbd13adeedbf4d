//! Folder statistics remembered by ETag.
//!
//! A folder's statistics (its subtree's size, its children's counts) come from walking its
//! subtree: for a home folder with 100,000 files, tens of milliseconds. Sync clients ask
//! for exactly that every few seconds (a `Depth: 0` PROPFIND of the folder they sync, to
//! see whether its ETag moved). A folder's ETag changes whenever anything below it changes
//! (every write propagates a new one up the chain), so statistics read in the same
//! snapshot as an ETag stay true for as long as the folder has that ETag, on every
//! instance sharing the database.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::ids::NodeId;
use crate::model::NodeStats;

/// Folders remembered. Past it the cache starts over: an entry is a few dozen bytes, and
/// the folders polled are few and hot, so a simple reset is as good as an LRU here.
const CAPACITY: usize = 4096;

#[derive(Debug, Default)]
pub(crate) struct StatsCache {
    entries: Mutex<HashMap<NodeId, (String, NodeStats)>>,
}

impl StatsCache {
    /// The folder's statistics, if known for exactly this ETag.
    pub(crate) fn get(&self, id: NodeId, etag: &str) -> Option<NodeStats> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(&id)
            .filter(|(known, _)| known == etag)
            .map(|(_, stats)| stats.clone())
    }

    /// Remembers statistics read in the same snapshot as `etag`.
    pub(crate) fn put(&self, etag: &str, stats: &NodeStats) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY && !entries.contains_key(&stats.node_id) {
            entries.clear();
        }
        entries.insert(stats.node_id, (etag.to_owned(), stats.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(id: NodeId, size: i64) -> NodeStats {
        NodeStats {
            node_id: id,
            tree_size: size,
            files: 1,
            folders: 0,
            checksum: None,
        }
    }

    #[test]
    fn known_only_for_the_etag_it_was_read_with() {
        let cache = StatsCache::default();
        let id = NodeId::generate();
        assert_eq!(cache.get(id, "a"), None);
        cache.put("a", &stats(id, 5));
        assert_eq!(cache.get(id, "a"), Some(stats(id, 5)));
        assert_eq!(cache.get(id, "b"), None);
        cache.put("b", &stats(id, 7));
        assert_eq!(cache.get(id, "a"), None);
        assert_eq!(cache.get(id, "b"), Some(stats(id, 7)));
    }

    #[test]
    fn starts_over_when_full() {
        let cache = StatsCache::default();
        let first = NodeId::generate();
        cache.put("e", &stats(first, 1));
        for _ in 0..CAPACITY {
            cache.put("e", &stats(NodeId::generate(), 1));
        }
        assert_eq!(cache.get(first, "e"), None);
        assert!(
            cache
                .entries
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .len()
                <= CAPACITY
        );
    }
}
