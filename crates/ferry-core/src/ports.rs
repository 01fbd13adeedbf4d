//! The ports core does its IO through. Stores and blob stores implement them; only the
//! `ferry` binary knows which implementation is plugged in.

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;

use crate::clock::EpochMillis;
use crate::error::Result;
use crate::ids::{NodeId, SessionId, UserId};
use crate::model::{
    DavLock, DeadProp, Node, NodeEntry, NodeStats, Owner, RootKind, Session, UploadToken, User,
    Version,
};

/// The metadata database. Everything happens inside a transaction.
#[async_trait]
pub trait MetaStore: Send + Sync + 'static {
    /// A transaction that only reads.
    async fn read(&self) -> Result<Box<dyn MetaTx>>;
    /// A transaction that will write: takes the write lock up front (SQLite `BEGIN IMMEDIATE`).
    async fn write(&self) -> Result<Box<dyn MetaTx>>;
    /// Which backend this is, for logs ("sqlite", "postgres").
    fn backend(&self) -> &'static str;
}

/// One transaction. Dropping it without `commit` rolls it back.
///
/// `Option` means "may legitimately be absent"; a failing database is always an `Err`.
#[async_trait]
pub trait MetaTx: Send {
    async fn commit(self: Box<Self>) -> Result<()>;

    // --- users ---
    /// Fails with `AlreadyExists` when the username or the email (case-insensitively) is taken.
    async fn insert_user(&mut self, user: &User) -> Result<()>;
    async fn user_by_id(&mut self, id: UserId) -> Result<Option<User>>;
    /// By username, or by email compared case-insensitively.
    async fn user_by_login(&mut self, login: &str) -> Result<Option<User>>;
    async fn list_users(&mut self) -> Result<Vec<User>>;
    /// Replaces every field but `id` and `created_ms`. `AlreadyExists` as for insert.
    async fn update_user(&mut self, user: &User) -> Result<()>;
    /// Removes the user with their sessions, upload tokens, stars, group memberships and
    /// every node they own (with its versions). Returns false if there was no such user.
    async fn delete_user(&mut self, id: UserId) -> Result<bool>;

    // --- sessions and upload tokens ---
    async fn insert_session(&mut self, session: &Session) -> Result<()>;
    async fn session_by_token_hash(&mut self, token_hash: &str) -> Result<Option<Session>>;
    async fn session_by_file_key_hash(&mut self, file_key_hash: &str) -> Result<Option<Session>>;
    async fn delete_session(&mut self, id: SessionId) -> Result<()>;
    /// Removes every session of the user; returns how many.
    async fn delete_sessions_of(&mut self, user: UserId) -> Result<u64>;
    /// Removes sessions, upload tokens and login flows that expired before `now`.
    async fn delete_expired(&mut self, now: EpochMillis) -> Result<u64>;
    async fn insert_upload_token(&mut self, token: &UploadToken) -> Result<()>;
    /// Removes the token and returns it: a token works once.
    async fn take_upload_token(&mut self, token_hash: &str) -> Result<Option<UploadToken>>;

    // --- api keys ---
    /// `AlreadyExists` if the hash is taken.
    async fn insert_api_key(&mut self, key: &crate::model::ApiKey) -> Result<()>;
    async fn api_key_by_id(
        &mut self,
        id: crate::ids::ApiKeyId,
    ) -> Result<Option<crate::model::ApiKey>>;
    async fn api_key_by_hash(&mut self, token_hash: &str) -> Result<Option<crate::model::ApiKey>>;
    /// Every key, newest first.
    async fn list_api_keys(&mut self) -> Result<Vec<crate::model::ApiKey>>;
    /// Replaces name, scopes, status, expiry and revocation time; `NotFound` if absent.
    async fn update_api_key(&mut self, key: &crate::model::ApiKey) -> Result<()>;
    /// Returns false if there was no such key.
    async fn delete_api_key(&mut self, id: crate::ids::ApiKeyId) -> Result<bool>;
    async fn touch_api_key(&mut self, id: crate::ids::ApiKeyId, now: EpochMillis) -> Result<()>;

