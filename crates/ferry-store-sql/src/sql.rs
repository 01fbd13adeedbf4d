//! The SQL, written once for both backends.
//!
//! Every statement is valid in SQLite ≥ 3.35 and PostgreSQL ≥ 15 alike: `$N` placeholders
//! (sqlx-sqlite binds `$N` by its number), `RETURNING`, `ON CONFLICT DO NOTHING`, and
//! `WITH RECURSIVE` in front of `SELECT`, `UPDATE` and `DELETE`. They are `&'static str`
//! so that sqlx 0.9 takes them as safe SQL.
//!
//! Inserts that may hit a unique index use `ON CONFLICT DO NOTHING` and report the conflict
//! from the row count, and updates check for a clashing row in their `WHERE`. A unique
//! violation raised as an error would abort the whole PostgreSQL transaction, while SQLite
//! carries on after it; this way `AlreadyExists` leaves the transaction usable on both.
//! The unique indexes stay as the last word against concurrent writers.
//!
//! Recursive walks that carry a depth stop at [`MAX_DEPTH`] levels so a cycle (which the
//! core never creates, but a bug could) ends in a wrong answer rather than a hung query; the
//! others use `UNION`, which stops at a repeated row by itself.

/// Deeper than any real folder tree: only a parent cycle reaches it.
pub const MAX_DEPTH: i64 = 10_000;

macro_rules! user_cols {
    () => {
        "id, username, email, display_name, password_hash, is_admin, is_active, quota_bytes, created_ms, last_login_ms"
    };
}

macro_rules! node_cols {
    () => {
        "n.id, n.file_id, n.owner_kind, n.owner_id, n.parent_id, n.root_kind, n.name, n.kind, n.size, \
         n.etag, n.revision, n.content_hash, n.created_ms, n.updated_ms, n.trashed_ms"
    };
}

/// A node as a listing shows it: its live children counted and the viewer's star looked up
/// in the same query. The viewer is always `$1`.
macro_rules! entry_cols {
    () => {
        concat!(
            node_cols!(),
            ", (SELECT COUNT(*) FROM nodes c WHERE c.parent_id = n.id AND c.trashed_ms IS NULL) AS child_count",
            ", EXISTS (SELECT 1 FROM stars s WHERE s.node_id = n.id AND s.user_id = $1) AS starred"
        )
    };
}

/// Folders first, then by name (byte order: the PostgreSQL column is `COLLATE "C"` so both
/// backends sort alike), then by id so equal names (possible in the trash) sort stably.
macro_rules! listing_order {
    () => {
        " ORDER BY CASE WHEN n.kind = 'dir' THEN 0 ELSE 1 END, n.name, n.id"
    };
}

/// Which rows of `up(start_id, anc_id)` reach a trashed node: used to leave out nodes that
/// sit inside a trashed folder.
macro_rules! buried {
    () => {
        "NOT EXISTS (SELECT 1 FROM up JOIN nodes a ON a.id = up.anc_id \
         WHERE up.start_id = n.id AND a.trashed_ms IS NOT NULL)"
    };
}

/// Run just before `COMMIT`. PostgreSQL answers `COMMIT` in a transaction that an earlier
/// error aborted with a silent `ROLLBACK`, which the driver reports as success; this
/// statement fails in such a transaction instead, so a lost commit is always an error.
/// SQLite never aborts a whole transaction on a failed statement, and runs it in microseconds.
pub const COMMIT_GUARD: &str = "SELECT 1";

// --- users ---

pub const INSERT_USER: &str = "INSERT INTO users (id, username, email, email_lower, display_name, \
     password_hash, is_admin, is_active, quota_bytes, created_ms, last_login_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING";

pub const USER_BY_ID: &str = concat!("SELECT ", user_cols!(), " FROM users WHERE id = $1");

/// `$1` the login as typed, `$2` its email key. A username match wins over another user's
/// email that happens to be spelled the same.
pub const USER_BY_LOGIN: &str = concat!(
    "SELECT ",
    user_cols!(),
    " FROM users WHERE username = $1 OR email_lower = $2",
    " ORDER BY CASE WHEN username = $1 THEN 0 ELSE 1 END LIMIT 1"
);

pub const LIST_USERS: &str = concat!("SELECT ", user_cols!(), " FROM users ORDER BY username");

/// Does nothing when another user holds the username or the email key.
pub const UPDATE_USER: &str = "UPDATE users SET username = $2, email = $3, email_lower = $4, \
     display_name = $5, password_hash = $6, is_admin = $7, is_active = $8, quota_bytes = $9, \
     last_login_ms = $10 \
     WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM users o WHERE o.id <> $1 \
     AND (o.username = $2 OR o.email_lower = $4))";

pub const USER_EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)";

/// The user's nodes and everything below them. Descendants owned by someone else go too:
/// leaving them would orphan them (and the parent foreign key forbids it).
pub const DELETE_USER_NODES: &str = "WITH RECURSIVE doomed(id) AS ( \
     SELECT id FROM nodes WHERE owner_kind = 'user' AND owner_id = $1 \
     UNION SELECT c.id FROM doomed JOIN nodes c ON c.parent_id = doomed.id) \
     DELETE FROM nodes WHERE id IN (SELECT id FROM doomed)";

