-- +goose Up
-- The shift handover a handover was made in, if any: an action taken over in one is due for the
-- supervisors' check too (its hander has gone off shift), so their inbox lists it. Rows written
-- before have none until their action's next projection.
ALTER TABLE handovers ADD COLUMN shift_handover_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE handovers DROP COLUMN shift_handover_id;