    // --- webdrive endpoints ---
    /// Gives the owner this endpoint, replacing the one it had. `AlreadyExists` when another
    /// owner holds the name.
    async fn put_webdrive(&mut self, drive: &crate::webdrive::WebDrive) -> Result<()>;
    async fn webdrive_by_endpoint(
        &mut self,
        endpoint: &str,
    ) -> Result<Option<crate::webdrive::WebDrive>>;
    async fn webdrive_of(&mut self, owner: Owner) -> Result<Option<crate::webdrive::WebDrive>>;
    /// Returns false if the owner had none.
    async fn delete_webdrive_of(&mut self, owner: Owner) -> Result<bool>;

    // --- features ---
    /// The features switched explicitly, with their state; a feature not listed is on.
    async fn feature_states(&mut self) -> Result<Vec<(String, bool)>>;
    async fn set_feature_state(&mut self, id: &str, enabled: bool, now: EpochMillis) -> Result<()>;

    // --- group member defaults ---
    /// What the group's new members get, when set exactly (else its level applies).
    async fn member_defaults(
        &mut self,
        group: crate::ids::GroupId,
    ) -> Result<Option<crate::model::MemberPermissions>>;
    /// Sets (or with `None` clears) what the group's new members get.
    async fn set_member_defaults(
        &mut self,
        group: crate::ids::GroupId,
        defaults: Option<&crate::model::MemberPermissions>,
    ) -> Result<()>;

    // --- rate limits ---
    /// Counts one request in the fixed window `(key, window_start)` and returns the count so
    /// far (1 for the first). Atomic across instances sharing the database.
    async fn hit_rate_window(&mut self, key: &str, window_start: EpochMillis) -> Result<i64>;
    /// Forgets the windows of `key` that started before `before`.
    async fn forget_rate_windows(&mut self, key: &str, before: EpochMillis) -> Result<()>;
    /// Forgets every window that started before `before`; returns how many.
    async fn forget_ended_rate_windows(&mut self, before: EpochMillis) -> Result<u64>;

    // --- app passwords and login flows ---
    /// `AlreadyExists` if the hash is taken.
    async fn insert_app_password(&mut self, password: &crate::model::AppPassword) -> Result<()>;
    async fn app_password_by_hash(
        &mut self,
        token_hash: &str,
    ) -> Result<Option<crate::model::AppPassword>>;
    /// Newest first.
    async fn list_app_passwords(&mut self, user: UserId) -> Result<Vec<crate::model::AppPassword>>;
    /// Returns false if there was no such app password.
    async fn delete_app_password(&mut self, id: crate::ids::AppPasswordId) -> Result<bool>;
    async fn touch_app_password(
        &mut self,
        id: crate::ids::AppPasswordId,
        now: EpochMillis,
    ) -> Result<()>;
    async fn insert_login_flow(&mut self, flow: &crate::model::LoginFlow) -> Result<()>;
    async fn login_flow_by_poll_hash(
        &mut self,
        poll_token_hash: &str,
    ) -> Result<Option<crate::model::LoginFlow>>;
    async fn login_flow_by_login_hash(
        &mut self,
        login_token_hash: &str,
    ) -> Result<Option<crate::model::LoginFlow>>;
    /// Records the grant of a pending flow; false if the flow is gone or already granted.
    async fn grant_login_flow(
        &mut self,
        id: crate::ids::LoginFlowId,
        grant: &crate::model::LoginGrant,
    ) -> Result<bool>;
    async fn delete_login_flow(&mut self, id: crate::ids::LoginFlowId) -> Result<()>;