/// Sessions, upload tokens and stars go with the row by `ON DELETE CASCADE`.
pub const DELETE_USER: &str = "DELETE FROM users WHERE id = $1";

// --- sessions and upload tokens ---

macro_rules! session_cols {
    () => {
        "id, user_id, token_hash, file_key_hash, created_ms, expires_ms"
    };
}

pub const INSERT_SESSION: &str = concat!(
    "INSERT INTO sessions (",
    session_cols!(),
    ") VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
);
pub const SESSION_BY_TOKEN_HASH: &str = concat!(
    "SELECT ",
    session_cols!(),
    " FROM sessions WHERE token_hash = $1"
);
pub const SESSION_BY_FILE_KEY_HASH: &str = concat!(
    "SELECT ",
    session_cols!(),
    " FROM sessions WHERE file_key_hash = $1"
);
pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1";
pub const DELETE_SESSIONS_OF: &str = "DELETE FROM sessions WHERE user_id = $1";
pub const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_ms < $1";
pub const DELETE_EXPIRED_UPLOAD_TOKENS: &str = "DELETE FROM upload_tokens WHERE expires_ms < $1";
pub const DELETE_EXPIRED_LOGIN_FLOWS: &str = "DELETE FROM login_flows WHERE expires_ms < $1";

// --- api keys ---

macro_rules! api_key_cols {
    () => {
        "id, user_id, name, prefix, token_hash, scopes, status, created_ms, last_used_ms, expires_ms, revoked_ms"
    };
}

pub const INSERT_API_KEY: &str = "INSERT INTO api_keys (id, user_id, name, prefix, token_hash, scopes, status, \
     created_ms, last_used_ms, expires_ms, revoked_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
     ON CONFLICT DO NOTHING";
pub const API_KEY_BY_ID: &str = concat!("SELECT ", api_key_cols!(), " FROM api_keys WHERE id = $1");
pub const API_KEY_BY_HASH: &str = concat!(
    "SELECT ",
    api_key_cols!(),
    " FROM api_keys WHERE token_hash = $1"
);
pub const LIST_API_KEYS: &str = concat!(
    "SELECT ",
    api_key_cols!(),
    " FROM api_keys ORDER BY created_ms DESC, id DESC"
);
pub const UPDATE_API_KEY: &str = "UPDATE api_keys SET name = $2, scopes = $3, status = $4, expires_ms = $5, \
     revoked_ms = $6 WHERE id = $1";
pub const DELETE_API_KEY: &str = "DELETE FROM api_keys WHERE id = $1";
pub const TOUCH_API_KEY: &str = "UPDATE api_keys SET last_used_ms = $2 WHERE id = $1";

// --- rate limits ---

/// One statement both databases run atomically: the first hit inserts, later ones add one.
pub const HIT_RATE_WINDOW: &str = "INSERT INTO rate_windows (key, window_start, count) VALUES ($1, $2, 1) \
     ON CONFLICT (key, window_start) DO UPDATE SET count = rate_windows.count + 1 RETURNING count";
pub const FORGET_RATE_WINDOWS: &str =
    "DELETE FROM rate_windows WHERE key = $1 AND window_start < $2";
pub const FORGET_ENDED_RATE_WINDOWS: &str = "DELETE FROM rate_windows WHERE window_start < $1";

// --- app passwords and login flows ---

macro_rules! app_password_cols {
    () => {
        "id, user_id, name, token_hash, created_ms, last_used_ms"
    };
}

pub const INSERT_APP_PASSWORD: &str = "INSERT INTO app_passwords (id, user_id, name, token_hash, created_ms, last_used_ms) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";
pub const APP_PASSWORD_BY_HASH: &str = concat!(
    "SELECT ",
    app_password_cols!(),
    " FROM app_passwords WHERE token_hash = $1"
);
pub const LIST_APP_PASSWORDS: &str = concat!(
    "SELECT ",
    app_password_cols!(),
    " FROM app_passwords WHERE user_id = $1 ORDER BY created_ms DESC, id DESC"
);
pub const DELETE_APP_PASSWORD: &str = "DELETE FROM app_passwords WHERE id = $1";
pub const TOUCH_APP_PASSWORD: &str = "UPDATE app_passwords SET last_used_ms = $2 WHERE id = $1";

macro_rules! login_flow_cols {
    () => {
        "id, poll_token_hash, login_token_hash, created_ms, expires_ms, sealed_app_password, app_password_hash, \
         user_id, login_name"
    };
}

pub const INSERT_LOGIN_FLOW: &str = "INSERT INTO login_flows (id, poll_token_hash, login_token_hash, created_ms, \
     expires_ms, sealed_app_password, app_password_hash, user_id, login_name) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL) ON CONFLICT DO NOTHING";
