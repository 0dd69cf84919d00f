-- +goose Up
-- Who started the shift handover a handover was part of, when that was someone else than the one
-- handing over (a supervisor or a manager): they are told its read-back and its rating. '' for
-- any other handover, and for one written by a release before this column.
ALTER TABLE handovers ADD COLUMN started_by TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE handovers DROP COLUMN started_by;
