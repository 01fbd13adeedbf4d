-- Bytes each owner stores, kept up to date by triggers so that a quota check or a quota
-- property reads one row instead of summing every version the owner has.
-- Versions are only ever deleted with their node (by cascade), so the node's delete
-- subtracts them; a change of owner moves them.
CREATE TABLE owner_usage (
    owner_kind TEXT   NOT NULL,
    owner_id   BLOB   NOT NULL,
    used_bytes BIGINT NOT NULL,
    PRIMARY KEY (owner_kind, owner_id)
);

INSERT INTO owner_usage (owner_kind, owner_id, used_bytes)
    SELECT n.owner_kind, n.owner_id, SUM(v.size)
    FROM versions v JOIN nodes n ON n.id = v.node_id
    GROUP BY n.owner_kind, n.owner_id;

CREATE TRIGGER owner_usage_version_added AFTER INSERT ON versions
BEGIN
    INSERT INTO owner_usage (owner_kind, owner_id, used_bytes)
        SELECT owner_kind, owner_id, NEW.size FROM nodes WHERE id = NEW.node_id
        ON CONFLICT (owner_kind, owner_id) DO UPDATE SET used_bytes = used_bytes + excluded.used_bytes;
END;

CREATE TRIGGER owner_usage_node_deleted BEFORE DELETE ON nodes
BEGIN
    UPDATE owner_usage
        SET used_bytes = used_bytes - (SELECT COALESCE(SUM(size), 0) FROM versions WHERE node_id = OLD.id)
        WHERE owner_kind = OLD.owner_kind AND owner_id = OLD.owner_id;
END;

CREATE TRIGGER owner_usage_owner_changed AFTER UPDATE OF owner_kind, owner_id ON nodes
    WHEN OLD.owner_kind IS NOT NEW.owner_kind OR OLD.owner_id IS NOT NEW.owner_id
BEGIN
    UPDATE owner_usage
        SET used_bytes = used_bytes - (SELECT COALESCE(SUM(size), 0) FROM versions WHERE node_id = NEW.id)
        WHERE owner_kind = OLD.owner_kind AND owner_id = OLD.owner_id;
    INSERT INTO owner_usage (owner_kind, owner_id, used_bytes)
        SELECT NEW.owner_kind, NEW.owner_id, COALESCE(SUM(size), 0) FROM versions WHERE node_id = NEW.id
        ON CONFLICT (owner_kind, owner_id) DO UPDATE SET used_bytes = used_bytes + excluded.used_bytes;
END;
