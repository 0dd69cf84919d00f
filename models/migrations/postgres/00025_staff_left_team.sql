-- +goose Up
-- The team a member of staff was last moved out of, whose pages the live stream tells of the move
-- too; and the staff found by when they changed, as the live stream reads them.
ALTER TABLE staff ADD COLUMN left_team_id TEXT;
CREATE INDEX staff_changed_at ON staff (changed_at);

-- +goose Down
DROP INDEX staff_changed_at;
ALTER TABLE staff DROP COLUMN left_team_id;
