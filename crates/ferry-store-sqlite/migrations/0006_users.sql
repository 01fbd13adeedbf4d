-- The account as FileAgo shows it (profile, avatar, notification settings, admin comment),
-- TOTP 2FA, login history and the login failure counters of the brute-force guard.
-- Same columns, tables and indexes as the PostgreSQL migration of the same name.

ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN twitter TEXT NOT NULL DEFAULT '';
-- A data: URL (PNG or JPEG, base64); NULL is the default avatar.
ALTER TABLE users ADD COLUMN avatar TEXT;
ALTER TABLE users ADD COLUMN admin_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email_alert_owned BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN email_alert_group_owned BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN email_alert_shared_with_me BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN email_alert_shared_with_my_groups BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN realtime_alert_owned BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN realtime_alert_group_owned BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN realtime_alert_shared_with_me BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN realtime_alert_shared_with_my_groups BOOLEAN NOT NULL DEFAULT TRUE;
-- Base32 TOTP secret while 2FA is on (NULL: off), and the last time step a code was
-- accepted for, so a code works once.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- Logins (successful or not) and logouts, newest read first.
CREATE TABLE login_history (
    id         BLOB   NOT NULL PRIMARY KEY,
    user_id    BLOB   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    action     TEXT   NOT NULL,
    status     TEXT   NOT NULL,
    ip_address TEXT   NOT NULL,
    details    TEXT   NOT NULL,
    at_ms      BIGINT NOT NULL
);
CREATE INDEX login_history_user ON login_history (user_id, at_ms);

-- One row per failed login, keyed by account ("user:<uuid>") and by client address
-- ("ip:<address>"); rows older than the guard's window are removed as new ones come.
CREATE TABLE login_failures (
    key   TEXT   NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at_ms);
CREATE INDEX login_failures_at ON login_failures (at_ms);