    // --- groups ---
    /// `AlreadyExists` if the id or the slug is taken.
    async fn insert_group(&mut self, group: &crate::model::Group) -> Result<()>;
    async fn group_by_id(&mut self, id: crate::ids::GroupId)
    -> Result<Option<crate::model::Group>>;
    async fn group_by_slug(&mut self, slug: &str) -> Result<Option<crate::model::Group>>;
    /// Every group, by name.
    async fn list_groups(&mut self) -> Result<Vec<crate::model::Group>>;
    /// Replaces every field but `id` and `created_ms`; `NotFound` if absent, `AlreadyExists`
    /// if another group has the slug.
    async fn update_group(&mut self, group: &crate::model::Group) -> Result<()>;
    /// Removes the group with its memberships, tags and every node it owns (with their
    /// versions). Returns false if there was no such group.
    async fn delete_group(&mut self, id: crate::ids::GroupId) -> Result<bool>;
    /// `AlreadyExists` if the user is already a member.
    async fn insert_membership(&mut self, membership: &crate::model::Membership) -> Result<()>;
    /// Replaces the permissions; `NotFound` if the user is not a member.
    async fn update_membership(&mut self, membership: &crate::model::Membership) -> Result<()>;
    async fn membership(
        &mut self,
        group: crate::ids::GroupId,
        user: UserId,
    ) -> Result<Option<crate::model::Membership>>;
    /// False if the user was not a member.
    async fn delete_membership(&mut self, group: crate::ids::GroupId, user: UserId)
    -> Result<bool>;
    /// The group's members with their accounts, by username.
    async fn group_members(
        &mut self,
        group: crate::ids::GroupId,
    ) -> Result<Vec<crate::model::GroupMember>>;
    /// The user's groups with their membership in each, by group name, in one query.
    async fn groups_of_user(
        &mut self,
        user: UserId,
    ) -> Result<Vec<crate::model::GroupWithMembership>>;
    /// `AlreadyExists` if the group already has a tag of that name.
    async fn insert_group_tag(&mut self, tag: &crate::model::GroupTag) -> Result<()>;
    /// The group's tags by name; at most `limit` when given.
    async fn list_group_tags(
        &mut self,
        group: crate::ids::GroupId,
        limit: Option<i64>,
    ) -> Result<Vec<crate::model::GroupTag>>;
    async fn insert_outgoing_mail(&mut self, mail: &crate::model::OutgoingMail) -> Result<()>;
    /// Every waiting message, oldest first.
    async fn list_outgoing_mail(&mut self) -> Result<Vec<crate::model::OutgoingMail>>;

    // --- user profile and security ---
    /// The account's profile, notification settings and 2FA flag; `None` if no such user.
    async fn user_details(&mut self, id: UserId) -> Result<Option<crate::model::UserDetails>>;
    /// Replaces everything in the details but `twofa` (see [`MetaTx::set_user_totp`]).
    /// `NotFound` if there is no such user.
    async fn set_user_details(
        &mut self,
        id: UserId,
        details: &crate::model::UserDetails,
    ) -> Result<()>;
    /// The TOTP state while 2FA is on; `None` when it is off or there is no such user.
    async fn user_totp(&mut self, id: UserId) -> Result<Option<crate::model::TotpState>>;
    /// Turns 2FA on with the secret (`None` turns it off); forgets the last accepted step.
    /// `NotFound` if there is no such user.
    async fn set_user_totp(&mut self, id: UserId, secret: Option<&str>) -> Result<()>;
    /// Records that a code for `step` was accepted, only if `step` is later than the last
    /// one accepted; false (nothing changed) for a replayed or older step or when 2FA is
    /// off. Atomic, so two instances cannot both accept one code.
    async fn accept_totp_step(&mut self, id: UserId, step: i64) -> Result<bool>;
    async fn insert_login_event(&mut self, event: &crate::model::LoginEvent) -> Result<()>;
    /// The user's newest `limit` events, newest first.
    async fn list_login_events(
        &mut self,
        user: UserId,
        limit: i64,
    ) -> Result<Vec<crate::model::LoginEvent>>;
    /// Forgets the user's events older than `before`; returns how many.
    async fn forget_login_events(&mut self, user: UserId, before: EpochMillis) -> Result<u64>;
    /// Counts one failed login against `key` at `at`.
    async fn add_login_failure(&mut self, key: &str, at: EpochMillis) -> Result<()>;
    /// When the newest `limit` failures of `key` later than `since` happened, newest first.
    async fn recent_login_failures(
        &mut self,
        key: &str,
        since: EpochMillis,
        limit: i64,
    ) -> Result<Vec<EpochMillis>>;
    /// Forgets every failure of `key`.
    async fn clear_login_failures(&mut self, key: &str) -> Result<()>;
    /// Forgets every failure older than `before`; returns how many.
    async fn forget_login_failures(&mut self, before: EpochMillis) -> Result<u64>;