pub const LOGIN_FLOW_BY_POLL_HASH: &str = concat!(
    "SELECT ",
    login_flow_cols!(),
    " FROM login_flows WHERE poll_token_hash = $1"
);
pub const LOGIN_FLOW_BY_LOGIN_HASH: &str = concat!(
    "SELECT ",
    login_flow_cols!(),
    " FROM login_flows WHERE login_token_hash = $1"
);
/// Only a pending flow can be granted, once.
pub const GRANT_LOGIN_FLOW: &str =
    "UPDATE login_flows SET user_id = $2, login_name = $3 WHERE id = $1 AND user_id IS NULL";
pub const DELETE_LOGIN_FLOW: &str = "DELETE FROM login_flows WHERE id = $1";

pub const INSERT_UPLOAD_TOKEN: &str = "INSERT INTO upload_tokens \
     (token_hash, user_id, node_id, expires_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
/// Deleting and returning in one statement: two takers cannot both get the token.
pub const TAKE_UPLOAD_TOKEN: &str = "DELETE FROM upload_tokens WHERE token_hash = $1 \
     RETURNING token_hash, user_id, node_id, expires_ms";

// --- groups ---

macro_rules! group_cols {
    () => {
        "g.id, g.slug, g.name, g.description, g.quota_bytes, g.default_permission, g.avatar, \
         g.accept_incoming, g.private_shares_notify, g.created_ms"
    };
}

/// A membership's columns, prefixed so they can sit next to a user's or a group's.
macro_rules! membership_cols {
    () => {
        "m.group_id AS m_group_id, m.user_id AS m_user_id, m.is_admin AS m_is_admin, \
         m.node_permissions AS m_node_permissions, m.tag_permissions AS m_tag_permissions, \
         m.share_permissions AS m_share_permissions, m.created_ms AS m_created_ms"
    };
}

pub const INSERT_GROUP: &str = "INSERT INTO groups (id, slug, name, description, quota_bytes, \
     default_permission, avatar, accept_incoming, private_shares_notify, created_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING";
pub const GROUP_BY_ID: &str = concat!("SELECT ", group_cols!(), " FROM groups g WHERE g.id = $1");
pub const GROUP_BY_SLUG: &str =
    concat!("SELECT ", group_cols!(), " FROM groups g WHERE g.slug = $1");
pub const LIST_GROUPS: &str = concat!(
    "SELECT ",
    group_cols!(),
    " FROM groups g ORDER BY g.name, g.id"
);
/// Does nothing when another group holds the slug.
pub const UPDATE_GROUP: &str = "UPDATE groups SET slug = $2, name = $3, description = $4, \
     quota_bytes = $5, default_permission = $6, avatar = $7, accept_incoming = $8, \
     private_shares_notify = $9 \
     WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM groups o WHERE o.id <> $1 AND o.slug = $2)";
pub const GROUP_EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM groups WHERE id = $1)";
/// The group's nodes and everything below them (see `DELETE_USER_NODES`).
pub const DELETE_GROUP_NODES: &str = "WITH RECURSIVE doomed(id) AS ( \
     SELECT id FROM nodes WHERE owner_kind = 'group' AND owner_id = $1 \
     UNION SELECT c.id FROM doomed JOIN nodes c ON c.parent_id = doomed.id) \
     DELETE FROM nodes WHERE id IN (SELECT id FROM doomed)";
/// Memberships and tags go with the row by `ON DELETE CASCADE`.
pub const DELETE_GROUP: &str = "DELETE FROM groups WHERE id = $1";

pub const INSERT_MEMBERSHIP: &str = "INSERT INTO memberships (group_id, user_id, is_admin, \
     node_permissions, tag_permissions, share_permissions, created_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
pub const UPDATE_MEMBERSHIP: &str = "UPDATE memberships SET is_admin = $3, node_permissions = $4, \
     tag_permissions = $5, share_permissions = $6 WHERE group_id = $1 AND user_id = $2";
pub const MEMBERSHIP: &str = concat!(
    "SELECT ",
    membership_cols!(),
    " FROM memberships m WHERE m.group_id = $1 AND m.user_id = $2"
);
pub const DELETE_MEMBERSHIP: &str = "DELETE FROM memberships WHERE group_id = $1 AND user_id = $2";
pub const GROUP_MEMBERS: &str = concat!(
    "SELECT u.id, u.username, u.email, u.display_name, u.password_hash, u.is_admin, u.is_active, \
     u.quota_bytes, u.created_ms, u.last_login_ms, ",
    membership_cols!(),
    " FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.group_id = $1 ORDER BY u.username"
);
pub const GROUPS_OF_USER: &str = concat!(
    "SELECT ",
    group_cols!(),
    ", ",
    membership_cols!(),
    " FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.user_id = $1 ORDER BY g.name, g.id"
);

pub const INSERT_GROUP_TAG: &str = "INSERT INTO group_tags (id, group_id, name, class, created_ms) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
/// `$2` is the most to return (`LIMIT NULL` means different things to the two databases,
/// so "no limit" is passed as `i64::MAX`).
pub const LIST_GROUP_TAGS: &str = "SELECT id, group_id, name, class, created_ms FROM group_tags \
     WHERE group_id = $1 ORDER BY name, id LIMIT $2";

pub const INSERT_OUTGOING_MAIL: &str = "INSERT INTO outgoing_mail (id, user_id, address, subject, \
     body, created_ms) VALUES ($1, $2, $3, $4, $5, $6)";
