-- +goose Up
-- When the owner of an action paused without an end is next reminded that it waits on the
-- customer; null while it runs, when its pause has an end, or for an action started before such
-- reminders.
ALTER TABLE actions ADD COLUMN pause_remind_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE actions DROP COLUMN pause_remind_at;
