-- +goose Up
-- The policy an action's clocks count, as it started with it (its category's version then, with
-- the durations the action was given of its own, as JSON); null on a row last written by a
-- release before this column.
ALTER TABLE actions ADD COLUMN policy TEXT;

-- +goose Down
ALTER TABLE actions DROP COLUMN policy;
