-- API keys (`fo_live_…`), usable as bearer tokens on every face. Stored only hashed.
-- Same table, columns and indexes as the SQLite migration of the same name.

CREATE TABLE api_keys (
    id           UUID   NOT NULL PRIMARY KEY,
    -- The user the key acts as.
    user_id      UUID   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    prefix       TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL UNIQUE,
    scopes       TEXT   NOT NULL,
    status       TEXT   NOT NULL CHECK (status IN ('active', 'disabled', 'revoked')),
    created_ms   BIGINT NOT NULL,
    last_used_ms BIGINT,
    expires_ms   BIGINT,
    revoked_ms   BIGINT
);
CREATE INDEX api_keys_user ON api_keys (user_id);
