-- +goose Up
-- The workflow revision the action was started with, which says what its workflow does (a pause
-- that ends by itself from 24, daily reminders of a pause without an end from 25); null on a row
-- last written by a release before this column, whose actions are of an earlier revision.
ALTER TABLE actions ADD COLUMN revision INTEGER;

-- +goose Down
ALTER TABLE actions DROP COLUMN revision;
