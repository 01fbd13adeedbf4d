-- FileAgo WebDrive endpoints: a name under /webdrive/ that serves one user's or one group's
-- files over WebDAV. At most one per owner; names are unique across the server.
-- Same table, columns and indexes as the PostgreSQL migration of the same name.

CREATE TABLE webdrives (
    endpoint         TEXT    NOT NULL PRIMARY KEY,
    -- Exactly one owner; the endpoint goes with it.
    user_id          BLOB    UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    group_id         BLOB    UNIQUE REFERENCES groups (id) ON DELETE CASCADE,
    show_to_members  BOOLEAN NOT NULL,
    created_ms       BIGINT  NOT NULL,
    CHECK ((user_id IS NULL) <> (group_id IS NULL))
);
