-- +goose Up
-- When a paused action resumes by itself, if its pause was given an end; null while it runs or
-- waits until someone resumes it.
ALTER TABLE actions ADD COLUMN resume_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE actions DROP COLUMN resume_at;