    // --- nodes ---
    /// Inserts the node and returns the `file_id` the store assigned (the field's value is
    /// ignored). `AlreadyExists` if a live sibling has the same name, or the owner already
    /// has that root.
    async fn insert_node(&mut self, node: &Node) -> Result<i64>;
    async fn node_by_id(&mut self, id: NodeId) -> Result<Option<Node>>;
    async fn node_by_file_id(&mut self, file_id: i64) -> Result<Option<Node>>;
    async fn root_node(&mut self, owner: Owner, root: RootKind) -> Result<Option<Node>>;
    /// The live (not trashed) child with that exact name.
    async fn child_by_name(&mut self, parent: NodeId, name: &str) -> Result<Option<Node>>;
    /// Live children, folders first, then by name; starred as seen by `viewer`.
    async fn list_children(&mut self, parent: NodeId, viewer: UserId) -> Result<Vec<NodeEntry>>;
    /// Nodes of this owner that were put in the trash themselves (not their descendants).
    async fn list_trash(&mut self, owner: Owner, viewer: UserId) -> Result<Vec<NodeEntry>>;
    /// Nodes the viewer starred whose owner is `owner`.
    async fn list_starred(&mut self, owner: Owner, viewer: UserId) -> Result<Vec<NodeEntry>>;
    /// The chain from the owner's root down to and including the node itself.
    async fn ancestors(&mut self, id: NodeId) -> Result<Vec<Node>>;
    /// Every node below `id` (not `id` itself) that is not trashed and not inside a trashed
    /// node, parents before children.
    async fn descendants(&mut self, id: NodeId) -> Result<Vec<Node>>;
    /// Replaces parent, name, size, etag, revision, content hash, times and trash state.
    /// `AlreadyExists` if a live sibling has the new name.
    async fn update_node(&mut self, node: &Node) -> Result<()>;
    /// Gives the node and everything below it to a new owner.
    async fn set_subtree_owner(&mut self, id: NodeId, owner: Owner) -> Result<()>;
    /// Sets `etag` on the node and on every ancestor, so sync clients see the change.
    async fn propagate_etag(&mut self, id: NodeId, etag: &str) -> Result<()>;
    /// Deletes the node, everything below it, their versions and stars.
    async fn delete_subtree(&mut self, id: NodeId) -> Result<()>;
    /// Bytes an owner uses: every version of every node it owns, trash included.
    async fn used_bytes(&mut self, owner: Owner) -> Result<i64>;

    // --- stars ---
    async fn set_starred(&mut self, user: UserId, node: NodeId, starred: bool) -> Result<()>;
    async fn is_starred(&mut self, user: UserId, node: NodeId) -> Result<bool>;

    // --- versions ---
    async fn insert_version(&mut self, version: &Version) -> Result<()>;
    /// Oldest first.
    async fn list_versions(&mut self, node: NodeId) -> Result<Vec<Version>>;
    async fn version(&mut self, node: NodeId, number: i64) -> Result<Option<Version>>;
    /// Whether any version, node or upload part refers to the content hash (the blob sweep
    /// asks).
    async fn blob_is_referenced(&mut self, content_hash: &str) -> Result<bool>;