pub const LIST_OUTGOING_MAIL: &str = "SELECT id, user_id, address, subject, body, created_ms \
     FROM outgoing_mail ORDER BY created_ms, id";

// --- user profile and security ---

pub const USER_DETAILS: &str = "SELECT language, phone, address, website, twitter, avatar, \
     admin_comment, email_alert_owned, email_alert_group_owned, email_alert_shared_with_me, \
     email_alert_shared_with_my_groups, realtime_alert_owned, realtime_alert_group_owned, \
     realtime_alert_shared_with_me, realtime_alert_shared_with_my_groups, \
     totp_secret IS NOT NULL AS twofa FROM users WHERE id = $1";
pub const SET_USER_DETAILS: &str = "UPDATE users SET language = $2, phone = $3, address = $4, \
     website = $5, twitter = $6, avatar = $7, admin_comment = $8, email_alert_owned = $9, \
     email_alert_group_owned = $10, email_alert_shared_with_me = $11, \
     email_alert_shared_with_my_groups = $12, realtime_alert_owned = $13, \
     realtime_alert_group_owned = $14, realtime_alert_shared_with_me = $15, \
     realtime_alert_shared_with_my_groups = $16 WHERE id = $1";
pub const USER_TOTP: &str =
    "SELECT totp_secret, totp_last_step FROM users WHERE id = $1 AND totp_secret IS NOT NULL";
pub const SET_USER_TOTP: &str =
    "UPDATE users SET totp_secret = $2, totp_last_step = NULL WHERE id = $1";
/// The `WHERE` makes accepting a step a compare-and-set: of two writers offering the same
/// step, only the first changes the row.
pub const ACCEPT_TOTP_STEP: &str = "UPDATE users SET totp_last_step = $2 WHERE id = $1 \
     AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2)";

macro_rules! login_event_cols {
    () => {
        "id, user_id, action, status, ip_address, details, at_ms"
    };
}

pub const INSERT_LOGIN_EVENT: &str = concat!(
    "INSERT INTO login_history (",
    login_event_cols!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
);
pub const LIST_LOGIN_EVENTS: &str = concat!(
    "SELECT ",
    login_event_cols!(),
    " FROM login_history WHERE user_id = $1 ORDER BY at_ms DESC, id DESC LIMIT $2"
);
pub const FORGET_LOGIN_EVENTS: &str = "DELETE FROM login_history WHERE user_id = $1 AND at_ms < $2";
pub const ADD_LOGIN_FAILURE: &str = "INSERT INTO login_failures (key, at_ms) VALUES ($1, $2)";
pub const RECENT_LOGIN_FAILURES: &str = "SELECT at_ms FROM login_failures \
     WHERE key = $1 AND at_ms > $2 ORDER BY at_ms DESC LIMIT $3";
pub const CLEAR_LOGIN_FAILURES: &str = "DELETE FROM login_failures WHERE key = $1";
pub const FORGET_LOGIN_FAILURES: &str = "DELETE FROM login_failures WHERE at_ms < $1";

// --- nodes ---

/// A counter row rather than an identity column or `max(file_id) + 1`: an id that was handed
/// out is never handed out again, even after its node is deleted, and the same statement
/// works on both backends. The row lock also orders concurrent inserts in PostgreSQL.
pub const NEXT_FILE_ID: &str =
    "UPDATE counters SET value = value + 1 WHERE name = 'file_id' RETURNING value";

pub const INSERT_NODE: &str = "INSERT INTO nodes (id, file_id, owner_kind, owner_id, parent_id, root_kind, \
     name, kind, size, etag, revision, content_hash, created_ms, updated_ms, trashed_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING";

pub const NODE_BY_ID: &str = concat!("SELECT ", node_cols!(), " FROM nodes n WHERE n.id = $1");
pub const NODE_BY_FILE_ID: &str = concat!(
    "SELECT ",
    node_cols!(),
    " FROM nodes n WHERE n.file_id = $1"
);
pub const NODE_EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM nodes WHERE id = $1)";
pub const ROOT_NODE: &str = concat!(
    "SELECT ",
    node_cols!(),
    " FROM nodes n WHERE n.owner_kind = $1 AND n.owner_id = $2 AND n.root_kind = $3"
);
pub const CHILD_BY_NAME: &str = concat!(
    "SELECT ",
    node_cols!(),
    " FROM nodes n WHERE n.parent_id = $1 AND n.name = $2 AND n.trashed_ms IS NULL"
);

/// `$1` viewer, `$2` parent.
pub const LIST_CHILDREN: &str = concat!(
    "SELECT ",
    entry_cols!(),
    " FROM nodes n WHERE n.parent_id = $2 AND n.trashed_ms IS NULL",
    listing_order!()
);

