-- What a group's new members get when a face set it exactly (FulliO's permission object,
-- which must hold even while the group has no members). Without a row, the group's
-- default_permission level applies.
-- Same table, columns and indexes as the PostgreSQL migration of the same name.

CREATE TABLE group_member_defaults (
    group_id          BLOB    NOT NULL PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    is_admin          BOOLEAN NOT NULL,
    node_permissions  TEXT    NOT NULL,
    tag_permissions   TEXT    NOT NULL,
    share_permissions TEXT    NOT NULL
);
