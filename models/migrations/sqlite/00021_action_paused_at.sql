-- +goose Up
-- While an action is paused: since when, and how much of its time is left to its due time (the
-- time it has once resumed; business time on its calendar), so that screens and clients show that
-- rather than a due time that waits. Both null while it runs; a row written before this migration
-- gains them at its next change.
ALTER TABLE actions ADD COLUMN paused_at DATETIME;
ALTER TABLE actions ADD COLUMN due_left_seconds BIGINT;

-- +goose Down
ALTER TABLE actions DROP COLUMN due_left_seconds;
ALTER TABLE actions DROP COLUMN paused_at;