/// `$1` viewer, `$2`/`$3` owner. The walk goes up from each trashed node of the owner and
/// stops at the first trashed ancestor; a node that meets one was trashed inside a folder
/// that was trashed later, and shows (and is emptied) with that folder.
pub const LIST_TRASH: &str = concat!(
    "WITH RECURSIVE up(start_id, anc_id) AS (",
    " SELECT t.id, t.parent_id FROM nodes t",
    " WHERE t.owner_kind = $2 AND t.owner_id = $3 AND t.trashed_ms IS NOT NULL AND t.parent_id IS NOT NULL",
    " UNION SELECT up.start_id, a.parent_id FROM up JOIN nodes a ON a.id = up.anc_id",
    " WHERE a.trashed_ms IS NULL AND a.parent_id IS NOT NULL)",
    " SELECT ",
    entry_cols!(),
    " FROM nodes n WHERE n.owner_kind = $2 AND n.owner_id = $3 AND n.trashed_ms IS NOT NULL AND ",
    buried!(),
    listing_order!()
);

/// `$1` viewer, `$2`/`$3` owner. Starred nodes that are in the trash, or inside a trashed
/// folder, are left out: favorites show what can be opened. The walk starts at the node itself.
pub const LIST_STARRED: &str = concat!(
    "WITH RECURSIVE up(start_id, anc_id) AS (",
    " SELECT t.id, t.id FROM nodes t JOIN stars st ON st.node_id = t.id",
    " WHERE st.user_id = $1 AND t.owner_kind = $2 AND t.owner_id = $3",
    " UNION SELECT up.start_id, a.parent_id FROM up JOIN nodes a ON a.id = up.anc_id",
    " WHERE a.trashed_ms IS NULL AND a.parent_id IS NOT NULL)",
    " SELECT ",
    entry_cols!(),
    " FROM nodes n JOIN stars sv ON sv.node_id = n.id AND sv.user_id = $1",
    " WHERE n.owner_kind = $2 AND n.owner_id = $3 AND ",
    buried!(),
    listing_order!()
);

/// `$1` node, `$2` depth limit. Root first, the node itself last.
pub const ANCESTORS: &str = concat!(
    "WITH RECURSIVE chain(id, depth) AS (",
    " SELECT id, 0 FROM nodes WHERE id = $1",
    " UNION ALL SELECT p.parent_id, chain.depth + 1 FROM chain JOIN nodes p ON p.id = chain.id",
    " WHERE p.parent_id IS NOT NULL AND chain.depth < $2)",
    " SELECT ",
    node_cols!(),
    " FROM chain JOIN nodes n ON n.id = chain.id ORDER BY chain.depth DESC"
);

/// `$1` node, `$2` depth limit. The walk never enters a trashed node, so nothing inside one
/// comes out; the trash state of `$1` itself and above is the caller's business. Ordered by
/// depth, so every parent comes before its children.
pub const DESCENDANTS: &str = concat!(
    "WITH RECURSIVE tree(id, depth) AS (",
    " SELECT id, 1 FROM nodes WHERE parent_id = $1 AND trashed_ms IS NULL",
    " UNION ALL SELECT c.id, tree.depth + 1 FROM tree JOIN nodes c ON c.parent_id = tree.id",
    " WHERE c.trashed_ms IS NULL AND tree.depth < $2)",
    " SELECT ",
    node_cols!(),
    " FROM tree JOIN nodes n ON n.id = tree.id",
    " ORDER BY tree.depth, CASE WHEN n.kind = 'dir' THEN 0 ELSE 1 END, n.name, n.id"
);

/// Does nothing when a live sibling already has the new name (unless the node itself is
/// trashed, where names may repeat).
pub const UPDATE_NODE: &str = "UPDATE nodes SET parent_id = $2, name = $3, size = $4, etag = $5, \
     revision = $6, content_hash = $7, created_ms = $8, updated_ms = $9, trashed_ms = $10 \
     WHERE id = $1 AND ($10 IS NOT NULL OR $2 IS NULL OR NOT EXISTS (SELECT 1 FROM nodes o \
     WHERE o.parent_id = $2 AND o.name = $3 AND o.trashed_ms IS NULL AND o.id <> $1))";

/// Trashed descendants included: they belong to the subtree all the same.
pub const SET_SUBTREE_OWNER: &str = "WITH RECURSIVE tree(id) AS ( \
     SELECT id FROM nodes WHERE id = $1 \
     UNION SELECT c.id FROM tree JOIN nodes c ON c.parent_id = tree.id) \
     UPDATE nodes SET owner_kind = $2, owner_id = $3 WHERE id IN (SELECT id FROM tree)";

pub const PROPAGATE_ETAG: &str = "WITH RECURSIVE chain(id) AS ( \
     SELECT id FROM nodes WHERE id = $1 \
     UNION SELECT p.parent_id FROM chain JOIN nodes p ON p.id = chain.id WHERE p.parent_id IS NOT NULL) \
     UPDATE nodes SET etag = $2 WHERE id IN (SELECT id FROM chain)";

/// One statement, so the parent foreign key is checked once at its end, when the whole
/// subtree is gone. Versions, stars and upload tokens go by `ON DELETE CASCADE`.
pub const DELETE_SUBTREE: &str = "WITH RECURSIVE tree(id) AS ( \
     SELECT id FROM nodes WHERE id = $1 \
     UNION SELECT c.id FROM tree JOIN nodes c ON c.parent_id = tree.id) \
     DELETE FROM nodes WHERE id IN (SELECT id FROM tree)";

