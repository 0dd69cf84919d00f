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
    created_at   DATETIME NOT NULL,
    destroyed_at DATETIME
);
-- One live key per customer; destroyed keys stay listed so erasure can be shown to have happened.
CREATE UNIQUE INDEX customer_keys_live ON customer_keys (customer_ref) WHERE destroyed_at IS NULL;

-- What was done to data (an erasure, ...), by whom and when: never the personal data itself.
CREATE TABLE audit_entries (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       DATETIME NOT NULL,
    actor_id TEXT NOT NULL,
    kind     TEXT NOT NULL,
    subject  TEXT NOT NULL,
    detail   TEXT NOT NULL
);

-- The timeline and the audit trail are append-only: the database itself refuses to change or
-- remove a row, whatever the code path.
-- +goose StatementBegin
CREATE TRIGGER action_events_no_update BEFORE UPDATE ON action_events
BEGIN
    SELECT RAISE(ABORT, 'action_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER action_events_no_delete BEFORE DELETE ON action_events
BEGIN
    SELECT RAISE(ABORT, 'action_events is append-only: DELETE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only: UPDATE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only: DELETE refused');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_entries_no_delete;
DROP TRIGGER audit_entries_no_update;
DROP TRIGGER action_events_no_delete;
DROP TRIGGER action_events_no_update;
DROP TABLE audit_entries;
DROP TABLE customer_keys;
