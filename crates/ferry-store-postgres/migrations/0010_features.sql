-- Ferry's switchable features (OCS cloud/apps): a row only for a feature switched off or
-- on explicitly; no row means the feature's default (on). Shared by every instance.
-- Same table, columns and indexes as the SQLite migration of the same name.

CREATE TABLE features (
    id          TEXT    NOT NULL PRIMARY KEY,
    enabled     BOOLEAN NOT NULL,
    changed_ms  BIGINT  NOT NULL
);