/// The triggers of migration 0012 keep `owner_usage` equal to the sum of the sizes of the
/// owner's versions (the store stories check it through inserts, trash, a change of owner,
/// subtree, user and group deletes).
pub const USED_BYTES: &str = "SELECT COALESCE((SELECT used_bytes FROM owner_usage \
     WHERE owner_kind = $1 AND owner_id = $2), 0)";

// --- stars ---

pub const STAR: &str =
    "INSERT INTO stars (user_id, node_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
pub const UNSTAR: &str = "DELETE FROM stars WHERE user_id = $1 AND node_id = $2";
pub const IS_STARRED: &str =
    "SELECT EXISTS (SELECT 1 FROM stars WHERE user_id = $1 AND node_id = $2)";

// --- versions ---

macro_rules! version_cols {
    () => {
        "node_id, number, content_hash, size, author, created_ms"
    };
}

pub const INSERT_VERSION: &str = concat!(
    "INSERT INTO versions (",
    version_cols!(),
    ") VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
);
pub const LIST_VERSIONS: &str = concat!(
    "SELECT ",
    version_cols!(),
    " FROM versions WHERE node_id = $1 ORDER BY number"
);
pub const VERSION: &str = concat!(
    "SELECT ",
    version_cols!(),
    " FROM versions WHERE node_id = $1 AND number = $2"
);
/// A node's current hash counts too, so a blob can never be swept from under a file even if
/// its version row were missing.
/// Parts of chunked uploads count too: they are committed blobs that no version names
/// until the upload is assembled.
pub const BLOB_IS_REFERENCED: &str = "SELECT EXISTS (SELECT 1 FROM versions WHERE content_hash = $1) \
     OR EXISTS (SELECT 1 FROM nodes WHERE content_hash = $1) \
     OR EXISTS (SELECT 1 FROM upload_parts WHERE content_hash = $1)";

// --- chunked uploads ---

macro_rules! upload_session_cols {
    () => {
        "id, user_id, transfer_id, variant, dest_parent_id, dest_name, total_length, chunk_count, \
         created_ms, touched_ms, assembling_ms"
    };
}

macro_rules! upload_part_cols {
    () => {
        "upload_id, name, content_hash, size, created_ms"
    };
}

pub const INSERT_UPLOAD_SESSION: &str = concat!(
    "INSERT INTO upload_sessions (",
    upload_session_cols!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING"
);

/// `$1` user, `$2` transfer id, `$3` the idle cutoff: older sessions count as gone even
/// before the sweep removes them.
pub const UPLOAD_SESSION: &str = concat!(
    "SELECT ",
    upload_session_cols!(),
    " FROM upload_sessions WHERE user_id = $1 AND transfer_id = $2 AND touched_ms >= $3"
);

/// As [`UPLOAD_SESSION`], `$4` now. An `UPDATE` rather than `SELECT … FOR UPDATE` (which
/// SQLite lacks): it locks the row in PostgreSQL all the same, and under READ COMMITTED
/// the statements after it see what the previous holder committed.
pub const TOUCH_UPLOAD_SESSION: &str = concat!(
    "UPDATE upload_sessions SET touched_ms = $4",
    " WHERE user_id = $1 AND transfer_id = $2 AND touched_ms >= $3 RETURNING ",
    upload_session_cols!()
);

pub const SET_UPLOAD_ASSEMBLING: &str =
    "UPDATE upload_sessions SET assembling_ms = $2 WHERE id = $1";

/// Parts go by `ON DELETE CASCADE`; their blobs are left to the sweep.
pub const DELETE_UPLOAD_SESSION: &str = "DELETE FROM upload_sessions WHERE id = $1";

pub const DELETE_IDLE_UPLOAD_SESSIONS: &str = "DELETE FROM upload_sessions WHERE touched_ms < $1";

/// Deleting and returning the replaced part in one statement, then inserting, rather than
/// an upsert: the caller needs the old part's size.
pub const TAKE_UPLOAD_PART: &str = concat!(
    "DELETE FROM upload_parts WHERE upload_id = $1 AND name = $2 RETURNING ",
    upload_part_cols!()
);

pub const INSERT_UPLOAD_PART: &str = concat!(
    "INSERT INTO upload_parts (",
    upload_part_cols!(),
    ") VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"
);

/// Byte order on both backends (the PostgreSQL column is `COLLATE "C"`).
pub const LIST_UPLOAD_PARTS: &str = concat!(
    "SELECT ",
    upload_part_cols!(),
    " FROM upload_parts WHERE upload_id = $1 ORDER BY name"
);

pub const DELETE_UPLOAD_PART: &str = "DELETE FROM upload_parts WHERE upload_id = $1 AND name = $2";

/// `SUM(bigint)` is `numeric` in PostgreSQL, hence the cast back.
pub const UPLOAD_PART_BYTES: &str = "SELECT CAST(COALESCE(SUM(p.size), 0) AS BIGINT) \
     FROM upload_parts p JOIN upload_sessions s ON s.id = p.upload_id WHERE s.user_id = $1";

