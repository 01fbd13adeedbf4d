-- WebDAV: dead properties, locks, and the checksum a client sent with a version.
-- The PostgreSQL migration of the same name has the same tables, columns and indexes.

-- Properties a client set with PROPPATCH that Ferry does not interpret. `value` is the
-- property element's content as an XML fragment with its namespaces declared inline.
CREATE TABLE dead_props (
    node_id   BLOB NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    namespace TEXT NOT NULL,
    name      TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (node_id, namespace, name)
);

-- WebDAV write locks (RFC 4918 §6–7). In the database, not in memory, so that every
-- instance behind a load balancer sees the same locks.
CREATE TABLE dav_locks (
    token        TEXT    NOT NULL PRIMARY KEY,
    node_id      BLOB    NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    user_id      BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    exclusive    BOOLEAN NOT NULL,
    -- Depth: infinity (the lock covers everything below the node too).
    deep         BOOLEAN NOT NULL,
    -- The client's <owner> element content, returned verbatim in lock discovery.
    owner_xml    TEXT    NOT NULL,
    timeout_secs BIGINT  NOT NULL,
    created_ms   BIGINT  NOT NULL,
    expires_ms   BIGINT  NOT NULL
);
CREATE INDEX dav_locks_node ON dav_locks (node_id);
CREATE INDEX dav_locks_user ON dav_locks (user_id);
CREATE INDEX dav_locks_expires ON dav_locks (expires_ms);

-- The checksum a client sent with the content (Nextcloud's OC-Checksum, e.g. "SHA1:…").
ALTER TABLE versions ADD COLUMN checksum TEXT;
