-- Groups (FileAgo groups, OCS groups, FileOnion teams), their memberships and tags, and the
-- outgoing-mail table group broadcasts are written to. Same tables, columns, constraints and
-- indexes as the SQLite migration of the same name. A group's nodes name it through
-- `nodes.owner_kind = 'group'` (no foreign key: `owner_id` names a user or a group), so
-- deleting a group deletes its nodes explicitly.

CREATE TABLE groups (
    id                    UUID    NOT NULL PRIMARY KEY,
    slug                  TEXT    COLLATE "C" NOT NULL UNIQUE,
    name                  TEXT    COLLATE "C" NOT NULL,
    description           TEXT,
    quota_bytes           BIGINT  NOT NULL,
    default_permission    TEXT    NOT NULL CHECK (default_permission IN ('read', 'edit', 'admin')),
    -- A data URL (PNG or JPEG), bounded by the application; NULL is the default avatar.
    avatar                TEXT,
    accept_incoming       TEXT    NOT NULL CHECK (accept_incoming IN ('members', 'admins')),
    private_shares_notify TEXT    NOT NULL CHECK (private_shares_notify IN ('members', 'admins')),
    created_ms            BIGINT  NOT NULL
);

-- Permission sets are comma-separated names in the documented order (`read,write`); the
-- application parses them and refuses unknown names.
CREATE TABLE memberships (
    group_id          UUID    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id           UUID    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    is_admin          BOOLEAN NOT NULL,
    node_permissions  TEXT    NOT NULL,
    tag_permissions   TEXT    NOT NULL,
    share_permissions TEXT    NOT NULL,
    created_ms        BIGINT  NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE group_tags (
    id         UUID   NOT NULL PRIMARY KEY,
    group_id   UUID   NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    name       TEXT   COLLATE "C" NOT NULL,
    class      TEXT   NOT NULL,
    created_ms BIGINT NOT NULL,
    UNIQUE (group_id, name)
);

CREATE TABLE outgoing_mail (
    id         UUID   NOT NULL PRIMARY KEY,
    user_id    UUID   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address    TEXT,
    subject    TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX outgoing_mail_user ON outgoing_mail (user_id);