// --- dav: dead properties, statistics, checksums, locks ---

/// The node's own properties and its live children's, for one PROPFIND of Depth 1.
pub const DEAD_PROPS_IN: &str = "SELECT p.node_id, p.namespace, p.name, p.value FROM dead_props p \
     WHERE p.node_id = $1 OR p.node_id IN \
     (SELECT c.id FROM nodes c WHERE c.parent_id = $1 AND c.trashed_ms IS NULL) \
     ORDER BY p.node_id, p.namespace, p.name";

pub const SET_DEAD_PROP: &str = "INSERT INTO dead_props (node_id, namespace, name, value) \
     VALUES ($1, $2, $3, $4) \
     ON CONFLICT (node_id, namespace, name) DO UPDATE SET value = excluded.value";

pub const REMOVE_DEAD_PROP: &str =
    "DELETE FROM dead_props WHERE node_id = $1 AND namespace = $2 AND name = $3";

/// `$1` from, `$2` to. (The `WHERE` also keeps SQLite from reading `ON CONFLICT` as a join.)
pub const COPY_DEAD_PROPS: &str = "INSERT INTO dead_props (node_id, namespace, name, value) \
     SELECT $2, p.namespace, p.name, p.value FROM dead_props p WHERE p.node_id = $1 \
     ON CONFLICT DO NOTHING";

/// `$1` node, `$2` depth limit. Stats of the node and of each live child: a file's are its
/// own size and current checksum; a folder's are the live file sizes below it summed, and
/// its direct members counted. Only child folders are walked (once each, grouped by the
/// child they start from); the node's own figures are its children's summed, so a folder
/// of 10,000 files needs no walk and no grouping at all.
/// The walk and per-child figures [`NODE_STATS_IN`] and [`NODE_STATS_OF`] share.
macro_rules! node_stats_ctes {
    () => {
        concat!(
            "WITH RECURSIVE tree(top, id, kind, size, depth) AS (",
            " SELECT c.id, c.id, c.kind, c.size, 1 FROM nodes c",
            " WHERE c.parent_id = $1 AND c.trashed_ms IS NULL AND c.kind = 'dir'",
            " UNION ALL SELECT tree.top, c.id, c.kind, c.size, tree.depth + 1",
            " FROM tree JOIN nodes c ON c.parent_id = tree.id",
            " WHERE c.trashed_ms IS NULL AND tree.depth < $2),",
            " dirs(node_id, tree_size, files, folders) AS (SELECT top,",
            " CAST(COALESCE(SUM(CASE WHEN kind = 'file' THEN size ELSE 0 END), 0) AS BIGINT),",
            " CAST(COALESCE(SUM(CASE WHEN depth = 2 AND kind = 'file' THEN 1 ELSE 0 END), 0) AS BIGINT),",
            " CAST(COALESCE(SUM(CASE WHEN depth = 2 AND kind = 'dir' THEN 1 ELSE 0 END), 0) AS BIGINT)",
            " FROM tree GROUP BY top),",
            " kids(node_id, kind, revision, tree_size, files, folders) AS (SELECT c.id, c.kind, c.revision,",
            " CASE WHEN c.kind = 'file' THEN c.size ELSE COALESCE(d.tree_size, 0) END,",
            " COALESCE(d.files, 0), COALESCE(d.folders, 0)",
            " FROM nodes c LEFT JOIN dirs d ON d.node_id = c.id",
            " WHERE c.parent_id = $1 AND c.trashed_ms IS NULL)",
            " SELECT n.id AS node_id,",
            " CASE WHEN n.kind = 'file' THEN n.size",
            " ELSE CAST(COALESCE((SELECT SUM(k.tree_size) FROM kids k), 0) AS BIGINT) END AS tree_size,",
            " CAST((SELECT COUNT(*) FROM kids k WHERE k.kind = 'file') AS BIGINT) AS files,",
            " CAST((SELECT COUNT(*) FROM kids k WHERE k.kind = 'dir') AS BIGINT) AS folders,",
            " v.checksum AS checksum",
            " FROM nodes n LEFT JOIN versions v ON v.node_id = n.id AND v.number = n.revision",
            " WHERE n.id = $1"
        )
    };
}

pub const NODE_STATS_IN: &str = concat!(
    node_stats_ctes!(),
    " UNION ALL SELECT k.node_id, k.tree_size, k.files, k.folders, v.checksum",
    " FROM kids k LEFT JOIN versions v ON v.node_id = k.node_id AND v.number = k.revision"
);

/// `$1` node, `$2` depth limit: the node's own row of [`NODE_STATS_IN`] (a PROPFIND with
/// `Depth: 0`, which sync clients send to poll a folder's ETag), without its children's.
pub const NODE_STATS_OF: &str = node_stats_ctes!();

pub const SET_VERSION_CHECKSUM: &str =
    "UPDATE versions SET checksum = $3 WHERE node_id = $1 AND number = $2";

macro_rules! lock_cols {
    () => {
        "l.token, l.node_id, l.user_id, l.exclusive, l.deep, l.owner_xml, l.timeout_secs, \
         l.created_ms, l.expires_ms"
    };
}