    // --- chunked uploads ---
    /// `AlreadyExists` if the user already has a session with that transfer id.
    async fn insert_upload_session(&mut self, session: &crate::model::UploadSession) -> Result<()>;
    /// The user's session with that transfer id, if it was active at or after `idle_before`.
    async fn upload_session(
        &mut self,
        user: UserId,
        transfer_id: &str,
        idle_before: EpochMillis,
    ) -> Result<Option<crate::model::UploadSession>>;
    /// Like [`MetaTx::upload_session`], but also sets its `touched_ms` to `now`. The update
    /// holds the session's row until the transaction ends, so writers of one session take
    /// turns on PostgreSQL too (SQLite's write transactions take turns anyway) and each sees
    /// the parts the previous one added.
    async fn touch_upload_session(
        &mut self,
        user: UserId,
        transfer_id: &str,
        idle_before: EpochMillis,
        now: EpochMillis,
    ) -> Result<Option<crate::model::UploadSession>>;
    /// Sets `assembling_ms` (`None` releases the claim).
    async fn set_upload_assembling(
        &mut self,
        id: crate::ids::UploadId,
        assembling_ms: Option<EpochMillis>,
    ) -> Result<()>;
    /// Removes the session and its parts (their blobs are left to the sweep); false if
    /// there was no such session.
    async fn delete_upload_session(&mut self, id: crate::ids::UploadId) -> Result<bool>;
    /// Removes the sessions last active before `idle_before`, with their parts; returns how
    /// many sessions went.
    async fn delete_idle_upload_sessions(&mut self, idle_before: EpochMillis) -> Result<u64>;
    /// Adds the part, or replaces the session's part of the same name and returns it.
    async fn put_upload_part(
        &mut self,
        part: &crate::model::UploadPart,
    ) -> Result<Option<crate::model::UploadPart>>;
    /// A session's parts in byte-wise name order.
    async fn list_upload_parts(
        &mut self,
        id: crate::ids::UploadId,
    ) -> Result<Vec<crate::model::UploadPart>>;
    /// False if the session had no part of that name.
    async fn delete_upload_part(&mut self, id: crate::ids::UploadId, name: &str) -> Result<bool>;
    /// Bytes in the parts of all the user's sessions.
    async fn upload_part_bytes(&mut self, user: UserId) -> Result<i64>;

    // --- dav: dead properties, statistics, checksums, locks ---
    /// Dead properties of the node and of its live children, ordered by node, namespace, name.
    async fn dead_props_in(&mut self, id: NodeId) -> Result<Vec<DeadProp>>;
    /// Sets (inserts or replaces) one dead property.
    async fn set_dead_prop(&mut self, prop: &DeadProp) -> Result<()>;
    /// Removes one dead property; no error if it was not there.
    async fn remove_dead_prop(&mut self, node: NodeId, namespace: &str, name: &str) -> Result<()>;
    /// Copies every dead property of `from` onto `to` (keeping those `to` already has).
    async fn copy_dead_props(&mut self, from: NodeId, to: NodeId) -> Result<()>;
    /// Statistics of the node and of each of its live children, in one query (sizes summed
    /// over the live subtrees).
    async fn node_stats_in(&mut self, id: NodeId) -> Result<Vec<NodeStats>>;
    /// The node's own row of [`MetaTx::node_stats_in`]; `None` for an unknown node.
    async fn node_stats_of(&mut self, id: NodeId) -> Result<Option<NodeStats>>;
    /// Stores the client's checksum with a version (`None` clears it).
    async fn set_version_checksum(
        &mut self,
        node: NodeId,
        number: i64,
        checksum: Option<&str>,
    ) -> Result<()>;
    /// `AlreadyExists` if the token is taken.
    async fn insert_lock(&mut self, lock: &DavLock) -> Result<()>;
    async fn lock_by_token(&mut self, token: &str) -> Result<Option<DavLock>>;
    /// Unexpired locks on the node itself and deep locks on its ancestors, the nearest last.
    async fn locks_covering(&mut self, id: NodeId, now: EpochMillis) -> Result<Vec<DavLock>>;
    /// Unexpired locks on live nodes strictly below the node.
    async fn locks_below(&mut self, id: NodeId, now: EpochMillis) -> Result<Vec<DavLock>>;
    /// Gives the lock a new timeout; false if there is no such lock.
    async fn refresh_lock(
        &mut self,
        token: &str,
        timeout_secs: i64,
        expires_ms: EpochMillis,
    ) -> Result<bool>;
    /// False if there was no such lock.
    async fn delete_lock(&mut self, token: &str) -> Result<bool>;
    /// Removes the locks on the node and on everything below it; returns how many.
    async fn delete_locks_in(&mut self, id: NodeId) -> Result<u64>;
    /// Removes locks that expired before `now`; returns how many.
    async fn delete_expired_locks(&mut self, now: EpochMillis) -> Result<u64>;
}

