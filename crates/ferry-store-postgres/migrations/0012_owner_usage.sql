-- Bytes each owner stores, kept up to date by triggers so that a quota check or a quota
-- property reads one row instead of summing every version the owner has.
-- Versions are only ever deleted with their node (by cascade), so the node's delete
-- subtracts them; a change of owner moves them.
CREATE TABLE owner_usage (
    owner_kind TEXT   NOT NULL,
    owner_id   UUID   NOT NULL,
    used_bytes BIGINT NOT NULL,
    PRIMARY KEY (owner_kind, owner_id)
);

INSERT INTO owner_usage (owner_kind, owner_id, used_bytes)
    SELECT n.owner_kind, n.owner_id, SUM(v.size)
    FROM versions v JOIN nodes n ON n.id = v.node_id
    GROUP BY n.owner_kind, n.owner_id;

CREATE FUNCTION owner_usage_version_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO owner_usage (owner_kind, owner_id, used_bytes)
        SELECT owner_kind, owner_id, NEW.size FROM nodes WHERE id = NEW.node_id
        ON CONFLICT (owner_kind, owner_id)
        DO UPDATE SET used_bytes = owner_usage.used_bytes + EXCLUDED.used_bytes;
    RETURN NULL;
END $$;

CREATE TRIGGER owner_usage_version_added AFTER INSERT ON versions
    FOR EACH ROW EXECUTE FUNCTION owner_usage_version_added();

CREATE FUNCTION owner_usage_node_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE owner_usage
        SET used_bytes = used_bytes - (SELECT COALESCE(SUM(size), 0) FROM versions WHERE node_id = OLD.id)
        WHERE owner_kind = OLD.owner_kind AND owner_id = OLD.owner_id;
    RETURN OLD;
END $$;

CREATE TRIGGER owner_usage_node_deleted BEFORE DELETE ON nodes
    FOR EACH ROW EXECUTE FUNCTION owner_usage_node_deleted();

CREATE FUNCTION owner_usage_owner_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved BIGINT;
BEGIN
    SELECT COALESCE(SUM(size), 0) INTO moved FROM versions WHERE node_id = NEW.id;
    UPDATE owner_usage SET used_bytes = used_bytes - moved
        WHERE owner_kind = OLD.owner_kind AND owner_id = OLD.owner_id;
    INSERT INTO owner_usage (owner_kind, owner_id, used_bytes)
        VALUES (NEW.owner_kind, NEW.owner_id, moved)
        ON CONFLICT (owner_kind, owner_id)
        DO UPDATE SET used_bytes = owner_usage.used_bytes + EXCLUDED.used_bytes;
    RETURN NULL;
END $$;

CREATE TRIGGER owner_usage_owner_changed AFTER UPDATE OF owner_kind, owner_id ON nodes
    FOR EACH ROW
    WHEN (OLD.owner_kind IS DISTINCT FROM NEW.owner_kind OR OLD.owner_id IS DISTINCT FROM NEW.owner_id)
    EXECUTE FUNCTION owner_usage_owner_changed();
