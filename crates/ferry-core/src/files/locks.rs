//! WebDAV write locks (RFC 4918 §6–7): taking, refreshing and releasing them, and the one
//! check every write through a lock-aware face goes through. Locks live in the database, so
//! every instance sees the same ones.

use super::access::require;
use super::paths::path_names;
use super::tree::visible_node;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::model::{DavLock, Node};
use crate::ports::MetaTx;
use crate::service::Ferry;

/// The longest lock Ferry grants; longer (or infinite) requests get this.
pub const MAX_LOCK_SECS: i64 = 7 * 24 * 60 * 60;
/// What a lock request without a usable timeout gets.
pub const DEFAULT_LOCK_SECS: i64 = 60 * 60;

/// A lock as asked for.
#[derive(Clone, Debug)]
pub struct LockRequest {
    pub exclusive: bool,
    /// Depth: infinity.
    pub deep: bool,
    pub owner_xml: String,
    /// `None` for "Infinite" or no Timeout header.
    pub timeout_secs: Option<i64>,
}

/// A lock with the path of the node it is on (names below the home folder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockInfo {
    pub lock: DavLock,
    pub root: Vec<String>,
}

/// Which locks a write must get past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// The node's own locks and its ancestors' deep ones.
    Node,
    /// Those and every lock below the node (deleting or moving a folder).
    Tree,
}

fn granted_secs(asked: Option<i64>) -> i64 {
    match asked {
        Some(s) if s > 0 => s.min(MAX_LOCK_SECS),
        Some(_) => DEFAULT_LOCK_SECS,
        None => MAX_LOCK_SECS,
    }
}

/// Whether the caller holds the lock: it is theirs and they sent its token.
fn holds(actor: &Actor, lock: &DavLock, tokens: &[String]) -> bool {
    actor.user_id() == Some(lock.user_id) && tokens.contains(&lock.token)
}

/// Fails with `Locked` unless the caller may write past every lock in `locks`: each
/// exclusive lock must be held, and of shared locks at least one.
fn may_pass(actor: &Actor, locks: &[DavLock], tokens: &[String]) -> Result<()> {
    if matches!(actor, Actor::System) {
        return Ok(());
    }
    let exclusive_ok = locks
        .iter()
        .filter(|l| l.exclusive)
        .all(|l| holds(actor, l, tokens));
    let mut shared = locks.iter().filter(|l| !l.exclusive).peekable();
    let shared_ok = shared.peek().is_none() || shared.any(|l| holds(actor, l, tokens));
    if exclusive_ok && shared_ok {
        Ok(())
    } else {
        Err(Error::Locked)
    }
}

/// The lock check for a write to `node` (its content, properties, name or place).
pub(crate) async fn check_locks(
    tx: &mut dyn MetaTx,
    actor: &Actor,
    node: NodeId,
    tokens: &[String],
    now: i64,
    reach: Reach,
) -> Result<()> {
    let mut locks = tx.locks_covering(node, now).await?;
    if reach == Reach::Tree {
        locks.extend(tx.locks_below(node, now).await?);
    }
    may_pass(actor, &locks, tokens)
}

/// The lock check for adding or removing a member of folder `parent` (a lock on a folder
/// protects its membership, RFC 4918 §7.4).
pub(crate) async fn check_member_change(
    tx: &mut dyn MetaTx,
    actor: &Actor,
    parent: NodeId,
    tokens: &[String],
    now: i64,
) -> Result<()> {
    check_locks(tx, actor, parent, tokens, now, Reach::Node).await
}

async fn with_root(tx: &mut dyn MetaTx, lock: DavLock) -> Result<LockInfo> {
    let node = tx
        .node_by_id(lock.node_id)
        .await?
        .ok_or_else(|| Error::internal("lock on a missing node"))?;
    let root = path_names(tx, &node).await?;
    Ok(LockInfo { lock, root })
}

/// The unexpired locks that cover a node, with their roots.
pub(crate) async fn locks_on(tx: &mut dyn MetaTx, node: &Node, now: i64) -> Result<Vec<LockInfo>> {
    let mut out = Vec::new();
    for lock in tx.locks_covering(node.id, now).await? {
        out.push(with_root(tx, lock).await?);
    }
    Ok(out)
}

