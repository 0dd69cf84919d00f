-- +goose Up
-- The timeline entry that recorded a task done (a message_delivered), set by the projection alone:
-- a write made again after a workflow task thrown away reopens only such a task, never one ended
-- otherwise (by migration 28, or an erasure), which keeps read_at without it.
ALTER TABLE notifications ADD COLUMN done_seq BIGINT;

-- +goose Down
ALTER TABLE notifications DROP COLUMN done_seq;