pub const INSERT_LOCK: &str = "INSERT INTO dav_locks (token, node_id, user_id, exclusive, deep, \
     owner_xml, timeout_secs, created_ms, expires_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";

pub const LOCK_BY_TOKEN: &str = concat!(
    "SELECT ",
    lock_cols!(),
    " FROM dav_locks l WHERE l.token = $1"
);

/// `$1` node, `$2` now, `$3` depth limit. The walk goes up from the node; a lock on the
/// node counts whatever its depth, a lock further up only when deep.
pub const LOCKS_COVERING: &str = concat!(
    "WITH RECURSIVE chain(id, depth) AS (",
    " SELECT id, 0 FROM nodes WHERE id = $1",
    " UNION ALL SELECT p.parent_id, chain.depth + 1 FROM chain JOIN nodes p ON p.id = chain.id",
    " WHERE p.parent_id IS NOT NULL AND chain.depth < $3)",
    " SELECT ",
    lock_cols!(),
    " FROM dav_locks l JOIN chain ON chain.id = l.node_id",
    " WHERE (chain.depth = 0 OR l.deep) AND l.expires_ms > $2",
    " ORDER BY chain.depth DESC, l.token"
);

/// `$1` node, `$2` now, `$3` depth limit.
pub const LOCKS_BELOW: &str = concat!(
    "WITH RECURSIVE tree(id, depth) AS (",
    " SELECT id, 1 FROM nodes WHERE parent_id = $1 AND trashed_ms IS NULL",
    " UNION ALL SELECT c.id, tree.depth + 1 FROM tree JOIN nodes c ON c.parent_id = tree.id",
    " WHERE c.trashed_ms IS NULL AND tree.depth < $3)",
    " SELECT ",
    lock_cols!(),
    " FROM dav_locks l JOIN tree ON tree.id = l.node_id WHERE l.expires_ms > $2",
    " ORDER BY l.token"
);

pub const REFRESH_LOCK: &str =
    "UPDATE dav_locks SET timeout_secs = $2, expires_ms = $3 WHERE token = $1";

pub const DELETE_LOCK: &str = "DELETE FROM dav_locks WHERE token = $1";

/// Trashed descendants included: a lock never outlives its place in the tree.
pub const DELETE_LOCKS_IN: &str = "WITH RECURSIVE tree(id) AS ( \
     SELECT id FROM nodes WHERE id = $1 \
     UNION SELECT c.id FROM tree JOIN nodes c ON c.parent_id = tree.id) \
     DELETE FROM dav_locks WHERE node_id IN (SELECT id FROM tree)";

pub const DELETE_EXPIRED_LOCKS: &str = "DELETE FROM dav_locks WHERE expires_ms <= $1";

// --- webdrive endpoints ---

macro_rules! webdrive_cols {
    () => {
        "endpoint, user_id, group_id, show_to_members, created_ms"
    };
}

/// `$1` user, `$2` group (one of them null).
pub const DELETE_WEBDRIVE_OF: &str = "DELETE FROM webdrives \
     WHERE (user_id IS NOT NULL AND user_id = $1) OR (group_id IS NOT NULL AND group_id = $2)";

pub const INSERT_WEBDRIVE: &str = "INSERT INTO webdrives \
     (endpoint, user_id, group_id, show_to_members, created_ms) VALUES ($1, $2, $3, $4, $5)";

pub const WEBDRIVE_BY_ENDPOINT: &str = concat!(
    "SELECT ",
    webdrive_cols!(),
    " FROM webdrives WHERE endpoint = $1"
);

/// `$1` user, `$2` group (one of them null).
pub const WEBDRIVE_OF: &str = concat!(
    "SELECT ",
    webdrive_cols!(),
    " FROM webdrives WHERE (user_id IS NOT NULL AND user_id = $1)",
    " OR (group_id IS NOT NULL AND group_id = $2)"
);

// --- features ---

pub const FEATURE_STATES: &str = "SELECT id, enabled FROM features ORDER BY id";

pub const SET_FEATURE_STATE: &str = "INSERT INTO features (id, enabled, changed_ms) \
     VALUES ($1, $2, $3) \
     ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, changed_ms = excluded.changed_ms";

// --- group member defaults ---

pub const MEMBER_DEFAULTS: &str = "SELECT group_id AS m_group_id, group_id AS m_user_id, \
     is_admin AS m_is_admin, node_permissions AS m_node_permissions, \
     tag_permissions AS m_tag_permissions, share_permissions AS m_share_permissions, \
     CAST(0 AS BIGINT) AS m_created_ms FROM group_member_defaults WHERE group_id = $1";

pub const SET_MEMBER_DEFAULTS: &str = "INSERT INTO group_member_defaults \
     (group_id, is_admin, node_permissions, tag_permissions, share_permissions) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (group_id) DO UPDATE SET \
     is_admin = excluded.is_admin, node_permissions = excluded.node_permissions, \
     tag_permissions = excluded.tag_permissions, share_permissions = excluded.share_permissions";

pub const CLEAR_MEMBER_DEFAULTS: &str = "DELETE FROM group_member_defaults WHERE group_id = $1";
