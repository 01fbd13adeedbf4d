-- Ferry's metadata schema, PostgreSQL flavour. The SQLite migration of the same name has
-- the same tables, columns, constraints and indexes; only the column types are spelled
-- for each database (UUIDs are `uuid` here, times are epoch milliseconds). Names and
-- usernames are COLLATE "C" so they sort in byte order, as SQLite sorts them, whatever the
-- database's locale.

CREATE TABLE users (
    id            UUID    NOT NULL PRIMARY KEY,
    username      TEXT    COLLATE "C" NOT NULL UNIQUE,
    email         TEXT,
    -- The email lower-cased by the application: unique and looked up case-insensitively.
    email_lower   TEXT    UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    is_admin      BOOLEAN NOT NULL,
    is_active     BOOLEAN NOT NULL,
    quota_bytes   BIGINT  NOT NULL,
    created_ms    BIGINT  NOT NULL,
    last_login_ms BIGINT
);

CREATE TABLE sessions (
    id            UUID   NOT NULL PRIMARY KEY,
    user_id       UUID   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash    TEXT   NOT NULL UNIQUE,
    file_key_hash TEXT   NOT NULL UNIQUE,
    created_ms    BIGINT NOT NULL,
    expires_ms    BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_ms);

-- Hands out Nextcloud file ids; see insert_node.
CREATE TABLE counters (
    name  TEXT   NOT NULL PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('file_id', 0);

CREATE TABLE nodes (
    id           UUID   NOT NULL PRIMARY KEY,
    file_id      BIGINT NOT NULL UNIQUE,
    owner_kind   TEXT   NOT NULL CHECK (owner_kind IN ('user', 'group')),
    owner_id     UUID   NOT NULL,
    -- Kept while the node is in the trash, so it can go back there.
    parent_id    UUID   REFERENCES nodes (id),
    root_kind    TEXT   CHECK (root_kind IN ('home', 'incoming')),
    name         TEXT   COLLATE "C" NOT NULL,
    kind         TEXT   NOT NULL CHECK (kind IN ('file', 'dir')),
    size         BIGINT NOT NULL,
    etag         TEXT   NOT NULL,
    revision     BIGINT NOT NULL,
    content_hash TEXT,
    created_ms   BIGINT NOT NULL,
    updated_ms   BIGINT NOT NULL,
    trashed_ms   BIGINT,
    -- Exactly the owners' root folders have no parent.
    CHECK ((parent_id IS NULL) = (root_kind IS NOT NULL))
);
-- Names are unique among live siblings; the trash may hold any number of a name.
CREATE UNIQUE INDEX nodes_live_name ON nodes (parent_id, name)
    WHERE trashed_ms IS NULL AND parent_id IS NOT NULL;
CREATE UNIQUE INDEX nodes_root ON nodes (owner_kind, owner_id, root_kind)
    WHERE root_kind IS NOT NULL;
CREATE INDEX nodes_parent ON nodes (parent_id);
CREATE INDEX nodes_owner ON nodes (owner_kind, owner_id);
CREATE INDEX nodes_content_hash ON nodes (content_hash) WHERE content_hash IS NOT NULL;

CREATE TABLE upload_tokens (
    token_hash TEXT   NOT NULL PRIMARY KEY,
    user_id    UUID   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    node_id    UUID   NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    expires_ms BIGINT NOT NULL
);
CREATE INDEX upload_tokens_user ON upload_tokens (user_id);
CREATE INDEX upload_tokens_node ON upload_tokens (node_id);
CREATE INDEX upload_tokens_expires ON upload_tokens (expires_ms);

CREATE TABLE versions (
    node_id      UUID   NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    number       BIGINT NOT NULL,
    content_hash TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    -- History outlives its author's account.
    author       UUID   REFERENCES users (id) ON DELETE SET NULL,
    created_ms   BIGINT NOT NULL,
    PRIMARY KEY (node_id, number)
);
CREATE INDEX versions_content_hash ON versions (content_hash);
CREATE INDEX versions_author ON versions (author);

CREATE TABLE stars (
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    node_id UUID NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, node_id)
);
CREATE INDEX stars_node ON stars (node_id);
