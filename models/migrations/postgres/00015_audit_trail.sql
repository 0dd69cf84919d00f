-- +goose Up
-- The audit trail records administrators' changes too (teams, staff, tokens, opening hours,
-- policies), not only erasures: each entry says what kind of thing its subject is. Entries
-- written before hold erasures, whose subject is a customer reference. Adding the column writes
-- no row, so the append-only triggers do not fire.
ALTER TABLE audit_entries ADD COLUMN subject_type TEXT NOT NULL DEFAULT 'customer';
-- One subject's entries, newest first, and the whole trail by its order (the primary key).
CREATE INDEX audit_entries_subject ON audit_entries (subject_type, subject, id);

-- +goose Down
DROP INDEX audit_entries_subject;
ALTER TABLE audit_entries DROP COLUMN subject_type;
