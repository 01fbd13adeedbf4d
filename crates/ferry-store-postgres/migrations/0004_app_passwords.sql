-- App passwords (a device's own revocable credential) and Nextcloud login flow v2.
-- Same tables, columns and indexes as the SQLite migration of the same name.

CREATE TABLE app_passwords (
    id           UUID   NOT NULL PRIMARY KEY,
    user_id      UUID   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL UNIQUE,
    created_ms   BIGINT NOT NULL,
    last_used_ms BIGINT
);
CREATE INDEX app_passwords_user ON app_passwords (user_id);

CREATE TABLE login_flows (
    id                  UUID   NOT NULL PRIMARY KEY,
    poll_token_hash     TEXT   NOT NULL UNIQUE,
    login_token_hash    TEXT   NOT NULL UNIQUE,
    created_ms          BIGINT NOT NULL,
    expires_ms          BIGINT NOT NULL,
    sealed_app_password TEXT   NOT NULL,
    app_password_hash   TEXT   NOT NULL,
    -- Set together when the user grants access.
    user_id             UUID   REFERENCES users (id) ON DELETE CASCADE,
    login_name          TEXT
);
CREATE INDEX login_flows_expires ON login_flows (expires_ms);
