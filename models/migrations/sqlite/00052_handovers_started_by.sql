-- +goose Up
-- The handovers of the shift handovers someone started for others: their inbox lists the
-- follow-ups of those, as they are reminded of them too.
CREATE INDEX handovers_started_by ON handovers (started_by, action_id) WHERE started_by <> '';

-- +goose Down
DROP INDEX IF EXISTS handovers_started_by;
