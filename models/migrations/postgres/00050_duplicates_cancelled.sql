-- +goose Up
-- An action's page lists the actions cancelled as duplicates of it, found by the duplicate_of of
-- their timeline's cancelled entry (models' DuplicatesOf), which this index holds.
CREATE INDEX action_events_duplicate_of ON action_events (((data::jsonb) ->> 'duplicate_of')) WHERE type = 'cancelled';

-- +goose Down
DROP INDEX IF EXISTS action_events_duplicate_of;
