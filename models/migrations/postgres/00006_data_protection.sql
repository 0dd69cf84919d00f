-- +goose Up
-- Per-customer data keys (crypto-shredding). Customer personal data is sealed with its customer's
-- key before it enters a workflow, so the copies in Temporal's histories and in this read model are
-- ciphertext; erasing a customer destroys the key (wrapped becomes NULL) and every copy becomes
-- unreadable at once. wrapped is the key encrypted with the process key named by wrap_key_id.
CREATE TABLE customer_keys (
    id           TEXT PRIMARY KEY,
    customer_ref TEXT NOT NULL,
    wrap_key_id  TEXT NOT NULL,
    wrapped      TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    destroyed_at TIMESTAMPTZ
);
-- One live key per customer; destroyed keys stay listed so erasure can be shown to have happened.
CREATE UNIQUE INDEX customer_keys_live ON customer_keys (customer_ref) WHERE destroyed_at IS NULL;

-- What was done to data (an erasure, ...), by whom and when: never the personal data itself.
CREATE TABLE audit_entries (
    id       BIGSERIAL PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL,
    actor_id TEXT NOT NULL,
    kind     TEXT NOT NULL,
    subject  TEXT NOT NULL,
    detail   TEXT NOT NULL
);

-- The timeline and the audit trail are append-only: the database itself refuses to change or
-- remove a row, whatever the code path.
-- +goose StatementBegin
CREATE FUNCTION handover_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER action_events_append_only BEFORE UPDATE OR DELETE ON action_events
    FOR EACH ROW EXECUTE FUNCTION handover_append_only();
CREATE TRIGGER action_events_no_truncate BEFORE TRUNCATE ON action_events
    FOR EACH STATEMENT EXECUTE FUNCTION handover_append_only();
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION handover_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION handover_append_only();

-- +goose Down
DROP TRIGGER audit_entries_no_truncate ON audit_entries;
DROP TRIGGER audit_entries_append_only ON audit_entries;
DROP TRIGGER action_events_no_truncate ON action_events;
DROP TRIGGER action_events_append_only ON action_events;
DROP FUNCTION handover_append_only();
DROP TABLE audit_entries;
DROP TABLE customer_keys;