/// A byte range of a blob: `start..start+len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    pub len: u64,
}

/// A stored blob, as the sweep sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobInfo {
    pub content_hash: String,
    pub size: u64,
    pub modified_ms: EpochMillis,
}

pub type ByteStream = BoxStream<'static, Result<Bytes>>;

/// Content storage addressed by SHA-256. Writing goes through a staging step so that a
/// blob is whole and durable before anything refers to it, and memory stays bounded
/// whatever the size: bytes are streamed through, never collected.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Starts a new staged write (a temporary object; an S3 store would start a multipart upload).
    async fn writer(&self) -> Result<Box<dyn BlobWriter>>;
    /// Streams the blob, or the range of it. `NotFound` if there is no such blob.
    async fn read(&self, content_hash: &str, range: Option<ByteRange>) -> Result<ByteStream>;
    async fn exists(&self, content_hash: &str) -> Result<bool>;
    /// Removes the blob; no error if it was already gone.
    async fn delete(&self, content_hash: &str) -> Result<()>;
    /// Every committed blob (for the sweep).
    async fn list(&self) -> Result<Vec<BlobInfo>>;
    /// Removes staged writes left behind by a crash; returns how many. Call on start.
    async fn clean_staging(&self) -> Result<u64>;

    /// Joins committed blobs, in order, into one new staged blob (chunked uploads). This
    /// default streams each blob through a new writer, so memory stays bounded and the hash
    /// is computed on the way. A store that can join objects on its side (S3
    /// `UploadPartCopy`) overrides it to avoid copying the bytes through Ferry, as long as
    /// it can still name the result by its SHA-256. On failure nothing is left staged.
    async fn concat(&self, content_hashes: &[String]) -> Result<Box<dyn StagedBlob>> {
        let mut writer = self.writer().await?;
        for hash in content_hashes {
            if let Err(e) = copy_into(self, hash, writer.as_mut()).await {
                writer.abort().await;
                return Err(e);
            }
        }
        writer.finish().await
    }
}

/// Streams one committed blob into a writer (for [`BlobStore::concat`]).
async fn copy_into<S: BlobStore + ?Sized>(
    store: &S,
    content_hash: &str,
    writer: &mut dyn BlobWriter,
) -> Result<()> {
    use futures::StreamExt;
    let mut stream = store.read(content_hash, None).await?;
    while let Some(chunk) = stream.next().await {
        writer.write(chunk?).await?;
    }
    Ok(())
}

#[async_trait]
pub trait BlobWriter: Send {
    async fn write(&mut self, chunk: Bytes) -> Result<()>;
    /// Bytes written so far.
    fn written(&self) -> u64;
    /// Flushes and syncs the staged bytes; the result knows its hash and size.
    async fn finish(self: Box<Self>) -> Result<Box<dyn StagedBlob>>;
    /// Throws the staged bytes away.
    async fn abort(self: Box<Self>);
}

#[async_trait]
pub trait StagedBlob: Send + Sync {
    /// SHA-256, lower-case hex.
    fn content_hash(&self) -> &str;
    fn size(&self) -> u64;
    /// Makes the blob durable under its hash (atomically; a no-op copy if it already exists).
    async fn commit(self: Box<Self>) -> Result<()>;
    async fn abort(self: Box<Self>);
}
