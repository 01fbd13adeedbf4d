-- Chunked uploads (Nextcloud upload folders and legacy `-chunking-` PUTs). The SQLite
-- migration of the same name has the same tables, columns and indexes. In the database, not
-- in memory, so that every instance behind a load balancer sees the same sessions. Part
-- names are COLLATE "C" so they sort in byte order, as SQLite sorts them.

CREATE TABLE upload_sessions (
    id             UUID   NOT NULL PRIMARY KEY,
    user_id        UUID   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The client's upload folder name; legacy transfers are `legacy/<transfer>`.
    transfer_id    TEXT   COLLATE "C" NOT NULL,
    variant        TEXT   NOT NULL CHECK (variant IN ('v1', 'v2', 'legacy')),
    -- Where the file goes (v2 and legacy); the session goes with the folder.
    dest_parent_id UUID   REFERENCES nodes (id) ON DELETE CASCADE,
    dest_name      TEXT,
    total_length   BIGINT,
    chunk_count    BIGINT,
    created_ms     BIGINT NOT NULL,
    touched_ms     BIGINT NOT NULL,
    -- Set while one caller joins the parts.
    assembling_ms  BIGINT,
    UNIQUE (user_id, transfer_id),
    CHECK ((dest_parent_id IS NULL) = (dest_name IS NULL))
);
CREATE INDEX upload_sessions_touched ON upload_sessions (touched_ms);
CREATE INDEX upload_sessions_dest ON upload_sessions (dest_parent_id);

-- Each part is a committed blob of its own; the blob sweep keeps the ones named here.
CREATE TABLE upload_parts (
    upload_id    UUID   NOT NULL REFERENCES upload_sessions (id) ON DELETE CASCADE,
    name         TEXT   COLLATE "C" NOT NULL,
    content_hash TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    created_ms   BIGINT NOT NULL,
    PRIMARY KEY (upload_id, name)
);
CREATE INDEX upload_parts_content_hash ON upload_parts (content_hash);
