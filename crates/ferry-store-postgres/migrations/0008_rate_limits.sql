-- Fixed one-minute request windows per API key, shared by every instance using this
-- database. Same table as the SQLite migration of the same name.

CREATE TABLE rate_windows (
    key          TEXT   NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);
