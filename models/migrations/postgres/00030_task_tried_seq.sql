-- +goose Up
-- The timeline entry that last recorded trying in vain to tell a customer a message (a
-- message_not_reached), set by the projection: the inbox says when, how and by whom, and which try.
ALTER TABLE notifications ADD COLUMN tried_seq BIGINT;

-- +goose Down
ALTER TABLE notifications DROP COLUMN tried_seq;