impl Ferry {
    /// Locks a node. Conflicting locks (any lock where either is exclusive), on the node,
    /// above it, or below it when the new lock is deep, make it `Locked`.
    pub async fn lock(&self, actor: &Actor, id: NodeId, request: LockRequest) -> Result<LockInfo> {
        let user_id = actor
            .user_id()
            .ok_or_else(|| Error::invalid("actor", "only users take locks"))?;
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let (node, access) = visible_node(tx.as_mut(), actor, id).await?;
        require(access, |a| a.write)?;
        tx.delete_expired_locks(now).await?;
        let mut existing = tx.locks_covering(node.id, now).await?;
        if request.deep {
            existing.extend(tx.locks_below(node.id, now).await?);
        }
        if existing.iter().any(|l| l.exclusive || request.exclusive) {
            return Err(Error::Locked);
        }
        let secs = granted_secs(request.timeout_secs);
        let lock = DavLock {
            token: format!("opaquelocktoken:{}", uuid::Uuid::new_v4()),
            node_id: node.id,
            user_id,
            exclusive: request.exclusive,
            deep: request.deep,
            owner_xml: request.owner_xml,
            timeout_secs: secs,
            created_ms: now,
            expires_ms: now + secs * 1000,
        };
        tx.insert_lock(&lock).await?;
        let root = path_names(tx.as_mut(), &node).await?;
        tx.commit().await?;
        Ok(LockInfo { lock, root })
    }

    /// Refreshes the caller's lock that covers the node and whose token was sent.
    /// `PreconditionFailed` when there is none.
    pub async fn refresh_lock(
        &self,
        actor: &Actor,
        id: NodeId,
        tokens: &[String],
        timeout_secs: Option<i64>,
    ) -> Result<LockInfo> {
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        visible_node(tx.as_mut(), actor, id).await?;
        let held = tx
            .locks_covering(id, now)
            .await?
            .into_iter()
            .find(|l| holds(actor, l, tokens))
            .ok_or_else(|| Error::PreconditionFailed("no lock of yours was named".into()))?;
        let secs = granted_secs(timeout_secs);
        let expires_ms = now + secs * 1000;
        tx.refresh_lock(&held.token, secs, expires_ms).await?;
        let lock = DavLock {
            timeout_secs: secs,
            expires_ms,
            ..held
        };
        let info = with_root(tx.as_mut(), lock).await?;
        tx.commit().await?;
        Ok(info)
    }

    /// Releases a lock that covers the node. `Conflict` when the token names no lock on
    /// it; `PermissionDenied` when the lock is someone else's.
    pub async fn unlock(&self, actor: &Actor, id: NodeId, token: &str) -> Result<()> {
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        visible_node(tx.as_mut(), actor, id).await?;
        let lock = tx
            .locks_covering(id, now)
            .await?
            .into_iter()
            .find(|l| l.token == token)
            .ok_or_else(|| Error::Conflict("the lock token does not cover this resource".into()))?;
        if actor.user_id() != Some(lock.user_id) && !matches!(actor, Actor::System) {
            return Err(Error::PermissionDenied);
        }
        tx.delete_lock(&lock.token).await?;
        tx.commit().await
    }

    /// The unexpired locks that cover a node (for lock discovery and `If` headers).
    pub async fn locks_on(&self, actor: &Actor, id: NodeId) -> Result<Vec<LockInfo>> {
        let now = self.now_ms();
        let mut tx = self.meta.read().await?;
        let (node, _) = visible_node(tx.as_mut(), actor, id).await?;
        locks_on(tx.as_mut(), &node, now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::UserActor;
    use crate::ids::UserId;

    fn lock(user: UserId, token: &str, exclusive: bool) -> DavLock {
        DavLock {
            token: token.into(),
            node_id: NodeId::generate(),
            user_id: user,
            exclusive,
            deep: false,
            owner_xml: String::new(),
            timeout_secs: 1,
            created_ms: 0,
            expires_ms: 1,
        }
    }

    fn actor(user: UserId) -> Actor {
        Actor::User(UserActor {
            user_id: user,
            username: "u".into(),
            is_admin: false,
            session_id: None,
            app_password_id: None,
            api_key: None,
        })
    }

    #[test]
    fn exclusive_locks_need_their_token_from_their_owner() {
        let me = UserId::generate();
        let other = UserId::generate();
        let locks = [lock(me, "t1", true)];
        assert!(may_pass(&actor(me), &locks, &["t1".into()]).is_ok());
        assert!(may_pass(&actor(me), &locks, &[]).is_err());
        assert!(may_pass(&actor(other), &locks, &["t1".into()]).is_err());
        assert!(may_pass(&actor(me), &[], &[]).is_ok());
    }

    #[test]
    fn one_shared_token_is_enough() {
        let me = UserId::generate();
        let locks = [lock(me, "a", false), lock(me, "b", false)];
        assert!(may_pass(&actor(me), &locks, &["b".into()]).is_ok());
        assert!(may_pass(&actor(me), &locks, &["c".into()]).is_err());
    }

    #[test]
    fn timeouts_are_capped() {
        assert_eq!(granted_secs(Some(10)), 10);
        assert_eq!(granted_secs(Some(i64::MAX)), MAX_LOCK_SECS);
        assert_eq!(granted_secs(None), MAX_LOCK_SECS);
        assert_eq!(granted_secs(Some(0)), DEFAULT_LOCK_SECS);
    }
}
