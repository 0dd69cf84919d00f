-- +goose Up
-- How often an action paused without an end reminds its owner, in seconds; null takes the
-- default (a day).
ALTER TABLE policies ADD COLUMN pause_remind_every INTEGER;

-- +goose Down
ALTER TABLE policies DROP COLUMN pause_remind_every;
