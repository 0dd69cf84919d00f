-- +goose Up
-- When a paused action resumes by itself, if its pause was given an end; null while it runs or
-- waits until someone resumes it.
ALTER TABLE actions ADD COLUMN resume_at DATETIME;
-- The actions paused now, for the lists that keep them (paused=true): few among many.
CREATE INDEX actions_paused ON actions (created_at, id) WHERE paused;

-- +goose Down
DROP INDEX actions_paused;
ALTER TABLE actions DROP COLUMN resume_at;
